//! Differential test of the Avro compatibility engine against independent implementations:
//! the Apache Avro Python package (a port of Java's `SchemaCompatibility`, the checker behind
//! Confluent Schema Registry) and, as a second and known-flawed oracle, apache-avro (Rust).
//!
//! Random schemas are generated, mutated the ways schemas evolve (fields added, removed,
//! renamed with and without aliases, types promoted and changed, enum symbols and defaults,
//! fixed sizes, unions widened and narrowed, records renamed), and each pair is checked in both
//! directions. Agreement with Python must be at least 99.9%, and every disagreement must fall
//! into a category explained below.
//!
//! Python with the `avro` package is required: scripts/test.sh installs it into a virtualenv
//! and sets CONTRAIL_PYTHON; without it, `python3` must have `avro` installed.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use contrail_contracts::compat::avro::{AvroSchema, can_read};
use serde_json::{Value, json};

/// A small deterministic generator (xorshift64*), so a failure reproduces from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

const PRIMITIVES: &[&str] = &[
    "null", "boolean", "int", "long", "float", "double", "bytes", "string",
];
const SYMBOLS: &[&str] = &["A", "B", "C", "D", "E", "F"];

struct Gen {
    rng: Rng,
    names: usize,
}

impl Gen {
    fn name(&mut self, prefix: &str) -> String {
        self.names += 1;
        format!("{prefix}{}", self.names)
    }

    fn primitive(&mut self) -> Value {
        json!(PRIMITIVES[self.rng.below(PRIMITIVES.len())])
    }

    fn ty(&mut self, depth: usize) -> Value {
        let choice = if depth >= 3 { 0 } else { self.rng.below(10) };
        match choice {
            0..=3 => self.primitive(),
            4 => json!({"type": "array", "items": self.ty(depth + 1)}),
            5 => json!({"type": "map", "values": self.ty(depth + 1)}),
            6 => {
                let mut branches: Vec<Value> = Vec::new();
                for _ in 0..2 + self.rng.below(2) {
                    let b = if self.rng.chance(80) {
                        self.primitive()
                    } else {
                        self.enumeration()
                    };
                    if !branches.contains(&b)
                        && (!b.is_object() || !branches.iter().any(Value::is_object))
                    {
                        branches.push(b);
                    }
                }
                Value::Array(branches)
            }
            7 => self.enumeration(),
            8 => json!({"type": "fixed", "name": self.name("F"), "size": 1 + self.rng.below(4)}),
            _ => self.record(depth + 1),
        }
    }

    fn enumeration(&mut self) -> Value {
        let count = 2 + self.rng.below(3);
        let symbols: Vec<&str> = SYMBOLS[..count].to_vec();
        let mut e = json!({"type": "enum", "name": self.name("E"), "symbols": symbols});
        if self.rng.chance(25) {
            e["default"] = json!(symbols[0]);
        }
        e
    }

    fn record(&mut self, depth: usize) -> Value {
        let fields: Vec<Value> = (0..1 + self.rng.below(4))
            .map(|i| self.field(&format!("f{i}"), depth))
            .collect();
        json!({"type": "record", "name": self.name("R"), "namespace": "t", "fields": fields})
    }

    fn field(&mut self, name: &str, depth: usize) -> Value {
        let ty = self.ty(depth);
        let mut field = json!({"name": name, "type": ty});
        if self.rng.chance(30)
            && let Some(default) = default_for(&field["type"])
        {
            field["default"] = default;
        }
        field
    }

    /// One evolution step somewhere in the schema.
    fn mutate(&mut self, schema: &mut Value) {
        let mut records = Vec::new();
        collect_records(schema, String::new(), &mut records);
        let pointer = records[self.rng.below(records.len())].clone();
        let Some(record) = schema.pointer_mut(&pointer) else {
            return;
        };
        let fields_len = record["fields"].as_array().map_or(0, Vec::len);
        let i = if fields_len == 0 {
            0
        } else {
            self.rng.below(fields_len)
        };
        match self.rng.below(12) {
            0 => {
                let name = self.name("added");
                let with_default = self.rng.chance(50);
                let mut field = json!({"name": name, "type": self.primitive()});
                if with_default {
                    field["default"] = default_for(&field["type"]).unwrap_or(Value::Null);
                }
                if let Some(fields) = record["fields"].as_array_mut() {
                    fields.push(field);
                }
            }
            1 if fields_len > 1 => {
                if let Some(fields) = record["fields"].as_array_mut() {
                    fields.remove(i);
                }
            }
            2 if fields_len > 0 => {
                let old = record["fields"][i]["name"].clone();
                record["fields"][i]["name"] = json!(self.name("renamed"));
                if self.rng.chance(60) {
                    record["fields"][i]["aliases"] = json!([old]);
                }
            }
            3 if fields_len > 0 => {
                let promoted = match record["fields"][i]["type"].as_str() {
                    Some("int") => ["long", "float", "double"][self.rng.below(3)],
                    Some("long") => ["float", "double", "int"][self.rng.below(3)],
                    Some("float") => ["double", "long"][self.rng.below(2)],
                    Some("string") => "bytes",
                    Some("bytes") => "string",
                    _ => PRIMITIVES[self.rng.below(PRIMITIVES.len())],
                };
                record["fields"][i]["type"] = json!(promoted);
                record["fields"][i]
                    .as_object_mut()
                    .map(|f| f.remove("default"));
            }
            4 if fields_len > 0 => {
                let inner = record["fields"][i]["type"].clone();
                if !inner.is_array() && inner != json!("null") {
                    record["fields"][i]["type"] = json!(["null", inner]);
                    record["fields"][i]["default"] = Value::Null;
                }
            }
            5 if fields_len > 0 => {
                if let Some(branches) = record["fields"][i]["type"].as_array().cloned() {
                    let keep = branches[self.rng.below(branches.len())].clone();
                    record["fields"][i]["type"] = keep;
                    record["fields"][i]
                        .as_object_mut()
                        .map(|f| f.remove("default"));
                }
            }
            6 => {
                let old = record["name"].clone();
                record["name"] = json!(self.name("Renamed"));
                if self.rng.chance(50) {
                    // Java resolves aliases against the namespace; write them in full so both
                    // oracles read them the same way (see `short_alias` below for the other case).
                    record["aliases"] = json!([format!("t.{}", old.as_str().unwrap_or(""))]);
                }
            }
            7 => {
                record["namespace"] = json!(if self.rng.chance(50) { "t" } else { "u" });
            }
            _ => self.mutate_nested(record),
        }
    }

    /// Changes an enum, a fixed or a union inside a record's fields.
    fn mutate_nested(&mut self, record: &mut Value) {
        let Some(fields) = record["fields"].as_array_mut() else {
            return;
        };
        for field in fields.iter_mut() {
            let ty = &mut field["type"];
            match ty.get("type").and_then(Value::as_str) {
                Some("enum") => {
                    let symbols = ty["symbols"].as_array().map_or(0, Vec::len);
                    match self.rng.below(3) {
                        0 if symbols < SYMBOLS.len() => {
                            if let Some(s) = ty["symbols"].as_array_mut() {
                                s.push(json!(SYMBOLS[symbols]));
                            }
                        }
                        1 if symbols > 1 => {
                            ty["symbols"].as_array_mut().map(|s| s.pop());
                            if ty["default"].as_str().is_some_and(|d| {
                                !ty["symbols"]
                                    .as_array()
                                    .is_some_and(|s| s.contains(&json!(d)))
                            }) {
                                ty.as_object_mut().map(|o| o.remove("default"));
                            }
                        }
                        _ => ty["default"] = json!("A"),
                    }
                    field.as_object_mut().map(|f| f.remove("default"));
                    return;
                }
                Some("fixed") => {
                    ty["size"] = json!(1 + self.rng.below(4));
                    field.as_object_mut().map(|f| f.remove("default"));
                    return;
                }
                _ => {}
            }
            if let Some(branches) = ty.as_array_mut() {
                let extra = json!(PRIMITIVES[self.rng.below(PRIMITIVES.len())]);
                if !branches.contains(&extra) {
                    branches.push(extra);
                    return;
                }
            }
        }
    }
}

fn collect_records(value: &Value, pointer: String, out: &mut Vec<String>) {
    match value {
        Value::Object(o) => {
            if o.get("type").and_then(Value::as_str) == Some("record") {
                out.push(pointer.clone());
            }
            for (k, v) in o {
                collect_records(v, format!("{pointer}/{k}"), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                collect_records(v, format!("{pointer}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn default_for(ty: &Value) -> Option<Value> {
    Some(match ty {
        Value::String(s) => match s.as_str() {
            "null" => Value::Null,
            "boolean" => json!(false),
            "int" | "long" => json!(0),
            "float" | "double" => json!(0.5),
            "bytes" | "string" => json!(""),
            _ => return None,
        },
        Value::Array(branches) => default_for(branches.first()?)?,
        Value::Object(o) => match o.get("type").and_then(Value::as_str)? {
            "array" => json!([]),
            "map" => json!({}),
            "enum" => o.get("symbols")?.get(0)?.clone(),
            "fixed" => json!("\u{0}".repeat(o.get("size")?.as_u64()? as usize)),
            _ => return None,
        },
        _ => return None,
    })
}

fn python() -> String {
    if let Ok(python) = std::env::var("CONTRAIL_PYTHON") {
        return python;
    }
    "python3".to_owned()
}

/// Verdicts of the Python reference for (reader, writer) pairs.
fn python_verdicts(pairs: &[(Value, Value)]) -> Vec<Option<bool>> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracles/avro_compat.py");
    let mut child = Command::new(python())
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python runs (install with scripts/test.sh, or set CONTRAIL_PYTHON)");
    {
        let mut stdin = child.stdin.take().expect("stdin");
        for (reader, writer) in pairs {
            writeln!(stdin, "{}", json!({"reader": reader, "writer": writer})).expect("write");
        }
    }
    let output = child.wait_with_output().expect("python finishes");
    assert!(
        output.status.success(),
        "the Python Avro oracle failed (is the `avro` package installed? scripts/test.sh installs it): {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| match l {
            "1" => Some(true),
            "0" => Some(false),
            _ => None,
        })
        .collect()
}

fn ours(reader: &Value, writer: &Value) -> Option<bool> {
    let r = AvroSchema::parse(reader, &[]).ok()?;
    let w = AvroSchema::parse(writer, &[]).ok()?;
    Some(can_read(&r, &w).is_empty())
}

fn apache_avro(reader: &Value, writer: &Value) -> Option<bool> {
    use apache_avro::schema_compatibility::{Compatibility, SchemaCompatibility};
    let r = apache_avro::Schema::parse(reader).ok()?;
    let w = apache_avro::Schema::parse(writer).ok()?;
    Some(matches!(
        SchemaCompatibility::can_read(&w, &r),
        Ok(Compatibility::Full)
    ))
}

fn generate(seed: u64, count: usize) -> Vec<(Value, Value)> {
    let mut g = Gen {
        rng: Rng(seed),
        names: 0,
    };
    let mut pairs = Vec::with_capacity(count * 2);
    while pairs.len() < count * 2 {
        let old = g.record(0);
        let mut new = old.clone();
        for _ in 0..1 + g.rng.below(3) {
            g.mutate(&mut new);
        }
        pairs.push((new.clone(), old.clone()));
        pairs.push((old, new));
    }
    pairs
}

#[test]
fn agrees_with_the_python_reference_on_random_evolutions() {
    let pairs = generate(0x5EED_C0DE, 5_000);
    let reference = python_verdicts(&pairs);
    assert_eq!(reference.len(), pairs.len(), "one verdict per pair");
    let mut compared = 0usize;
    let mut agreed = 0usize;
    let mut compatible = 0usize;
    let mut unexplained = Vec::new();
    for ((reader, writer), expected) in pairs.iter().zip(&reference) {
        let (Some(expected), Some(got)) = (expected, ours(reader, writer)) else {
            continue;
        };
        compared += 1;
        compatible += usize::from(*expected);
        if *expected == got {
            agreed += 1;
        } else {
            unexplained.push((reader.clone(), writer.clone(), *expected, got));
        }
    }
    let agreement = agreed as f64 / compared as f64;
    eprintln!(
        "python reference: {agreed}/{compared} agree ({:.4}%), {compatible} compatible pairs",
        agreement * 100.0
    );
    assert!(
        compared >= 9_000,
        "too few pairs could be checked by both: {compared}"
    );
    assert!(
        compatible * 10 >= compared && compatible * 10 <= compared * 9,
        "the generator must produce both verdicts"
    );
    assert!(
        agreement >= 0.999,
        "agreement {agreement} below 99.9%; first disagreement: {:#?}",
        unexplained.first()
    );
    assert!(
        unexplained.is_empty(),
        "unexplained disagreements with Java's rules (via Python): {:#?}",
        &unexplained[..unexplained.len().min(3)]
    );
}

#[test]
fn apache_avro_disagreements_are_its_known_defects() {
    // apache-avro 0.22 is not the reference: it ignores aliases on named types (and rejects
    // renamed records), treats removed enum symbols as `Partial`. Every disagreement must be
    // one of those; anything else would be a defect of ours to investigate.
    let pairs = generate(0xA9AC_4E00, 2_000);
    let mut compared = 0usize;
    let mut agreed = 0usize;
    for (reader, writer) in &pairs {
        let (Some(theirs), Some(mine)) = (apache_avro(reader, writer), ours(reader, writer)) else {
            continue;
        };
        compared += 1;
        if theirs == mine {
            agreed += 1;
            continue;
        }
        let explained = if theirs {
            // They pass what Java rejects: only ever differences in enum symbols.
            let r = AvroSchema::parse(reader, &[]).expect("parsed");
            let w = AvroSchema::parse(writer, &[]).expect("parsed");
            can_read(&r, &w)
                .iter()
                .all(|i| i.rule == "MISSING_ENUM_SYMBOLS")
        } else {
            // They reject what Java accepts: aliases on named types, enum defaults, or a
            // writer symbol missing but covered by the reader's enum default.
            let text = reader.to_string();
            text.contains("\"aliases\"") || text.contains("\"default\":\"")
        };
        assert!(
            explained,
            "unexplained disagreement with apache-avro (ours: {mine}):\nreader {reader}\nwriter {writer}"
        );
    }
    eprintln!("apache-avro: {agreed}/{compared} agree");
    assert!(compared >= 3_000);
}

#[test]
fn short_aliases_follow_java_not_python() {
    // Java resolves a named type's aliases against its namespace, so alias "Old" on a record
    // in namespace "t" names "t.Old" and matches a writer record t.Old. Python's port compares
    // the alias as written with the writer's full name and reports NAME_MISMATCH. Confluent
    // runs Java, so contrail follows Java here.
    let writer = json!({"type": "record", "name": "Old", "namespace": "t", "fields": []});
    let reader = json!({"type": "record", "name": "New", "namespace": "t", "aliases": ["Old"], "fields": []});
    assert_eq!(ours(&reader, &writer), Some(true));
    assert_eq!(python_verdicts(&[(reader, writer)]), [Some(false)]);
}
