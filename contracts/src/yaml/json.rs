//! A fast reader for documents written in JSON, the subset of YAML that every `.avsc` file and
//! most `.json` files use.
//!
//! Reading JSON through the YAML parser is correct but slow: saphyr-parser's flow-collection
//! scanner is several times slower than a JSON reader, and on a large catalog reading schema
//! files was a third of all the work `contrail lint` did. This reader builds exactly the tree
//! [`super::parse_with_limits`] builds from saphyr's events, spans included, for the documents
//! it is sure about, and gives up (`None`) on everything else, which then goes to the YAML
//! reader. So what a file means, and every error message about it, comes from one place.
//!
//! It gives up on: anything that is not strict JSON (syntax errors, comments, trailing commas,
//! single quotes, YAML scalars), duplicate keys, documents over the depth or node limits, a lone
//! carriage return, `\u` escapes of surrogates, and characters YAML reads differently from JSON
//! (C0 and C1 controls, line and paragraph separators, byte order marks and non-characters).
//! `tests::same_tree_as_the_yaml_reader` keeps the two readers equal.
//!
//! The span rules it reproduces (see the tests): a node starts at its first character; a
//! scalar ends right after its last character (for a quoted one, the closing quote); a
//! sequence or mapping ends after its closing bracket and any spaces or tabs that follow it on
//! the same line, which is where saphyr ends the closing token. Columns count characters, not
//! bytes.

use super::{Document, Entry, Limits, Node, Span, Value, resolve_plain};
use crate::diagnostic::Position;

/// Reads `text` if it is a JSON document this reader is sure about.
pub(super) fn parse(text: &str, limits: Limits) -> Option<Document> {
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        at: 0,
        line: 1,
        column: 1,
        nodes: 0,
        limits,
    };
    reader.skip_whitespace()?;
    // A document that does not open a collection is a scalar, YAML, or empty: rare for a file,
    // and the YAML reader's business.
    if !matches!(reader.peek(), Some(b'{' | b'[')) {
        return None;
    }
    let root = reader.value(0)?;
    reader.skip_whitespace()?;
    if reader.at != reader.bytes.len() {
        return None;
    }
    Some(Document {
        root,
        duplicate_keys: Vec::new(),
    })
}

struct Reader<'t> {
    text: &'t str,
    bytes: &'t [u8],
    /// Byte offset of the next character.
    at: usize,
    line: u32,
    /// 1-based column of `at`, in characters.
    column: u32,
    nodes: usize,
    limits: Limits,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn position(&self) -> Position {
        Position {
            line: self.line,
            column: self.column,
        }
    }

    /// Steps over one ASCII character that is not a line break.
    fn step(&mut self) {
        self.at += 1;
        self.column += 1;
    }

    /// Skips JSON whitespace. `None` on a carriage return not followed by a line feed, which
    /// YAML reads as a line break and JSON as a blank.
    fn skip_whitespace(&mut self) -> Option<()> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t') => self.step(),
                Some(b'\n') => self.new_line(1),
                Some(b'\r') if self.bytes.get(self.at + 1) == Some(&b'\n') => self.new_line(2),
                Some(b'\r') => return None,
                _ => return Some(()),
            }
        }
    }

    fn new_line(&mut self, width: usize) {
        self.at += width;
        self.line += 1;
        self.column = 1;
    }

    fn skip_blanks(&mut self) {
        while let Some(b' ' | b'\t') = self.peek() {
            self.step();
        }
    }

    /// Counts one node against the limit, as the YAML reader counts each scalar (keys too) and
    /// each collection.
    fn count(&mut self) -> Option<()> {
        self.nodes += 1;
        (self.nodes <= self.limits.max_nodes).then_some(())
    }

    /// A value at `depth` (the number of collections around it).
    fn value(&mut self, depth: usize) -> Option<Node> {
        self.count()?;
        match self.peek()? {
            b'{' => self.mapping(depth),
            b'[' => self.sequence(depth),
            b'"' => {
                let (text, span) = self.string()?;
                Some(Node {
                    value: Value::String(text),
                    span,
                })
            }
            _ => self.literal(),
        }
    }

    /// Whether a collection may open at `depth`: within the configured limit and within the
    /// 255 levels of flow nesting saphyr's scanner allows.
    fn may_nest(&self, depth: usize) -> bool {
        depth < self.limits.max_depth.min(255)
    }

    fn mapping(&mut self, depth: usize) -> Option<Node> {
        if !self.may_nest(depth) {
            return None;
        }
        let start = self.position();
        self.step();
        self.skip_whitespace()?;
        let mut entries = Vec::new();
        if self.peek()? != b'}' {
            loop {
                if self.peek()? != b'"' {
                    return None;
                }
                self.count()?;
                let (key, key_span) = self.string()?;
                self.skip_whitespace()?;
                if self.peek()? != b':' {
                    return None;
                }
                self.step();
                // saphyr wants a space or line break after the colon, not a tab, before some
                // values; JSON takes any blank.
                let after_colon = self.at;
                self.skip_whitespace()?;
                if self.bytes[after_colon..self.at].contains(&b'\t') {
                    return None;
                }
                let value = self.value(depth + 1)?;
                entries.push(Entry {
                    key,
                    key_span,
                    value,
                });
                self.skip_whitespace()?;
                match self.peek()? {
                    b',' => {
                        self.step();
                        self.skip_whitespace()?;
                    }
                    b'}' => break,
                    _ => return None,
                }
            }
        }
        if has_duplicate_key(&entries) {
            return None;
        }
        self.step();
        self.skip_blanks();
        Some(Node {
            value: Value::Map(entries),
            span: Span {
                start,
                end: self.position(),
            },
        })
    }

    fn sequence(&mut self, depth: usize) -> Option<Node> {
        if !self.may_nest(depth) {
            return None;
        }
        let start = self.position();
        self.step();
        self.skip_whitespace()?;
        let mut items = Vec::new();
        if self.peek()? != b']' {
            loop {
                items.push(self.value(depth + 1)?);
                self.skip_whitespace()?;
                match self.peek()? {
                    b',' => {
                        self.step();
                        self.skip_whitespace()?;
                    }
                    b']' => break,
                    _ => return None,
                }
            }
        }
        self.step();
        self.skip_blanks();
        Some(Node {
            value: Value::Seq(items),
            span: Span {
                start,
                end: self.position(),
            },
        })
    }

    /// A double-quoted string, with the span from its opening to its closing quote.
    fn string(&mut self) -> Option<(String, Span)> {
        let start = self.position();
        self.step();
        let mut out = String::new();
        let mut run = self.at;
        loop {
            match self.peek()? {
                b'"' => {
                    out.push_str(&self.text[run..self.at]);
                    self.step();
                    break;
                }
                b'\\' => {
                    out.push_str(&self.text[run..self.at]);
                    out.push(self.escape()?);
                    run = self.at;
                }
                0x00..=0x1f | 0x7f => return None,
                0x80.. => {
                    let c = self.text[self.at..].chars().next()?;
                    if !reads_the_same(c) {
                        return None;
                    }
                    self.at += c.len_utf8();
                    self.column += 1;
                }
                _ => self.step(),
            }
        }
        Some((
            out,
            Span {
                start,
                end: self.position(),
            },
        ))
    }

    /// One escape sequence, `at` on its backslash.
    fn escape(&mut self) -> Option<char> {
        let c = match *self.bytes.get(self.at + 1)? {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let hex = self.text.get(self.at + 2..self.at + 6)?;
                if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return None;
                }
                let code = u32::from_str_radix(hex, 16).ok()?;
                // A surrogate (half of a UTF-16 pair) is no character; how YAML readers
                // treat one differs, so the YAML reader decides.
                let c = char::from_u32(code)?;
                self.at += 6;
                self.column += 6;
                return Some(c);
            }
            _ => return None,
        };
        self.at += 2;
        self.column += 2;
        Some(c)
    }

    /// `true`, `false`, `null` or a number, resolved as the YAML reader resolves a plain
    /// scalar.
    fn literal(&mut self) -> Option<Node> {
        let start = self.position();
        let begin = self.at;
        while let Some(b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' | b'-' | b'+' | b'.') = self.peek() {
            self.step();
        }
        let token = &self.text[begin..self.at];
        if !matches!(token, "true" | "false" | "null") && !is_json_number(token) {
            return None;
        }
        Some(Node {
            value: resolve_plain(token),
            span: Span {
                start,
                end: self.position(),
            },
        })
    }
}

/// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?`
fn is_json_number(token: &str) -> bool {
    let digits = |s: &str| -> usize { s.bytes().take_while(u8::is_ascii_digit).count() };
    let rest = token.strip_prefix('-').unwrap_or(token);
    let int = digits(rest);
    if int == 0 || (int > 1 && rest.starts_with('0')) {
        return false;
    }
    let mut rest = &rest[int..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let n = digits(fraction);
        if n == 0 {
            return false;
        }
        rest = &fraction[n..];
    }
    if let Some(exponent) = rest.strip_prefix(['e', 'E']) {
        let exponent = exponent.strip_prefix(['-', '+']).unwrap_or(exponent);
        let n = digits(exponent);
        if n == 0 {
            return false;
        }
        rest = &exponent[n..];
    }
    rest.is_empty()
}

/// Whether YAML reads a non-ASCII character in a string as JSON does: not a C1 control, a line
/// or paragraph separator, a byte order mark or a non-character.
fn reads_the_same(c: char) -> bool {
    !matches!(
        c,
        '\u{80}'..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
    )
}

/// Duplicate keys are the YAML reader's to report (it keeps the later value and says so).
fn has_duplicate_key(entries: &[Entry]) -> bool {
    if entries.len() <= 16 {
        return entries
            .iter()
            .enumerate()
            .any(|(i, e)| entries[..i].iter().any(|f| f.key == e.key));
    }
    let mut keys: Vec<&str> = entries.iter().map(|e| e.key.as_str()).collect();
    keys.sort_unstable();
    keys.windows(2).any(|w| w[0] == w[1])
}

#[cfg(test)]
mod tests {
    use super::super::{Limits, parse_yaml};
    use super::parse;
    use proptest::prelude::*;

    /// Reads `text` with both readers. When the JSON reader takes the document, it must build
    /// the tree the YAML reader builds, spans included. Returns whether it took it.
    fn same_as_yaml(text: &str) -> bool {
        let limits = Limits::default();
        let Some(fast) = parse(text, limits) else {
            return false;
        };
        match parse_yaml(text, limits) {
            Ok(slow) => assert_eq!(fast, slow, "the two readers differ on {text:?}"),
            Err(e) => panic!("the JSON reader took {text:?}, which the YAML reader refuses: {e}"),
        }
        true
    }

    #[test]
    fn spans_match_on_hand_written_cases() {
        for text in [
            r#"{"a": 1, "b" : [ "x" , true,null,-2.5e3 ,{} , []] ,
  "c":{"d":"é\u00e9\n"}  }  "#,
            "[\n\t{\"a\": \"b\"\t},\r\n  [ 1 ,\t2 ]\t\n  , \"x\"   \n]",
            "{\n  \"type\": \"record\",\n  \"fields\": [\n    {\"name\": \"a\", \"type\": [\"null\", \"string\"], \"default\": null}\n  ]\n}\n",
            r#"{"escapes": "\" \\ \/ \b \f \n \r \t \u0041 \u00e9 \u20ac \u0000", "emoji": "😀 ünï"}"#,
            r#"[0, -0, 1.5, 1e5, 1E+5, -1.25e-3, 9223372036854775807, 9223372036854775808, 123456789012345678901234567890]"#,
            "  \n\n  [ [ [ ] ] ]  \n\n",
            r#"{"<<": {"a": 1}, "b": 2}"#,
            r##"{"~": "null", "": "", "#": "# not a comment", "key: value": "- item"}"##,
        ] {
            assert!(same_as_yaml(text), "the JSON reader gave up on {text:?}");
        }
    }

    #[test]
    fn gives_up_where_yaml_reads_differently() {
        for text in [
            r#"{"a": 1, "a": 2}"#,      // duplicate key: reported by the YAML reader
            r#"{"a": 1,}"#,             // trailing comma
            r#"{a: 1}"#,                // YAML plain key
            "{\"a\": 1} # comment",     // YAML comment
            "{\"a\":\ttrue}",           // a tab after the colon: saphyr refuses some
            r#"{"a": 'x'}"#,            // single quotes
            r#"{"a": yes}"#,            // a YAML scalar
            r#"{"a": 01}"#,             // not a JSON number
            r#"{"a": "\ud83d\ude00"}"#, // surrogate pair
            "{\"a\": \"tab\there\"}",   // raw control character
            "{\"a\": \"\u{85}\"}",      // NEL
            "{\"a\": \"\u{2028}\"}",    // line separator
            "{\"a\": 1}\r[]",           // lone carriage return
            "{\"a\": 1}\n{\"b\": 2}",   // two documents
            "\"just a string\"",        // scalar document
            "",                         // empty
            "[1, 2",                    // unterminated
        ] {
            assert!(parse(text, Limits::default()).is_none(), "took {text:?}");
        }
    }

    #[test]
    fn gives_up_over_the_limits() {
        let deep = format!("{}{}", "[".repeat(10), "]".repeat(10));
        let tight = Limits {
            max_depth: 5,
            ..Limits::default()
        };
        assert!(parse(&deep, tight).is_none());
        let many = Limits {
            max_nodes: 3,
            ..Limits::default()
        };
        assert!(parse("[1, 2, 3]", many).is_none());
        assert!(parse("[1, 2]", many).is_some());
        // saphyr's scanner stops at 255 levels of flow nesting, whatever the configured limit.
        let deeper = format!("{}{}", "[".repeat(300), "]".repeat(300));
        let loose = Limits {
            max_depth: 1000,
            ..Limits::default()
        };
        assert!(parse(&deeper, loose).is_none());
    }

    /// Every JSON document in the repository and the shared AsyncAPI corpus.
    #[test]
    fn same_tree_as_the_yaml_reader_on_real_files() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut stack = vec![root.clone(), root.join("../shared/corpus")];
        let (mut taken, mut seen) = (0, 0);
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
                if path.is_dir() {
                    if !name.starts_with('.') && name != "target" && name != "node_modules" {
                        stack.push(path);
                    }
                } else if name.ends_with(".json") || name.ends_with(".avsc") {
                    let Ok(text) = std::fs::read_to_string(&path) else {
                        continue;
                    };
                    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
                    seen += 1;
                    taken += usize::from(same_as_yaml(text));
                }
            }
        }
        // The fixtures hold deliberately broken JSON; most files are well-formed.
        assert!(
            seen > 50,
            "only {seen} JSON files found under {}",
            root.display()
        );
        assert!(
            taken * 10 > seen * 8,
            "the JSON reader took only {taken} of {seen} files"
        );
    }

    /// A JSON value rendered with arbitrary whitespace between its tokens.
    fn json_text() -> impl Strategy<Value = String> {
        let blank =
            prop::sample::select(vec!["", " ", "  ", "\t", "\n", "\r\n", " \n\t ", "\n    "]);
        let string = prop::sample::select(vec![
            r#""""#,
            r#""a""#,
            r#""name""#,
            r#""é😀""#,
            r#""a\"b""#,
            r#""\n\t\u00e9""#,
            r#""x: y""#,
            r#""- z""#,
            r##""#""##,
            r#""\\""#,
        ]);
        let scalar = prop_oneof![
            string.clone().prop_map(str::to_owned),
            prop::sample::select(vec![
                "true", "false", "null", "0", "-1", "2.5", "1e3", "-0.5E-2"
            ])
            .prop_map(str::to_owned),
        ];
        let leaf = (scalar, blank.clone()).prop_map(|(s, b)| format!("{s}{b}"));
        leaf.prop_recursive(6, 64, 6, move |inner| {
            let blank = blank.clone();
            let string = string.clone();
            prop_oneof![
                (
                    prop::collection::vec((inner.clone(), blank.clone()), 0..6),
                    blank.clone()
                )
                    .prop_map(|(items, b)| {
                        let items: Vec<String> =
                            items.into_iter().map(|(i, b)| format!("{b}{i}")).collect();
                        format!("[{b}{}]", items.join(","))
                    }),
                (
                    prop::collection::vec((string, blank.clone(), inner, blank.clone()), 0..6),
                    blank,
                )
                    .prop_map(|(entries, b)| {
                        let mut seen = std::collections::HashSet::new();
                        let entries: Vec<String> = entries
                            .into_iter()
                            .filter(|(k, ..)| seen.insert(*k))
                            .map(|(k, b1, v, b2)| format!("{b2}{k}{b1}:{b2}{v}"))
                            .collect();
                        format!("{{{b}{}}}", entries.join(","))
                    }),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn same_tree_as_the_yaml_reader(text in json_text()) {
            let taken = same_as_yaml(&text);
            // It may give up on a tab after a colon; anything else that opens a collection is
            // its to read.
            if text.trim_start().starts_with(['{', '[']) && !text.contains('\t') {
                prop_assert!(taken, "the JSON reader gave up on {:?}", text);
            }
        }

        /// Near-JSON: a valid document with one character inserted somewhere. Whatever the
        /// JSON reader still takes must read as the YAML reader reads it; nothing may panic.
        #[test]
        fn near_json_is_read_the_same_or_left_to_the_yaml_reader(
            text in json_text(),
            at in any::<prop::sample::Index>(),
            inserted in prop::sample::select(vec![
                '"', '\\', ',', ':', '{', '}', '[', ']', ' ', '\t', '\n', '\r', '#', '&', '*',
                '!', '-', '0', 'e', 'x', '\'', '\u{85}', '\u{feff}', 'é',
            ]),
        ) {
            let boundaries: Vec<usize> = text
                .char_indices()
                .map(|(i, _)| i)
                .chain([text.len()])
                .collect();
            let split = boundaries[at.index(boundaries.len())];
            let mut mutated = text.clone();
            mutated.insert(split, inserted);
            same_as_yaml(&mutated);
        }

        /// Arbitrary text that opens like JSON.
        #[test]
        fn arbitrary_text_is_read_the_same_or_left_to_the_yaml_reader(
            text in "[\\[{][ -~\t\n\r\u{80}-\u{3000}]{0,40}",
        ) {
            same_as_yaml(&text);
        }
    }
}
