//! Avro binary data to JSON: the hot path of `contrail sample` and `trace`.
//!
//! The schema is resolved once into the arena the compatibility checker works on
//! ([`AvroSchema`]: named types defined once and referred to by index, logical types as what
//! they are written as). A body is then walked over its bytes by one serde `Serialize`
//! implementation ([`Node`]), so the same walk checks a body (serialized into nothing), writes
//! it as JSON text straight into the output (`sample`), builds a `serde_json::Value` where a
//! check needs a tree, or finds one value by JSON pointer while skipping the rest. Most
//! records are only checked and written: keeping a decoded value as its bytes
//! ([`AvroValue`]) instead of a tree of maps and strings is most of what `sample` saves per
//! record. Going through apache-avro's `GenericDatumReader` instead would build an
//! intermediate `types::Value` tree (cloning every field name and qualifying every named
//! reference per record) only to convert it, and it reads a body cut off at a boolean as
//! `null` and ignores bytes left over; here a body either decodes exactly or says where it
//! stopped.
//!
//! The JSON follows Avro's JSON encoding with one difference: a union's value is written as
//! the value itself, not `{"type": value}`, so that the payload pointers contracts declare
//! (`/metadata/correlationId`) address decoded records as they address examples, and so that
//! [`crate::avro::validate_json`] checks them as it checks examples. `bytes` and `fixed` are
//! strings of code points 0–255 (Avro's JSON convention), enums their symbol, logical types
//! their underlying type (a date is its day number). JSON has no NaN or infinities; those
//! floats are the strings `"NaN"`, `"Infinity"` and `"-Infinity"` as Java's Avro writes them.

use std::cell::RefCell;
use std::sync::Arc;

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::Value;

use super::json_text;
use crate::compat::avro::{AvroSchema, Kind, TypeId};

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

    /// Decodes one body to a JSON tree; the whole body must be the one value.
    #[cfg(test)]
    /// Both walks run, and must agree on where a bad body stops.
    #[cfg(test)]
    pub(crate) fn decode(&self, body: &[u8]) -> Result<Value, DecodeError> {
        let written = self.write_json(body, &mut Vec::new());
        let cursor = RefCell::new(Cursor::new(body));
        let tree = serde_json::to_value(self.root(&cursor));
        let Cursor { reader, error } = cursor.into_inner();
        match (written, tree) {
            (Ok(()), Ok(tree)) => Ok(tree),
            // Only the whole body checks for bytes left over.
            (Err(e), Ok(_)) if reader.at < body.len() => Err(e),
            (Err(e), Err(_)) => {
                assert_eq!(Some(&e), error.as_ref(), "the walks disagree");
                Err(e)
            }
            (written, tree) => panic!("the walks disagree: {written:?} against {tree:?}"),
        }
    }

    /// Writes `body` as compact JSON to `out`, checking that it is exactly one value of the
    /// schema; on an error `out` holds a part of the value.
    pub(crate) fn write_json(&self, body: &[u8], out: &mut Vec<u8>) -> Result<(), DecodeError> {
        let mut reader = Cursor::new(body).reader;
        write(self, self.schema.root(), &mut reader, 0, out)?;
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
        Ok(())
    }

    fn root<'p, 'c, 'a>(&'p self, cursor: &'c RefCell<Cursor<'a>>) -> Node<'p, 'c, 'a> {
        Node {
            plan: self,
            ty: self.schema.root(),
            depth: 0,
            cursor,
        }
    }
}

/// An Avro body known to decode with its schema: kept as its bytes and as its JSON text,
/// written in the one pass that checked it (what `sample` copies into its output). A tree is
/// built by [`AvroValue::to_json`] only where a check needs one, and [`AvroValue::pointer`]
/// finds one value by walking the bytes and skipping the rest.
#[derive(Clone)]
pub struct AvroValue {
    plan: Arc<Plan>,
    body: Box<[u8]>,
    // A Vec, not a boxed slice: shrinking it to fit would copy it once more.
    json: Vec<u8>,
}

impl AvroValue {
    /// Checks `body` against `plan` and keeps it, with its JSON text.
    pub(crate) fn decode(plan: &Arc<Plan>, body: &[u8]) -> Result<AvroValue, DecodeError> {
        // Avro's JSON is longer than its binary: field names, quotes, digits.
        let mut json = Vec::with_capacity(body.len() * 3 + 16);
        plan.write_json(body, &mut json)?;
        Ok(AvroValue {
            plan: Arc::clone(plan),
            body: body.into(),
            json,
        })
    }

    /// The value as compact JSON text (UTF-8), exactly what serializing it with serde_json
    /// writes.
    pub fn json_text(&self) -> &[u8] {
        &self.json
    }

    /// The value as a JSON tree.
    pub fn to_json(&self) -> Value {
        // The body was checked when it was kept, so the walk cannot fail.
        serde_json::to_value(self).unwrap_or_default()
    }

    /// The value at a JSON pointer (RFC 6901), as `serde_json::Value::pointer` would find it
    /// in [`AvroValue::to_json`]; only that value is built.
    pub fn pointer(&self, pointer: &str) -> Option<Value> {
        if pointer.is_empty() {
            return Some(self.to_json());
        }
        let tokens: Vec<String> = pointer
            .strip_prefix('/')?
            .split('/')
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .collect();
        let cursor = RefCell::new(Cursor::new(&self.body));
        self.plan.root(&cursor).find(&tokens)
    }
}

impl Serialize for AvroValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let cursor = RefCell::new(Cursor::new(&self.body));
        self.plan.root(&cursor).serialize(serializer)
    }
}

impl PartialEq for AvroValue {
    fn eq(&self, other: &AvroValue) -> bool {
        self.to_json() == other.to_json()
    }
}

impl std::fmt::Debug for AvroValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("AvroValue").field(&self.to_json()).finish()
    }
}

/// Where a walk is in a body, and why it stopped if it failed (serde's errors carry only
/// text; the walk keeps the offset and the path here).
struct Cursor<'a> {
    reader: Reader<'a>,
    error: Option<DecodeError>,
}

impl<'a> Cursor<'a> {
    fn new(body: &'a [u8]) -> Cursor<'a> {
        Cursor {
            reader: Reader {
                bytes: body,
                at: 0,
                // Every value but a null or an empty record or fixed takes a byte; this budget
                // stops a body that claims billions of nulls in an array from spinning.
                budget: body.len().saturating_mul(8).saturating_add(1024),
            },
            error: None,
        }
    }
}

/// One value of a body, at the cursor's position: serializing it reads it.
struct Node<'p, 'c, 'a> {
    plan: &'p Plan,
    ty: TypeId,
    depth: usize,
    cursor: &'c RefCell<Cursor<'a>>,
}

impl<'a> Node<'_, '_, 'a> {
    fn child(&self, ty: TypeId, depth: usize) -> Self {
        Node {
            plan: self.plan,
            ty,
            depth,
            cursor: self.cursor,
        }
    }

    fn read<T>(
        &self,
        step: impl FnOnce(&mut Reader<'a>) -> Result<T, DecodeError>,
    ) -> Result<T, DecodeError> {
        step(&mut self.cursor.borrow_mut().reader)
    }

    /// Keeps why the walk stopped, and gives the serializer an error to unwind with.
    fn fail<E: serde::ser::Error>(&self, error: DecodeError) -> E {
        let message = error.message.clone();
        self.cursor.borrow_mut().error = Some(error);
        E::custom(message)
    }

    /// The item count of the next block of an array or map (`None` at the end).
    fn block<E: serde::ser::Error>(&self) -> Result<Option<usize>, E> {
        self.read(Reader::block).map_err(|e| self.fail(e))
    }

    /// [`Node::fail`] at the cursor's position.
    fn fail_here<E: serde::ser::Error>(&self, message: String) -> E {
        let error = self.cursor.borrow().reader.error(message);
        self.fail(error)
    }

    /// Notes the step (field, index, key) an error from inside this value came through.
    fn inside<E>(&self, error: E, step: impl FnOnce() -> String) -> E {
        if let Some(kept) = self.cursor.borrow_mut().error.as_mut() {
            kept.path.push(step());
        }
        error
    }

    /// Reads past the value; `None` if it does not decode.
    fn skip(&self) -> Option<()> {
        self.serialize(Skip).ok()
    }

    /// The value at `tokens` below this one (see [`AvroValue::pointer`]).
    fn find(&self, tokens: &[String]) -> Option<Value> {
        let Some((first, rest)) = tokens.split_first() else {
            return serde_json::to_value(self).ok();
        };
        match &self.plan.schema.get(self.ty).kind {
            Kind::Union(branches) => {
                let index = self.read(Reader::long).ok()?;
                let branch = *branches.get(usize::try_from(index).ok()?)?;
                self.child(branch, self.depth).find(tokens)
            }
            Kind::Record { fields, .. } => {
                for field in fields {
                    let value = self.child(field.ty, self.depth + 1);
                    if field.name == *first {
                        return value.find(rest);
                    }
                    value.skip()?;
                }
                None
            }
            Kind::Array(items) => {
                // As serde_json reads an index: digits, no sign, no leading zero.
                if first.starts_with('+') || (first.starts_with('0') && first.len() != 1) {
                    return None;
                }
                let wanted: usize = first.parse().ok()?;
                let mut index = 0;
                while let Some(count) = self.read(Reader::block).ok()? {
                    for _ in 0..count {
                        let item = self.child(*items, self.depth + 1);
                        if index == wanted {
                            return item.find(rest);
                        }
                        item.skip()?;
                        index += 1;
                    }
                }
                None
            }
            Kind::Map(values) => {
                while let Some(count) = self.read(Reader::block).ok()? {
                    for _ in 0..count {
                        let key = self.read(map_key).ok()?;
                        let value = self.child(*values, self.depth + 1);
                        if key == first {
                            return value.find(rest);
                        }
                        value.skip()?;
                    }
                }
                None
            }
            _ => None,
        }
    }
}

impl Serialize for Node<'_, '_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if let Err(e) = self.read(spend) {
            return Err(self.fail(e));
        }
        let kind = &self.plan.schema.get(self.ty).kind;
        match kind {
            Kind::Null => serializer.serialize_unit(),
            Kind::Boolean => match self.read(boolean) {
                Ok(b) => serializer.serialize_bool(b),
                Err(e) => Err(self.fail(e)),
            },
            Kind::Int => match self.read(int) {
                Ok(int) => serializer.serialize_i32(int),
                Err(e) => Err(self.fail(e)),
            },
            Kind::Long => match self.read(Reader::long) {
                Ok(long) => serializer.serialize_i64(long),
                Err(e) => Err(self.fail(e)),
            },
            Kind::Float | Kind::Double => match self.read(|r| float(r, kind)) {
                Ok(Float::Number(number)) => serializer.serialize_f64(number),
                Ok(Float::Text(text)) => serializer.serialize_str(text),
                Err(e) => Err(self.fail(e)),
            },
            Kind::Bytes | Kind::Fixed { .. } => match self.read(|r| bytes(r, kind)) {
                Ok(bytes) => serializer.serialize_str(&latin1(bytes)),
                Err(e) => Err(self.fail(e)),
            },
            Kind::String => match self.read(string) {
                Ok(text) => serializer.serialize_str(text),
                Err(e) => Err(self.fail(e)),
            },
            Kind::Enum { symbols, .. } => match self.read(|r| symbol(r, symbols)) {
                Ok(symbol) => serializer.serialize_str(symbol),
                Err(e) => Err(self.fail(e)),
            },
            Kind::Union(branches) => match self.read(|r| branch(r, branches)) {
                Ok(branch) => self.child(branch, self.depth).serialize(serializer),
                Err(e) => Err(self.fail(e)),
            },
            Kind::Array(items) => {
                let mut seq = serializer.serialize_seq(None)?;
                let mut index = 0usize;
                while let Some(count) = self.block()? {
                    for _ in 0..count {
                        seq.serialize_element(&self.child(*items, self.depth + 1))
                            .map_err(|e| self.inside(e, || index.to_string()))?;
                        index += 1;
                    }
                }
                seq.end()
            }
            Kind::Map(values) => {
                let mut map = serializer.serialize_map(None)?;
                while let Some(count) = self.block()? {
                    for _ in 0..count {
                        let key = self.read(map_key).map_err(|e| self.fail(e))?;
                        map.serialize_entry(key, &self.child(*values, self.depth + 1))
                            .map_err(|e| self.inside(e, || key.to_owned()))?;
                    }
                }
                map.end()
            }
            Kind::Record { fields, .. } => {
                if let Err(e) = self.read(|r| nesting(r, self.depth)) {
                    return Err(self.fail(e));
                }
                let mut map = serializer.serialize_map(Some(fields.len()))?;
                for field in fields {
                    map.serialize_entry(&field.name, &self.child(field.ty, self.depth + 1))
                        .map_err(|e| self.inside(e, || field.name.clone()))?;
                }
                map.end()
            }
            Kind::Pending(name) => Err(self.fail_here(unresolved(name))),
        }
    }
}

/// Writes the value of type `ty` at the reader's position as compact JSON, byte for byte what
/// serializing a [`Node`] with serde_json writes, in one pass that also checks it: the walk
/// `contrail sample` runs on every record.
fn write(
    plan: &Plan,
    ty: TypeId,
    r: &mut Reader<'_>,
    depth: usize,
    out: &mut Vec<u8>,
) -> Result<(), DecodeError> {
    spend(r)?;
    let kind = &plan.schema.get(ty).kind;
    match kind {
        Kind::Null => out.extend_from_slice(b"null"),
        Kind::Boolean => out.extend_from_slice(if boolean(r)? { b"true" } else { b"false" }),
        Kind::Int => json_text::integer(out, int(r)?),
        Kind::Long => json_text::integer(out, r.long()?),
        Kind::Float | Kind::Double => match float(r, kind)? {
            Float::Number(number) => json_text::float(out, number),
            Float::Text(text) => json_text::string(out, text),
        },
        Kind::Bytes | Kind::Fixed { .. } => json_text::string(out, &latin1(bytes(r, kind)?)),
        Kind::String => json_text::string(out, string(r)?),
        Kind::Enum { symbols, .. } => json_text::string(out, symbol(r, symbols)?),
        Kind::Union(branches) => {
            let branch = branch(r, branches)?;
            write(plan, branch, r, depth, out)?;
        }
        Kind::Array(items) => {
            out.push(b'[');
            let mut index = 0usize;
            while let Some(count) = r.block()? {
                for _ in 0..count {
                    if index > 0 {
                        out.push(b',');
                    }
                    write(plan, *items, r, depth + 1, out)
                        .map_err(|e| e.inside(index.to_string()))?;
                    index += 1;
                }
            }
            out.push(b']');
        }
        Kind::Map(values) => {
            out.push(b'{');
            let mut first = true;
            while let Some(count) = r.block()? {
                for _ in 0..count {
                    if !first {
                        out.push(b',');
                    }
                    first = false;
                    let key = map_key(r)?;
                    json_text::key(out, key);
                    write(plan, *values, r, depth + 1, out)
                        .map_err(|e| e.inside(key.to_owned()))?;
                }
            }
            out.push(b'}');
        }
        Kind::Record { fields, .. } => {
            nesting(r, depth)?;
            out.push(b'{');
            for (i, field) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                json_text::key(out, &field.name);
                write(plan, field.ty, r, depth + 1, out)
                    .map_err(|e| e.inside(field.name.clone()))?;
            }
            out.push(b'}');
        }
        Kind::Pending(name) => return Err(r.error(unresolved(name))),
    }
    Ok(())
}

// The steps both walks take, so that each check and its message is written once.

/// Counts one more value against the body's budget.
fn spend(r: &mut Reader<'_>) -> Result<(), DecodeError> {
    if r.budget == 0 {
        return Err(r.error("the body declares more values than it can hold".to_owned()));
    }
    r.budget -= 1;
    Ok(())
}

/// Refuses a record nested deeper than [`MAX_DEPTH`].
fn nesting(r: &Reader<'_>, depth: usize) -> Result<(), DecodeError> {
    if depth >= MAX_DEPTH {
        return Err(r.error(format!("records nest deeper than {MAX_DEPTH}")));
    }
    Ok(())
}

fn unresolved(name: &str) -> String {
    // Resolution completes every record before a schema is handed out.
    format!("type `{name}` is unresolved")
}

fn boolean(r: &mut Reader<'_>) -> Result<bool, DecodeError> {
    match r.byte()? {
        0 => Ok(false),
        1 => Ok(true),
        b => Err(r.error_before(1, format!("{b} is not a boolean (0 or 1)"))),
    }
}

fn int(r: &mut Reader<'_>) -> Result<i32, DecodeError> {
    let long = r.long()?;
    i32::try_from(long).map_err(|_| r.error(format!("{long} is out of an int's range")))
}

/// A float or double as JSON has it: a number, or the text Java's Avro writes for NaN and the
/// infinities, which JSON has no number for.
enum Float {
    Number(f64),
    Text(&'static str),
}

fn float(r: &mut Reader<'_>, kind: &Kind) -> Result<Float, DecodeError> {
    // A float as its shortest decimal that reads back as the same float, so that 0.1f32 is
    // 0.1 and not 0.10000000149011612.
    let (value, single) = if matches!(kind, Kind::Float) {
        let b = r.take(4)?;
        let float = f32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        (f64::from(float), Some(float))
    } else {
        let b = r.take(8)?;
        let mut eight = [0; 8];
        eight.copy_from_slice(b);
        (f64::from_le_bytes(eight), None)
    };
    Ok(if value.is_nan() {
        Float::Text("NaN")
    } else if value.is_infinite() {
        Float::Text(if value > 0.0 { "Infinity" } else { "-Infinity" })
    } else {
        Float::Number(single.map_or(value, |f| f.to_string().parse().unwrap_or(value)))
    })
}

/// The bytes of a `bytes` (length-prefixed) or a `fixed` (its size).
fn bytes<'a>(r: &mut Reader<'a>, kind: &Kind) -> Result<&'a [u8], DecodeError> {
    let len = match kind {
        Kind::Fixed { size, .. } => usize::try_from(*size).unwrap_or(usize::MAX),
        _ => r.len()?,
    };
    r.take(len)
}

fn string<'a>(r: &mut Reader<'a>) -> Result<&'a str, DecodeError> {
    let len = r.len()?;
    let bytes = r.take(len)?;
    std::str::from_utf8(bytes).map_err(|_| r.error_before(len, "a string is not UTF-8".to_owned()))
}

fn symbol<'s>(r: &mut Reader<'_>, symbols: &'s [String]) -> Result<&'s str, DecodeError> {
    let index = r.long()?;
    match usize::try_from(index).ok().and_then(|i| symbols.get(i)) {
        Some(symbol) => Ok(symbol),
        None => Err(r.error(format!(
            "enum index {index} is out of range (the enum has {} symbols)",
            symbols.len()
        ))),
    }
}

fn branch(r: &mut Reader<'_>, branches: &[TypeId]) -> Result<TypeId, DecodeError> {
    let index = r.long()?;
    match usize::try_from(index).ok().and_then(|i| branches.get(i)) {
        Some(&branch) => Ok(branch),
        None => Err(r.error(format!(
            "union branch {index} is out of range (the union has {} branches)",
            branches.len()
        ))),
    }
}

/// A serializer that keeps nothing: what a walk that only checks (or skips) a body serializes
/// into, so that it neither escapes strings nor formats numbers.
struct Skip;

/// Why a [`Skip`] walk stopped (the cursor keeps the details).
#[derive(Debug)]
struct Skipped;

impl std::fmt::Display for Skipped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the body does not decode")
    }
}

impl std::error::Error for Skipped {}

impl serde::ser::Error for Skipped {
    fn custom<T: std::fmt::Display>(_: T) -> Skipped {
        Skipped
    }
}

/// The one-liners of a serializer that ignores every value.
macro_rules! ignore {
    ($($method:ident($($ty:ty),*);)*) => {
        $(fn $method(self, $(_: $ty),*) -> Result<(), Skipped> { Ok(()) })*
    };
}

impl Serializer for Skip {
    type Ok = ();
    type Error = Skipped;
    type SerializeSeq = Skip;
    type SerializeTuple = serde::ser::Impossible<(), Skipped>;
    type SerializeTupleStruct = serde::ser::Impossible<(), Skipped>;
    type SerializeTupleVariant = serde::ser::Impossible<(), Skipped>;
    type SerializeMap = Skip;
    type SerializeStruct = serde::ser::Impossible<(), Skipped>;
    type SerializeStructVariant = serde::ser::Impossible<(), Skipped>;

    ignore! {
        serialize_bool(bool); serialize_i8(i8); serialize_i16(i16); serialize_i32(i32);
        serialize_i64(i64); serialize_u8(u8); serialize_u16(u16); serialize_u32(u32);
        serialize_u64(u64); serialize_f32(f32); serialize_f64(f64); serialize_char(char);
        serialize_str(&str); serialize_bytes(&[u8]); serialize_none(); serialize_unit();
        serialize_unit_struct(&'static str);
        serialize_unit_variant(&'static str, u32, &'static str);
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Skipped> {
        value.serialize(Skip)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Skipped> {
        value.serialize(Skip)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        value: &T,
    ) -> Result<(), Skipped> {
        value.serialize(Skip)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Skip, Skipped> {
        Ok(Skip)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Skip, Skipped> {
        Ok(Skip)
    }
    // A body's walk writes sequences and maps only.
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Skipped> {
        Err(Skipped)
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Skipped> {
        Err(Skipped)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Skipped> {
        Err(Skipped)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Skipped> {
        Err(Skipped)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Skipped> {
        Err(Skipped)
    }
}

impl SerializeSeq for Skip {
    type Ok = ();
    type Error = Skipped;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Skipped> {
        value.serialize(Skip)
    }
    fn end(self) -> Result<(), Skipped> {
        Ok(())
    }
}

impl SerializeMap for Skip {
    type Ok = ();
    type Error = Skipped;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, _: &T) -> Result<(), Skipped> {
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Skipped> {
        value.serialize(Skip)
    }
    fn end(self) -> Result<(), Skipped> {
        Ok(())
    }
}

/// A map's key: a UTF-8 string.
fn map_key<'a>(r: &mut Reader<'a>) -> Result<&'a str, DecodeError> {
    let len = r.len()?;
    let key = r.take(len)?;
    std::str::from_utf8(key).map_err(|_| r.error_before(len, "a map key is not UTF-8".to_owned()))
}

/// Bytes as Avro's JSON encoding writes them: one code point (0–255) per byte.
fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
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
mod tests;
