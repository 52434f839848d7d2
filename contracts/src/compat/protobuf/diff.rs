//! The walk over two schemas: package, messages and enums matched by name per scope, fields by
//! number, oneofs by name and membership. Mirrors Confluent's `SchemaDiff`,
//! `MessageSchemaDiff` and `EnumSchemaDiff`; field types are compared in [`super::fields`].

use std::collections::{BTreeMap, BTreeSet, HashSet};

use super::loader::{Field, Label, ProtoSchema};
use super::{Difference, Rule};

/// Where the walk is: Confluent's path (`#/TestMessage/2`) and the name-based path on each
/// side (`/TestMessage/amount`).
#[derive(Clone, Default)]
pub(super) struct Place {
    pub(super) confluent: Vec<String>,
    pub(super) original: Vec<String>,
    pub(super) update: Vec<String>,
}

impl Place {
    fn with(&self, confluent: &str, original: Option<&str>, update: Option<&str>) -> Place {
        let mut next = self.clone();
        next.confluent.push(confluent.to_owned());
        next.original.extend(original.map(str::to_owned));
        next.update.extend(update.map(str::to_owned));
        next
    }

    /// A message or enum present on both sides under the same name.
    fn named(&self, name: &str) -> Place {
        self.with(name, Some(name), Some(name))
    }
}

pub(super) struct Ctx<'a> {
    pub(super) original: &'a ProtoSchema,
    pub(super) update: &'a ProtoSchema,
    /// Original messages being compared, so a recursive type is compared once
    /// (Confluent's `SchemaScope`).
    pub(super) in_scope: HashSet<usize>,
    pub(super) diffs: Vec<Difference>,
}

impl<'a> Ctx<'a> {
    pub(super) fn new(original: &'a ProtoSchema, update: &'a ProtoSchema) -> Self {
        Ctx {
            original,
            update,
            in_scope: HashSet::new(),
            diffs: Vec::new(),
        }
    }

    pub(super) fn add(&mut self, rule: Rule, place: &Place, detail: String) {
        let join = |segments: &[String]| {
            if segments.is_empty() {
                "/".to_owned()
            } else {
                segments.iter().map(|s| format!("/{s}")).collect()
            }
        };
        self.diffs.push(Difference {
            rule,
            path: format!("#/{}", place.confluent.join("/")),
            original_path: join(&place.original),
            update_path: join(&place.update),
            detail,
        });
    }

    /// The whole file: package, then the top-level types.
    pub(super) fn files(&mut self) {
        let (o, u) = (self.original, self.update);
        if o.package != u.package {
            let show = |p: &Option<String>| p.as_deref().unwrap_or("(none)").to_owned();
            self.add(
                Rule::PACKAGE_CHANGED,
                &Place::default(),
                format!(
                    "the package changed from `{}` to `{}`",
                    show(&o.package),
                    show(&u.package)
                ),
            );
        }
        self.types(
            &Place::default(),
            (&o.top_messages, &o.top_enums),
            (&u.top_messages, &u.top_enums),
        );
    }

    /// The messages and enums of one scope, matched by name. Confluent iterates hash maps
    /// here; this walk keeps source order (original first, then what the update adds).
    pub(super) fn types(
        &mut self,
        place: &Place,
        original: (&[usize], &[usize]),
        update: (&[usize], &[usize]),
    ) {
        let (o, u) = (self.original, self.update);
        let o_messages: Vec<&str> = original
            .0
            .iter()
            .map(|&i| o.messages[i].name.as_str())
            .collect();
        let u_messages: Vec<&str> = update
            .0
            .iter()
            .map(|&i| u.messages[i].name.as_str())
            .collect();
        for name in union(&o_messages, &u_messages) {
            let (oi, ui) = (index_of(&o_messages, name), index_of(&u_messages, name));
            match (oi, ui) {
                (Some(_), None) => self.add(
                    Rule::MESSAGE_REMOVED,
                    &place.with(name, Some(name), None),
                    format!("message `{name}` was removed"),
                ),
                (None, Some(_)) => self.add(
                    Rule::MESSAGE_ADDED,
                    &place.with(name, None, Some(name)),
                    format!("message `{name}` was added"),
                ),
                (Some(oi), Some(ui)) => {
                    let here = place.named(name);
                    self.message(&here, original.0[oi], update.0[ui]);
                    // Moving a message is compatible: a record's message indexes are read
                    // against the schema of the id it carries.
                    if oi != ui {
                        self.add(
                            Rule::MESSAGE_MOVED,
                            &here,
                            format!("message `{name}` moved from position {oi} to {ui}"),
                        );
                    }
                }
                (None, None) => {}
            }
        }
        let o_enums: Vec<&str> = original
            .1
            .iter()
            .map(|&i| o.enums[i].name.as_str())
            .collect();
        let u_enums: Vec<&str> = update.1.iter().map(|&i| u.enums[i].name.as_str()).collect();
        for name in union(&o_enums, &u_enums) {
            match (index_of(&o_enums, name), index_of(&u_enums, name)) {
                (Some(_), None) => self.add(
                    Rule::ENUM_REMOVED,
                    &place.with(name, Some(name), None),
                    format!("enum `{name}` was removed"),
                ),
                (None, Some(_)) => self.add(
                    Rule::ENUM_ADDED,
                    &place.with(name, None, Some(name)),
                    format!("enum `{name}` was added"),
                ),
                (Some(oi), Some(ui)) => {
                    self.enumeration(&place.named(name), original.1[oi], update.1[ui]);
                }
                (None, None) => {}
            }
        }
    }

    fn enumeration(&mut self, place: &Place, original: usize, update: usize) {
        // By number; with `allow_alias` the last name declared for a number counts, as in
        // Confluent's map.
        let by_number = |values: &[(String, i32)]| -> BTreeMap<i32, String> {
            values.iter().map(|(n, v)| (*v, n.clone())).collect()
        };
        let o = by_number(&self.original.enums[original].values);
        let u = by_number(&self.update.enums[update].values);
        let numbers: BTreeSet<i32> = o.keys().chain(u.keys()).copied().collect();
        for number in numbers {
            let tag = number.to_string();
            match (o.get(&number), u.get(&number)) {
                (Some(name), None) => self.add(
                    Rule::ENUM_CONST_REMOVED,
                    &place.with(&tag, Some(name), None),
                    format!("enum value `{name}` (number {number}) was removed"),
                ),
                (None, Some(name)) => self.add(
                    Rule::ENUM_CONST_ADDED,
                    &place.with(&tag, None, Some(name)),
                    format!("enum value `{name}` (number {number}) was added"),
                ),
                (Some(a), Some(b)) if a != b => self.add(
                    Rule::ENUM_CONST_CHANGED,
                    &place.with(&tag, Some(a), Some(b)),
                    format!("enum value {number} was renamed from `{a}` to `{b}`"),
                ),
                _ => {}
            }
        }
    }

    /// Two messages with the same name (Confluent's `MessageSchemaDiff`, as rewritten in
    /// 2026: fields are matched by number across the whole message, whatever oneof they are
    /// in, so a oneof rename or move cannot hide a field's change).
    pub(super) fn message(&mut self, place: &Place, original: usize, update: usize) {
        let (o, u) = (
            &self.original.messages[original],
            &self.update.messages[update],
        );
        if self.in_scope.insert(original) {
            self.fields(place, o, u);
            self.in_scope.remove(&original);
        }
        self.types(place, (&o.messages, &o.enums), (&u.messages, &u.enums));
    }

    fn fields(&mut self, place: &Place, o: &super::loader::Message, u: &super::loader::Message) {
        let o_fields: BTreeMap<i32, &Field> = o.fields.iter().map(|f| (f.number, f)).collect();
        let u_fields: BTreeMap<i32, &Field> = u.fields.iter().map(|f| (f.number, f)).collect();
        let members = |fields: &[Field], oneof: &str| -> Vec<i32> {
            fields
                .iter()
                .filter(|f| f.oneof.as_deref() == Some(oneof))
                .map(|f| f.number)
                .collect()
        };

        // A oneof gone by name with none of its members left anywhere was deleted whole:
        // compatible, and its members are not reported one by one.
        let deleted: HashSet<&str> = o
            .oneofs
            .iter()
            .filter(|name| !u.oneofs.contains(name))
            .filter(|name| {
                members(&o.fields, name)
                    .iter()
                    .all(|n| !u_fields.contains_key(n))
            })
            .map(String::as_str)
            .collect();

        // Mutual exclusivity the original did not have: an update oneof whose surviving
        // members come from more than one original group (a oneof, or a lone field).
        for oneof in &u.oneofs {
            let mut groups: HashSet<String> = HashSet::new();
            let mut moved_in = 0;
            for number in members(&u.fields, oneof) {
                // A brand-new field is ignored: old data never set it.
                if let Some(f) = o_fields.get(&number) {
                    match &f.oneof {
                        Some(from) => {
                            groups.insert(format!("oneof:{from}"));
                        }
                        None => {
                            groups.insert(format!("field:{number}"));
                            moved_in += 1;
                        }
                    }
                }
            }
            if groups.len() > 1 {
                let here = place.with(oneof, None, Some(oneof));
                if moved_in > 1 {
                    self.add(
                        Rule::MULTIPLE_FIELDS_MOVED_TO_ONEOF,
                        &here,
                        format!("oneof `{oneof}` now holds {moved_in} fields that were independent: data with more than one of them set loses all but one"),
                    );
                } else {
                    self.add(
                        Rule::FIELD_MOVED_TO_EXISTING_ONEOF,
                        &here,
                        format!("oneof `{oneof}` now holds fields that were not mutually exclusive: data with more than one of them set loses all but one"),
                    );
                }
            }
        }

        let all_oneofs: BTreeSet<&String> = o.oneofs.iter().chain(&u.oneofs).collect();
        for oneof in all_oneofs {
            if !u.oneofs.contains(oneof) {
                self.add(
                    Rule::ONEOF_REMOVED,
                    &place.with(oneof, Some(oneof), None),
                    format!("oneof `{oneof}` was removed"),
                );
            } else if !o.oneofs.contains(oneof) {
                self.add(
                    Rule::ONEOF_ADDED,
                    &place.with(oneof, None, Some(oneof)),
                    format!("oneof `{oneof}` was added"),
                );
            }
        }

        let numbers: BTreeSet<i32> = o_fields.keys().chain(u_fields.keys()).copied().collect();
        for number in numbers {
            let tag = number.to_string();
            match (o_fields.get(&number), u_fields.get(&number)) {
                (Some(of), None) => match &of.oneof {
                    Some(oneof) if deleted.contains(oneof.as_str()) => {}
                    Some(oneof) => self.add(
                        Rule::ONEOF_FIELD_REMOVED,
                        &Place {
                            confluent: with_all(&place.confluent, &[oneof, &tag]),
                            original: with_all(&place.original, &[oneof, &of.name]),
                            update: place.update.clone(),
                        },
                        format!("field `{}` (number {number}) of oneof `{oneof}` was removed: data that set it reads as if no member were set", of.name),
                    ),
                    None => {
                        let (rule, what) = if of.label == Some(Label::Required) {
                            (Rule::REQUIRED_FIELD_REMOVED, "required field")
                        } else {
                            (Rule::FIELD_REMOVED, "field")
                        };
                        self.add(
                            rule,
                            &place.with(&tag, Some(&of.name), None),
                            format!("{what} `{}` (number {number}) was removed", of.name),
                        );
                    }
                },
                (None, Some(uf)) => match &uf.oneof {
                    Some(oneof) => self.add(
                        Rule::ONEOF_FIELD_ADDED,
                        &Place {
                            confluent: with_all(&place.confluent, &[oneof, &tag]),
                            original: place.original.clone(),
                            update: with_all(&place.update, &[oneof, &uf.name]),
                        },
                        format!("field `{}` (number {number}) was added to oneof `{oneof}`", uf.name),
                    ),
                    None => {
                        let (rule, what) = if uf.label == Some(Label::Required) {
                            (Rule::REQUIRED_FIELD_ADDED, "required field")
                        } else {
                            (Rule::FIELD_ADDED, "field")
                        };
                        self.add(
                            rule,
                            &place.with(&tag, None, Some(&uf.name)),
                            format!("{what} `{}` (number {number}) was added", uf.name),
                        );
                    }
                },
                (Some(of), Some(uf)) => {
                    let original_path = match &of.oneof {
                        Some(oneof) => with_all(&place.original, &[oneof, &of.name]),
                        None => with_all(&place.original, &[&of.name]),
                    };
                    if let (Some(oneof), None) = (&of.oneof, &uf.oneof) {
                        self.add(
                            Rule::ONEOF_FIELD_MOVED_TO_TOP_LEVEL,
                            &Place {
                                confluent: with_all(&place.confluent, &[&tag]),
                                original: original_path.clone(),
                                update: with_all(&place.update, &[&uf.name]),
                            },
                            format!("field `{}` (number {number}) moved out of oneof `{oneof}`", uf.name),
                        );
                    }
                    let here = match &uf.oneof {
                        Some(oneof) => Place {
                            confluent: with_all(&place.confluent, &[oneof, &tag]),
                            original: original_path,
                            update: with_all(&place.update, &[oneof, &uf.name]),
                        },
                        None => Place {
                            confluent: with_all(&place.confluent, &[&tag]),
                            original: original_path,
                            update: with_all(&place.update, &[&uf.name]),
                        },
                    };
                    self.field(&here, of, uf);
                }
                (None, None) => {}
            }
        }
    }
}

fn with_all(base: &[String], more: &[&str]) -> Vec<String> {
    base.iter()
        .cloned()
        .chain(more.iter().map(|s| (*s).to_owned()))
        .collect()
}

fn index_of(names: &[&str], name: &str) -> Option<usize> {
    names.iter().position(|n| *n == name)
}

/// The names of both sides, each once: the original's in order, then the update's new ones.
fn union<'n>(original: &[&'n str], update: &[&'n str]) -> Vec<&'n str> {
    let mut all: Vec<&str> = Vec::with_capacity(original.len() + update.len());
    for name in original.iter().chain(update) {
        if !all.contains(name) {
            all.push(name);
        }
    }
    all
}
