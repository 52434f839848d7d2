//! Confluent's `SchemaDiff`: the dispatcher. Singleton and sum/product combinators against a
//! schema that is not combined, `TYPE_CHANGED` between schema classes, the annotations, then
//! the comparison for the class both schemas share.

use serde_json::Value;

use super::context::{Ctx, Engine, Pos};
use super::model::{Crit, Draft, Kind, Loaded, Node, Side};
use super::rules::JsonSchemaRule as R;

impl<'a> Engine<'a> {
    /// `SchemaDiff.compare`: what the two schemas are decides which comparison runs.
    pub(super) fn compare_into(&mut self, ctx: &mut Ctx, o: &Node, u: &Node) {
        let lo = self.loader.load(o);
        let lu = self.loader.load(u);
        if matches!(lo.kind, Kind::Broken) || matches!(lu.kind, Kind::Broken) {
            // Reported once as UNRESOLVED_REFERENCE.
            return;
        }
        if !lo.is_comb()
            && let Kind::Comb(crit, subs, _) = &lu.kind
        {
            if subs.len() == 1 {
                let sub = self.compare(o, &subs[0]);
                if sub.compatible() {
                    ctx.merge(&sub, &[], &[]);
                    return;
                }
            } else if matches!(crit, Crit::Any | Crit::One) {
                for s in subs {
                    let sub = self.compare(o, s);
                    if sub.compatible() {
                        ctx.merge(&sub, &[], &[]);
                        self.add(ctx, R::SumTypeExtended, Pos::new(o, u), String::new());
                        return;
                    }
                }
            }
        } else if !lu.is_comb()
            && let Kind::Comb(crit, subs, _) = &lo.kind
        {
            if subs.len() == 1 {
                let sub = self.compare(&subs[0], u);
                if sub.compatible() {
                    ctx.merge(&sub, &[], &[]);
                    return;
                }
            }
            if *crit == Crit::All {
                for s in subs {
                    let sub = self.compare(s, u);
                    if sub.compatible() {
                        ctx.merge(&sub, &[], &[]);
                        self.add(ctx, R::ProductTypeNarrowed, Pos::new(o, u), String::new());
                        return;
                    }
                }
            }
        }

        if lo.kind.class() != lu.kind.class() {
            if matches!(lo.kind, Kind::False) || matches!(lu.kind, Kind::Empty) {
                return;
            }
            let connect_bytes = |l: &Loaded<'_>| {
                l.obj
                    .and_then(|m| m.get("connect.type"))
                    .and_then(Value::as_str)
                    == Some("bytes")
            };
            if connect_bytes(&lo) && connect_bytes(&lu) {
                return;
            }
            let detail = format!(
                "changed type from {} to {}",
                lo.kind.describe(),
                lu.kind.describe()
            );
            self.add(
                ctx,
                R::TypeChanged,
                Pos::new(o, u).attrs(&["type"], &["type"]),
                detail,
            );
            return;
        }

        self.compare_annotations(ctx, o, u, &lo, &lu);

        match (&lo.kind, &lu.kind) {
            (Kind::Str(a), Kind::Str(b)) => self.compare_strings(ctx, o, u, a, b),
            (Kind::Num(a), Kind::Num(b)) => self.compare_numbers(ctx, o, u, a, b),
            (Kind::Const(a), Kind::Const(b)) => self.compare_consts(ctx, o, u, a, b),
            (Kind::Enum(a), Kind::Enum(b)) => self.compare_enums(ctx, o, u, a, b),
            (Kind::Comb(ca, sa, ra), Kind::Comb(cb, sb, rb)) => {
                self.compare_combined(ctx, o, u, (*ca, sa, ra), (*cb, sb, rb));
            }
            (Kind::Not(a), Kind::Not(b)) => self.compare_nots(ctx, o, u, a, b),
            (Kind::Obj(a), Kind::Obj(b)) => self.compare_objects(ctx, o, u, a, b),
            (Kind::Arr(a), Kind::Arr(b)) => self.compare_arrays(ctx, o, u, a, b),
            _ => {}
        }
    }

    fn compare_annotations(
        &self,
        ctx: &mut Ctx,
        o: &Node,
        u: &Node,
        lo: &Loaded<'a>,
        lu: &Loaded<'a>,
    ) {
        let get = |l: &Loaded<'a>, side: Side, key: &str| -> Option<&'a Value> {
            if !l.common {
                return None;
            }
            let obj = l.obj?;
            if key == "$id" {
                return match self.loader.draft(side) {
                    Draft::D4 => obj.get("id"),
                    Draft::D6 | Draft::D7 => obj.get("$id").or_else(|| obj.get("id")),
                    Draft::D2019 | Draft::D2020 => None,
                };
            }
            obj.get(key)
        };
        for (key, rule) in [
            ("$id", R::IdChanged),
            ("title", R::TitleChanged),
            ("description", R::DescriptionChanged),
            ("default", R::DefaultChanged),
        ] {
            if get(lo, o.side, key) != get(lu, u.side, key) {
                self.add(
                    ctx,
                    rule,
                    Pos::new(o, u).attrs(&[key], &[key]),
                    String::new(),
                );
            }
        }
    }
}
