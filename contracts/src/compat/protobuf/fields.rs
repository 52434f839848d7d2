//! Two fields with the same number (Confluent's `FieldSchemaDiff`): name, kind (scalar, map,
//! message; an enum counts as a scalar), the scalar's wire-compatible group, the named type and
//! the label.

use super::Rule;
use super::diff::{Ctx, Place};
use super::loader::{Field, FieldType, Label, TypeKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Scalar,
    Map,
    Message,
}

/// Scalars that read each other's encoding, per the Protobuf language guide's "Updating a
/// message type" (Confluent's `ScalarKind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ScalarKind {
    GeneralNumber,
    SignedNumber,
    StringOrBytes,
    Fixed32,
    Fixed64,
    Float,
    Double,
}

fn kind(ty: &FieldType) -> Kind {
    match ty {
        FieldType::Scalar(_) | FieldType::Enum(_) => Kind::Scalar,
        FieldType::Map(..) => Kind::Map,
        FieldType::Message(_) => Kind::Message,
    }
}

fn scalar_kind(ty: &FieldType) -> Option<ScalarKind> {
    Some(match ty {
        FieldType::Enum(_) => ScalarKind::GeneralNumber,
        FieldType::Scalar(name) => match *name {
            "int32" | "int64" | "uint32" | "uint64" | "bool" => ScalarKind::GeneralNumber,
            "sint32" | "sint64" => ScalarKind::SignedNumber,
            "string" | "bytes" => ScalarKind::StringOrBytes,
            "fixed32" | "sfixed32" => ScalarKind::Fixed32,
            "fixed64" | "sfixed64" => ScalarKind::Fixed64,
            "float" => ScalarKind::Float,
            "double" => ScalarKind::Double,
            _ => return None,
        },
        FieldType::Map(..) | FieldType::Message(_) => return None,
    })
}

fn show(ty: &FieldType) -> String {
    match ty {
        FieldType::Scalar(name) => (*name).to_owned(),
        FieldType::Enum(name) | FieldType::Message(name) => name.clone(),
        FieldType::Map(k, v) => format!("map<{}, {}>", show(k), show(v)),
    }
}

fn show_label(label: Option<Label>) -> &'static str {
    match label {
        Some(Label::Optional) => "optional",
        Some(Label::Required) => "required",
        Some(Label::Repeated) => "repeated",
        None => "(no label)",
    }
}

impl Ctx<'_> {
    pub(super) fn field(&mut self, place: &Place, original: &Field, update: &Field) {
        if original.name != update.name {
            self.add(
                Rule::FIELD_NAME_CHANGED,
                place,
                format!(
                    "field {} was renamed from `{}` to `{}`",
                    original.number, original.name, update.name
                ),
            );
        }
        let what = format!("field `{}` (number {})", update.name, update.number);
        self.labels_and_types(
            place,
            &what,
            (original.label, &original.ty),
            (update.label, &update.ty),
        );
    }

    fn labels_and_types(
        &mut self,
        place: &Place,
        what: &str,
        (original_label, original): (Option<Label>, &FieldType),
        (update_label, update): (Option<Label>, &FieldType),
    ) {
        let (o_kind, u_kind) = (kind(original), kind(update));
        if o_kind != u_kind {
            self.add(
                Rule::FIELD_KIND_CHANGED,
                place,
                format!(
                    "{what} changed from `{}` to `{}`: a different kind of type",
                    show(original),
                    show(update)
                ),
            );
            return;
        }
        match (original, update) {
            (FieldType::Map(ok, ov), FieldType::Map(uk, uv)) => {
                // Labels are not compared inside a map (Confluent passes none).
                self.labels_and_types(place, &format!("{what} map key"), (None, ok), (None, uk));
                self.labels_and_types(place, &format!("{what} map value"), (None, ov), (None, uv));
            }
            (FieldType::Message(o), FieldType::Message(u)) => self.message_types(place, what, o, u),
            _ => self.scalars(
                place,
                what,
                (original_label, original),
                (update_label, update),
            ),
        }
    }

    fn scalars(
        &mut self,
        place: &Place,
        what: &str,
        (original_label, original): (Option<Label>, &FieldType),
        (update_label, update): (Option<Label>, &FieldType),
    ) {
        let (o_kind, u_kind) = (scalar_kind(original), scalar_kind(update));
        if o_kind != u_kind {
            self.add(
                Rule::FIELD_SCALAR_KIND_CHANGED,
                place,
                format!(
                    "{what} changed from `{}` to `{}`, which encodes differently",
                    show(original),
                    show(update)
                ),
            );
            return;
        }
        // A label change counts only when both sides carry one: a proto3 field written
        // without a label compares with nothing, as in Confluent.
        let (Some(ol), Some(ul)) = (original_label, update_label) else {
            return;
        };
        if ol == ul {
            return;
        }
        let message = format!(
            "{what} changed from `{}` to `{}`",
            show_label(Some(ol)),
            show_label(Some(ul))
        );
        match o_kind {
            Some(ScalarKind::StringOrBytes) => {
                self.add(Rule::FIELD_STRING_OR_BYTES_LABEL_CHANGED, place, message);
            }
            Some(_) => self.add(
                Rule::FIELD_NUMERIC_LABEL_CHANGED,
                place,
                format!("{message}: packed and unpacked numbers do not read as each other's label"),
            ),
            None => {}
        }
    }

    /// Two message-typed fields: the same type when the local names (without the package)
    /// agree; a type from an import is compared field by field unless both sides take it
    /// from the identical file (Confluent: the same subject and version).
    fn message_types(&mut self, place: &Place, what: &str, original: &str, update: &str) {
        let (o, u) = (self.original, self.update);
        let (o_local, u_local) = (o.local_name(original), u.local_name(update));
        if o_local != u_local {
            self.add(
                Rule::FIELD_NAMED_TYPE_CHANGED,
                place,
                format!("{what} changed type from `{original}` to `{update}`"),
            );
            return;
        }
        let (Some(oi), Some(ui)) = (o.types.get(original), u.types.get(update)) else {
            return;
        };
        let (TypeKind::Message(om), TypeKind::Message(um)) = (oi.kind, ui.kind) else {
            return;
        };
        let both_local = oi.file == o.root && ui.file == u.root;
        let same_import =
            oi.file != o.root && ui.file != u.root && o.files[oi.file] == u.files[ui.file];
        if both_local || same_import {
            // Local types are compared by the walk over the file itself.
            return;
        }
        let segments: Vec<String> = o_local.split('.').map(str::to_owned).collect();
        let mut sub = Ctx {
            original: o,
            update: u,
            in_scope: self.in_scope.clone(),
            diffs: Vec::new(),
        };
        let here = Place {
            confluent: segments.clone(),
            original: segments.clone(),
            update: segments,
        };
        sub.message(&here, om, um);
        let broken = sub.diffs.iter().any(|d| !d.rule.is_compatible());
        self.diffs.append(&mut sub.diffs);
        if broken {
            self.add(
                Rule::FIELD_NAMED_TYPE_CHANGED,
                place,
                format!("{what} has type `{update}`, whose definition changed incompatibly (`{original}` before)"),
            );
        }
    }
}
