//! Avro binary data straight to JSON: the hot path of `contrail sample` and `trace`.
//!
//! The schema is resolved once into the arena the compatibility checker works on
//! ([`AvroSchema`]: named types defined once and referred to by index, logical types as what
//! they are written as), and each body is decoded by walking it over a byte slice straight into
//! a `serde_json::Value`. Going through apache-avro's `GenericDatumReader` instead would build
//! an intermediate `types::Value` tree (cloning every field name and qualifying every named
//! reference per record) only to convert it — half again slower in `benches/decode.rs` — and
//! it reads a body cut off at a boolean as `null` and ignores bytes left over; here a body
//! either decodes exactly or says where it stopped.
//!
//! The JSON follows Avro's JSON encoding with one difference: a union's value is written as
//! the value itself, not `{"type": value}`, so that the payload pointers contracts declare
//! (`/metadata/correlationId`) address decoded records as they address examples, and so that
//! [`crate::avro::validate_json`] checks them as it checks examples. `bytes` and `fixed` are
//! strings of code points 0–255 (Avro's JSON convention), enums their symbol, logical types
//! their underlying type (a date is its day number). JSON has no NaN or infinities; those
//! floats are the strings `"NaN"`, `"Infinity"` and `"-Infinity"` as Java's Avro writes them.

use serde_json::{Map, Number, Value};

use crate::compat::avro::{AvroSchema, Field, Kind, TypeId};

/// How deep values may nest in one body: a recursive type can nest without end, and the
/// stack must not. serde_json stops plain JSON at the same depth.
const MAX_DEPTH: usize = 128;

/// A resolved Avro schema to decode bodies with.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    schema: AvroSchema,
}

impl Plan {
    /// Resolves a schema document with the documents of its references (dependencies before
    /// the schemas that use them).
    pub(crate) fn resolve(schema: &Value, references: &[&Value]) -> Result<Plan, String> {
        AvroSchema::parse(schema, references)
            .map(|schema| Plan { schema })
            .map_err(|e| e.to_string())
    }

    /// Decodes one body; the whole body must be the one value.
    pub(crate) fn decode(&self, body: &[u8]) -> Result<Value, DecodeError> {
        let mut reader = Reader {
            bytes: body,
            at: 0,
            // Every value but a null or an empty record or fixed takes a byte; this budget
            // stops a body that claims billions of nulls in an array from spinning.
            budget: body.len().saturating_mul(8).saturating_add(1024),
        };
        let value = self.read(self.schema.root(), &mut reader, 0)?;
        if reader.at != body.len() {
            return Err(DecodeError {
                at: reader.at,
                message: format!(
                    "{} bytes left over after the value: the body was not written with this schema",
                    body.len() - reader.at
                ),
                path: Vec::new(),
            });
        }
        Ok(value)
    }

    fn read(&self, ty: TypeId, r: &mut Reader<'_>, depth: usize) -> Result<Value, DecodeError> {
        if r.budget == 0 {
            return Err(r.error("the body declares more values than it can hold".to_owned()));
        }
        r.budget -= 1;
        Ok(match &self.schema.get(ty).kind {
            Kind::Null => Value::Null,
            Kind::Boolean => match r.byte()? {
                0 => Value::Bool(false),
                1 => Value::Bool(true),
                b => return Err(r.error_before(1, format!("{b} is not a boolean (0 or 1)"))),
            },
            Kind::Int => {
                let long = r.long()?;
                match i32::try_from(long) {
                    Ok(int) => Value::from(int),
                    Err(_) => return Err(r.error(format!("{long} is out of an int's range"))),
                }
            }
            Kind::Long => Value::from(r.long()?),
            Kind::Float => {
                let bytes = r.take(4)?;
                let float = f32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
                float_value(f64::from(float), || {
                    // The shortest decimal that reads back as this float, so that 0.1f32 is
                    // 0.1 and not 0.10000000149011612.
                    float.to_string().parse().unwrap_or(f64::from(float))
                })
            }
            Kind::Double => {
                let bytes = r.take(8)?;
                let mut eight = [0; 8];
                eight.copy_from_slice(bytes);
                let double = f64::from_le_bytes(eight);
                float_value(double, || double)
            }
            Kind::Bytes => {
                let len = r.len()?;
                latin1(r.take(len)?)
            }
            Kind::String => {
                let len = r.len()?;
                let bytes = r.take(len)?;
                match std::str::from_utf8(bytes) {
                    Ok(text) => Value::String(text.to_owned()),
                    Err(_) => return Err(r.error_before(len, "a string is not UTF-8".to_owned())),
                }
            }
            Kind::Fixed { size, .. } => {
                let size = usize::try_from(*size).unwrap_or(usize::MAX);
                latin1(r.take(size)?)
            }
            Kind::Enum { symbols, .. } => {
                let index = r.long()?;
                match usize::try_from(index).ok().and_then(|i| symbols.get(i)) {
                    Some(symbol) => Value::String(symbol.clone()),
                    None => {
                        return Err(r.error(format!(
                            "enum index {index} is out of range (the enum has {} symbols)",
                            symbols.len()
                        )));
                    }
                }
            }
            Kind::Union(branches) => {
                let index = r.long()?;
                match usize::try_from(index).ok().and_then(|i| branches.get(i)) {
                    Some(&branch) => self.read(branch, r, depth)?,
                    None => {
                        return Err(r.error(format!(
                            "union branch {index} is out of range (the union has {} branches)",
                            branches.len()
                        )));
                    }
                }
            }
            Kind::Array(items) => self.array(*items, r, depth)?,
            Kind::Map(values) => self.map(*values, r, depth)?,
            Kind::Record { fields, .. } => self.record(fields, r, depth)?,
            // Resolution completes every record before a schema is handed out.
            Kind::Pending(name) => return Err(r.error(format!("type `{name}` is unresolved"))),
        })
    }

    // Arrays, maps and records each have a function of their own, kept out of `read`, so
    // that the frame `read` puts on the stack for every nesting level stays small.

    #[inline(never)]
    fn array(&self, items: TypeId, r: &mut Reader<'_>, depth: usize) -> Result<Value, DecodeError> {
        let mut out = Vec::new();
        while let Some(count) = r.block()? {
            // A count is only a claim; never reserve more than the bytes could hold.
            out.reserve(count.min(r.remaining()));
            for i in 0..count {
                let item = self
                    .read(items, r, depth + 1)
                    .map_err(|e| e.inside(i.to_string()))?;
                out.push(item);
            }
        }
        Ok(Value::Array(out))
    }

    #[inline(never)]
    fn map(&self, values: TypeId, r: &mut Reader<'_>, depth: usize) -> Result<Value, DecodeError> {
        let mut out = Map::new();
        while let Some(count) = r.block()? {
            for _ in 0..count {
                let len = r.len()?;
                let key = r.take(len)?;
                let Ok(key) = std::str::from_utf8(key) else {
                    return Err(r.error_before(len, "a map key is not UTF-8".to_owned()));
                };
                let value = self
                    .read(values, r, depth + 1)
                    .map_err(|e| e.inside(key.to_owned()))?;
                out.insert(key.to_owned(), value);
            }
        }
        Ok(Value::Object(out))
    }

    #[inline(never)]
    fn record(
        &self,
        fields: &[Field],
        r: &mut Reader<'_>,
        depth: usize,
    ) -> Result<Value, DecodeError> {
        if depth >= MAX_DEPTH {
            return Err(r.error(format!("records nest deeper than {MAX_DEPTH}")));
        }
        let mut out = Map::with_capacity(fields.len());
        for field in fields {
            let value = self
                .read(field.ty, r, depth + 1)
                .map_err(|e| e.inside(field.name.clone()))?;
            out.insert(field.name.clone(), value);
        }
        Ok(Value::Object(out))
    }
}

fn float_value(value: f64, finite: impl FnOnce() -> f64) -> Value {
    if value.is_nan() {
        Value::String("NaN".to_owned())
    } else if value.is_infinite() {
        Value::String(if value > 0.0 { "Infinity" } else { "-Infinity" }.to_owned())
    } else {
        Number::from_f64(finite()).map_or(Value::Null, Value::Number)
    }
}

/// Bytes as Avro's JSON encoding writes them: one code point (0–255) per byte.
fn latin1(bytes: &[u8]) -> Value {
    Value::String(bytes.iter().map(|&b| char::from(b)).collect())
}

/// Why a body does not decode with its schema, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DecodeError {
    /// Byte offset into the body.
    at: usize,
    message: String,
    /// The field names and indexes from the root to the value, innermost first (pushed while
    /// the error travels up).
    path: Vec<String>,
}

impl DecodeError {
    fn inside(mut self, step: String) -> DecodeError {
        self.path.push(step);
        self
    }
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "at byte {}", self.at)?;
        if !self.path.is_empty() {
            f.write_str(" (")?;
            for step in self.path.iter().rev() {
                write!(f, "/{}", crate::pointer::escape_pointer_token(step))?;
            }
            f.write_str(")")?;
        }
        write!(f, ": {}", self.message)
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    budget: usize,
}

impl<'a> Reader<'a> {
    fn remaining(&self) -> usize {
        self.bytes.len() - self.at
    }

    fn error(&self, message: String) -> DecodeError {
        DecodeError {
            at: self.at,
            message,
            path: Vec::new(),
        }
    }

    /// An error about the `len` bytes just read.
    fn error_before(&self, len: usize, message: String) -> DecodeError {
        DecodeError {
            at: self.at - len,
            message,
            path: Vec::new(),
        }
    }

    fn ended(&self, wanted: usize) -> DecodeError {
        self.error(format!(
            "the body ends after {} bytes, {wanted} more needed",
            self.bytes.len()
        ))
    }

    fn byte(&mut self) -> Result<u8, DecodeError> {
        let b = *self.bytes.get(self.at).ok_or_else(|| self.ended(1))?;
        self.at += 1;
        Ok(b)
    }

    fn take(&mut self, len: usize) -> Result<&'a [u8], DecodeError> {
        if len > self.remaining() {
            return Err(self.ended(len - self.remaining()));
        }
        let out = &self.bytes[self.at..self.at + len];
        self.at += len;
        Ok(out)
    }

    /// A zig-zag varint long (at most 10 bytes).
    fn long(&mut self) -> Result<i64, DecodeError> {
        let start = self.at;
        let mut raw: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            raw |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(((raw >> 1) as i64) ^ -((raw & 1) as i64));
            }
        }
        Err(DecodeError {
            at: start,
            message: "a varint runs longer than 10 bytes".to_owned(),
            path: Vec::new(),
        })
    }

    /// A length: a long that must be neither negative nor beyond the bytes left.
    fn len(&mut self) -> Result<usize, DecodeError> {
        let len = self.long()?;
        match usize::try_from(len) {
            Ok(len) if len <= self.remaining() => Ok(len),
            Ok(len) => Err(self.ended(len - self.remaining())),
            Err(_) => Err(self.error(format!("negative length {len}"))),
        }
    }

    /// The item count of the next block of an array or map; `None` at the end marker. A
    /// negative count is followed by the block's size in bytes, which is not needed here.
    fn block(&mut self) -> Result<Option<usize>, DecodeError> {
        let count = self.long()?;
        if count == 0 {
            return Ok(None);
        }
        if count < 0 {
            self.long()?;
        }
        match usize::try_from(count.unsigned_abs()) {
            Ok(count) => Ok(Some(count)),
            Err(_) => Err(self.error(format!("block count {count} is too large"))),
        }
    }
}

/// Encodes `value` with `schema` (its references in `schemata`), as producers' serializers
/// do: the test side of the decoder.
#[cfg(test)]
pub(crate) fn encode_with(
    schema: &apache_avro::Schema,
    schemata: &[apache_avro::Schema],
    value: apache_avro::types::Value,
) -> Vec<u8> {
    // Dependencies first: apache-avro resolves names in list order.
    let all: Vec<&apache_avro::Schema> = schemata.iter().chain(std::iter::once(schema)).collect();
    apache_avro::writer::datum::GenericDatumWriter::builder(schema)
        .schemata(all)
        .and_then(|b| b.build())
        .and_then(|w| w.write_value_to_vec(value))
        .expect("the value fits the schema")
}

#[cfg(test)]
mod tests {
    use super::*;
    use apache_avro::Schema;
    use apache_avro::types::Value as Avro;
    use serde_json::json;

    fn plan(schema: &str) -> Plan {
        let json: Value = serde_json::from_str(schema).expect("JSON");
        Plan::resolve(&json, &[]).expect("resolves")
    }

    /// What the example checker says about `value` against `schema`.
    fn example_check(schema: &str, value: &Value) -> Vec<crate::avro::Mismatch> {
        let schema: Value = serde_json::from_str(schema).expect("JSON");
        let mut names = crate::avro::Names::default();
        for named in crate::avro::scan(&schema).defined {
            names.add(named);
        }
        crate::avro::validate_json(&schema, &names, value)
    }

    fn encode(schema: &str, value: Avro) -> Vec<u8> {
        let parsed = Schema::parse_str(schema).expect("a valid schema");
        encode_with(&parsed, &[], value)
    }

    const ORDER: &str = r#"{"type": "record", "name": "Order", "namespace": "shop", "fields": [
        {"name": "id", "type": "string"},
        {"name": "qty", "type": "int"},
        {"name": "total", "type": "long"},
        {"name": "price", "type": "float"},
        {"name": "rate", "type": "double"},
        {"name": "paid", "type": "boolean"},
        {"name": "raw", "type": "bytes"},
        {"name": "code", "type": {"type": "fixed", "name": "Code", "size": 2}},
        {"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["NEW", "PAID"]}},
        {"name": "note", "type": ["null", "string"]},
        {"name": "tags", "type": {"type": "array", "items": "string"}},
        {"name": "attrs", "type": {"type": "map", "values": "long"}},
        {"name": "day", "type": {"type": "int", "logicalType": "date"}},
        {"name": "meta", "type": {"type": "record", "name": "Meta", "fields": [
            {"name": "correlationId", "type": "string"}]}},
        {"name": "again", "type": ["null", "Meta"]}
    ]}"#;

    fn order_value() -> Avro {
        let meta = Avro::Record(vec![("correlationId".into(), Avro::String("c-1".into()))]);
        Avro::Record(vec![
            ("id".into(), Avro::String("o-1".into())),
            ("qty".into(), Avro::Int(-3)),
            ("total".into(), Avro::Long(1 << 40)),
            ("price".into(), Avro::Float(0.1)),
            ("rate".into(), Avro::Double(f64::NAN)),
            ("paid".into(), Avro::Boolean(true)),
            ("raw".into(), Avro::Bytes(vec![0, 255])),
            ("code".into(), Avro::Fixed(2, vec![b'A', b'B'])),
            ("status".into(), Avro::Enum(1, "PAID".into())),
            (
                "note".into(),
                Avro::Union(1, Box::new(Avro::String("hi".into()))),
            ),
            (
                "tags".into(),
                Avro::Array(vec![Avro::String("a".into()), Avro::String("b".into())]),
            ),
            (
                "attrs".into(),
                Avro::Map([("k".to_owned(), Avro::Long(5))].into_iter().collect()),
            ),
            ("day".into(), Avro::Date(19_000)),
            ("meta".into(), meta.clone()),
            ("again".into(), Avro::Union(1, Box::new(meta))),
        ])
    }

    #[test]
    fn every_type_decodes_to_json() {
        let body = encode(ORDER, order_value());
        let value = plan(ORDER).decode(&body).expect("decodes");
        assert_eq!(
            value,
            json!({
                "id": "o-1", "qty": -3, "total": 1_u64 << 40, "price": 0.1, "rate": "NaN",
                "paid": true, "raw": "\u{0}\u{ff}", "code": "AB", "status": "PAID", "note": "hi",
                "tags": ["a", "b"], "attrs": {"k": 5}, "day": 19_000,
                "meta": {"correlationId": "c-1"}, "again": {"correlationId": "c-1"}
            })
        );
        // Field order is the schema's.
        let keys: Vec<&str> = value
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        assert_eq!(keys[..3], ["id", "qty", "total"]);
    }

    #[test]
    fn decoded_records_validate_against_their_schema() {
        let body = encode(ORDER, order_value());
        let mut value = plan(ORDER).decode(&body).expect("decodes");
        // NaN is a valid double that JSON cannot write; the checker wants a number.
        value["rate"] = json!(1.5);
        assert_eq!(example_check(ORDER, &value), []);
    }

    #[test]
    fn recursive_types_and_references_resolve() {
        let list = r#"{"type": "record", "name": "Node", "fields": [
            {"name": "v", "type": "int"}, {"name": "next", "type": ["null", "Node"]}]}"#;
        let tail = Avro::Record(vec![
            ("v".into(), Avro::Int(2)),
            ("next".into(), Avro::Union(0, Box::new(Avro::Null))),
        ]);
        let head = Avro::Record(vec![
            ("v".into(), Avro::Int(1)),
            ("next".into(), Avro::Union(1, Box::new(tail))),
        ]);
        let body = encode(list, head);
        assert_eq!(
            plan(list).decode(&body),
            Ok(json!({"v": 1, "next": {"v": 2, "next": null}}))
        );

        // A type from another schema (a registry reference).
        let money = r#"{"type": "record", "name": "Money", "namespace": "shop", "fields": [
            {"name": "amount", "type": "long"}]}"#;
        let order = r#"{"type": "record", "name": "Order", "namespace": "shop", "fields": [
            {"name": "total", "type": "Money"}]}"#;
        let (root, schemata) =
            Schema::parse_str_with_list(order, [money]).expect("parses with its reference");
        let json = |text: &str| serde_json::from_str::<Value>(text).expect("JSON");
        let plan = Plan::resolve(&json(order), &[&json(money)]).expect("resolves");
        let value = Avro::Record(vec![(
            "total".into(),
            Avro::Record(vec![("amount".into(), Avro::Long(7))]),
        )]);
        let body = encode_with(&root, &schemata, value);
        assert_eq!(plan.decode(&body), Ok(json!({"total": {"amount": 7}})));
    }

    #[test]
    fn bad_bodies_say_where_they_stop() {
        let body = encode(ORDER, order_value());
        let plan = plan(ORDER);
        let err = plan.decode(&body[..6]).expect_err("truncated");
        assert_eq!(
            err.to_string(),
            "at byte 6 (/total): the body ends after 6 bytes, 1 more needed"
        );
        let mut longer = body.clone();
        longer.push(0);
        let err = plan.decode(&longer).expect_err("left over");
        assert!(err.to_string().contains("1 bytes left over"), "{err}");
        // A string whose length runs past the end.
        let err = plan.decode(&[0x7e]).expect_err("short string");
        assert_eq!(
            err.to_string(),
            "at byte 1 (/id): the body ends after 1 bytes, 63 more needed"
        );
        // An enum index out of range, a union branch out of range.
        let status = r#"{"type": "enum", "name": "S", "symbols": ["A"]}"#;
        assert!(
            self::plan(status)
                .decode(&[2])
                .is_err_and(|e| e.to_string().contains("enum index 1"))
        );
        let union = r#"["null", "int"]"#;
        assert!(
            self::plan(union)
                .decode(&[4])
                .is_err_and(|e| e.to_string().contains("union branch 2"))
        );
        // A varint that never ends.
        assert!(
            self::plan(r#""long""#)
                .decode(&[0xff; 11])
                .is_err_and(|e| e.to_string().contains("longer than 10 bytes"))
        );
    }

    #[test]
    fn hostile_counts_neither_allocate_nor_spin() {
        // An array of nulls claiming i64::MAX / 2 items in four bytes.
        let nulls = r#"{"type": "array", "items": "null"}"#;
        let mut body = vec![0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f];
        body.push(0);
        let err = self::plan(nulls).decode(&body).expect_err("refused");
        assert!(
            err.to_string().contains("more values than it can hold"),
            "{err}"
        );
        // A recursive record nested past the limit: each byte is union branch 1, a next Node.
        let list = r#"{"type": "record", "name": "Node", "fields": [
            {"name": "next", "type": ["null", "Node"]}]}"#;
        let body = vec![2; 10_000];
        let err = self::plan(list).decode(&body).expect_err("too deep");
        assert!(err.to_string().contains("nest deeper than"), "{err}");

        // Just under the limit it decodes, and the example checker walks it on a test
        // thread's small stack too.
        let mut body = vec![2; MAX_DEPTH - 1];
        body.push(0);
        let value = self::plan(list).decode(&body).expect("decodes");
        assert_eq!(example_check(list, &value), []);
    }

    #[test]
    fn agrees_with_apache_avro_on_generated_values() {
        // apache-avro's reader is the oracle for the binary format; its Value converted to
        // JSON must equal ours wherever both are defined.
        let parsed = Schema::parse_str(ORDER).expect("valid");
        let plan = plan(ORDER);
        for seed in 0..50_i64 {
            let meta = Avro::Record(vec![(
                "correlationId".into(),
                Avro::String(format!("c-{seed}")),
            )]);
            let value = Avro::Record(vec![
                ("id".into(), Avro::String("é".repeat(seed as usize))),
                ("qty".into(), Avro::Int((seed * 7919) as i32 - 100_000)),
                ("total".into(), Avro::Long(seed.wrapping_mul(i64::MAX / 37))),
                ("price".into(), Avro::Float(seed as f32 / 3.0)),
                ("rate".into(), Avro::Double(seed as f64 * -1.25)),
                ("paid".into(), Avro::Boolean(seed % 2 == 0)),
                ("raw".into(), Avro::Bytes((0..seed as u8).collect())),
                ("code".into(), Avro::Fixed(2, vec![seed as u8, 1])),
                (
                    "status".into(),
                    Avro::Enum(
                        (seed % 2) as u32,
                        ["NEW", "PAID"][(seed % 2) as usize].into(),
                    ),
                ),
                ("note".into(), Avro::Union(0, Box::new(Avro::Null))),
                (
                    "tags".into(),
                    Avro::Array((0..seed).map(|i| Avro::String(i.to_string())).collect()),
                ),
                (
                    "attrs".into(),
                    Avro::Map((0..seed).map(|i| (i.to_string(), Avro::Long(i))).collect()),
                ),
                ("day".into(), Avro::Date(seed as i32)),
                ("meta".into(), meta),
                ("again".into(), Avro::Union(0, Box::new(Avro::Null))),
            ]);
            let body = encode_with(&parsed, &[], value);
            let ours = plan.decode(&body).expect("decodes");
            let theirs = apache_avro::reader::datum::GenericDatumReader::builder(&parsed)
                .build()
                .expect("a reader")
                .read_value(&mut &body[..])
                .expect("apache-avro decodes");
            let Avro::Record(fields) = theirs else {
                panic!("a record")
            };
            for (name, field) in fields {
                let expected = match field {
                    Avro::String(s) | Avro::Enum(_, s) => json!(s),
                    Avro::Int(i) | Avro::Date(i) => json!(i),
                    Avro::Long(l) => json!(l),
                    Avro::Float(f) => json!(f.to_string().parse::<f64>().expect("a float")),
                    Avro::Double(d) => json!(d),
                    Avro::Boolean(b) => json!(b),
                    Avro::Bytes(b) | Avro::Fixed(_, b) => {
                        json!(b.iter().map(|&c| char::from(c)).collect::<String>())
                    }
                    Avro::Union(_, inner) if *inner == Avro::Null => Value::Null,
                    Avro::Array(items) => json!(
                        items
                            .into_iter()
                            .map(|i| match i {
                                Avro::String(s) => s,
                                other => panic!("{other:?}"),
                            })
                            .collect::<Vec<_>>()
                    ),
                    Avro::Map(entries) => Value::Object(
                        entries
                            .into_iter()
                            .map(|(k, v)| match v {
                                Avro::Long(l) => (k, json!(l)),
                                other => panic!("{other:?}"),
                            })
                            .collect(),
                    ),
                    Avro::Record(inner) => Value::Object(
                        inner
                            .into_iter()
                            .map(|(k, v)| match v {
                                Avro::String(s) => (k, json!(s)),
                                other => panic!("{other:?}"),
                            })
                            .collect(),
                    ),
                    other => panic!("unexpected {other:?}"),
                };
                assert_eq!(ours[&name], expected, "field {name}, seed {seed}");
            }
        }
    }
}
