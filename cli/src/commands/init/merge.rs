//! Updating an event file that `init --from-registry` wrote earlier and a person may have
//! edited since: only the top-level keys init owns are touched, line by line, so every other
//! key, its value, the comments and the order of the file stay as the person left them.
//!
//! Init writes each key it owns as one `key: value` line, so replacing an owned key means
//! replacing the lines its entry spans; a key init no longer derives (a subject that now
//! follows the naming strategy) is removed, a new one appended at the end.

use contrail_contracts::yaml;

/// `existing` with each of `owned` set: `Some(value)` to that scalar, `None` removed. Fails
/// when `existing` is not a YAML mapping (a person broke the file; init does not guess).
pub(super) fn merge_owned(
    existing: &str,
    owned: &[(&str, Option<String>)],
) -> Result<String, String> {
    let document = yaml::parse(existing).map_err(|e| e.to_string())?;
    let Some(entries) = document.root.as_map() else {
        return Err("the file is not a YAML mapping of keys".to_owned());
    };
    let mut lines: Vec<Option<String>> = existing.lines().map(|l| Some(l.to_owned())).collect();
    let mut appended = Vec::new();
    for (key, value) in owned {
        let current = entries.iter().find(|e| e.key == *key);
        match (current, value) {
            (Some(entry), Some(value)) if entry.value.as_str() == Some(value.as_str()) => {}
            (Some(entry), value) => {
                let (first, last) = entry_lines(entry, lines.len());
                for line in lines.iter_mut().take(last + 1).skip(first) {
                    *line = None;
                }
                if let Some(value) = value {
                    lines[first] = Some(format!("{key}: {}", scalar(value)));
                }
            }
            (None, Some(value)) => appended.push(format!("{key}: {}", scalar(value))),
            (None, None) => {}
        }
    }
    let mut out: Vec<String> = lines.into_iter().flatten().collect();
    out.extend(appended);
    let mut text = out.join("\n");
    text.push('\n');
    Ok(text)
}

/// The 0-based first and last line an entry spans: its key's line to the end of its value
/// (a value that ends at the start of a line ends on the line before).
fn entry_lines(entry: &yaml::Entry, line_count: usize) -> (usize, usize) {
    let first = entry.key_span.start.line.saturating_sub(1) as usize;
    let end = entry.value.span.end;
    let mut last = end.line.saturating_sub(1) as usize;
    if end.column <= 1 && last > first {
        last -= 1;
    }
    let last_line = line_count.saturating_sub(1);
    (
        first.min(last_line),
        last.clamp(first, last_line.max(first)),
    )
}

/// `value` as a YAML plain scalar when it reads back as the same string, else double-quoted.
/// A value that starts with an indicator character is quoted too: YAML 1.2 allows some of
/// them (`:.eu:orders-value`, a subject of a context) where YAML 1.1 readers refuse them.
pub(super) fn scalar(value: &str) -> String {
    let plain = yaml::parse(&format!("k: {value}\n"))
        .ok()
        .and_then(|d| d.root.get("k").and_then(|n| n.as_str().map(str::to_owned)));
    let indicator = value.starts_with([
        ':', '?', '-', '*', '&', '!', '|', '>', '\'', '"', '%', '@', '`', '{', '[', '#', ',',
    ]);
    if plain.as_deref() == Some(value)
        && !indicator
        && !value.contains(" #")
        && !value.contains(": ")
    {
        value.to_owned()
    } else {
        serde_json::Value::String(value.to_owned()).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EDITED: &str = "\
# written by init
event: OrderPlaced
topic: shop.orders      # the topic
owner: team-orders      # added by a person
schema: ../schemas/old.avsc
compatibility: FULL
examples:
  - payload: { orderId: o-1 }
";

    #[test]
    fn owned_keys_change_and_everything_else_stays() {
        let merged = merge_owned(
            EDITED,
            &[
                ("topic", Some("shop.orders".to_owned())),
                ("schema", Some("../schemas/new.avsc".to_owned())),
                ("compatibility", None),
                ("subject", Some("orders-v2".to_owned())),
            ],
        )
        .expect("merges");
        assert_eq!(
            merged,
            "\
# written by init
event: OrderPlaced
topic: shop.orders      # the topic
owner: team-orders      # added by a person
schema: ../schemas/new.avsc
examples:
  - payload: { orderId: o-1 }
subject: orders-v2
"
        );
    }

    #[test]
    fn nothing_to_change_gives_the_same_text() {
        let same = merge_owned(
            EDITED,
            &[
                ("topic", Some("shop.orders".to_owned())),
                ("compatibility", Some("FULL".to_owned())),
                ("subject", None),
            ],
        )
        .expect("merges");
        assert_eq!(same, EDITED);
    }

    #[test]
    fn a_multi_line_owned_value_is_replaced_whole() {
        let text = "event: A\nschema:\n  ../schemas/a.avsc\nowner: x\n";
        let merged =
            merge_owned(text, &[("schema", Some("../schemas/b.avsc".to_owned()))]).expect("merges");
        assert_eq!(merged, "event: A\nschema: ../schemas/b.avsc\nowner: x\n");
    }

    #[test]
    fn a_file_that_is_not_a_mapping_is_refused() {
        assert!(merge_owned("- a\n- b\n", &[("topic", None)]).is_err());
    }

    #[test]
    fn scalars_that_yaml_would_read_differently_are_quoted() {
        assert_eq!(scalar("shop.orders"), "shop.orders");
        assert_eq!(scalar("true"), "\"true\"");
        assert_eq!(scalar("a: b"), "\"a: b\"");
        assert_eq!(scalar("123"), "\"123\"");
        assert_eq!(scalar(":.eu:orders-value"), "\":.eu:orders-value\"");
        assert_eq!(scalar("orders-value"), "orders-value");
    }
}
