//! One page's content as a small tree, rendered twice: as HTML and as Markdown. Building the
//! tree once is what keeps the two forms saying the same thing.

use std::fmt::Write as _;

/// Text inside a paragraph, list item or table cell.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Inline {
    Text(String),
    Code(String),
    Strong(String),
    /// A link to a page of the site: its path from the site root without extension
    /// (`events/orderplaced`), and an optional `#anchor`.
    Page {
        text: String,
        page: String,
        anchor: Option<String>,
    },
}

impl Inline {
    pub(crate) fn text(text: impl Into<String>) -> Inline {
        Inline::Text(text.into())
    }

    pub(crate) fn code(text: impl Into<String>) -> Inline {
        Inline::Code(text.into())
    }

    pub(crate) fn link(text: impl Into<String>, page: impl Into<String>) -> Inline {
        Inline::Page {
            text: text.into(),
            page: page.into(),
            anchor: None,
        }
    }

    pub(crate) fn anchored(
        text: impl Into<String>,
        page: impl Into<String>,
        anchor: impl Into<String>,
    ) -> Inline {
        Inline::Page {
            text: text.into(),
            page: page.into(),
            anchor: Some(anchor.into()),
        }
    }
}

/// A run of inlines.
pub(crate) type Line = Vec<Inline>;

/// A block of a page.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Block {
    /// A section heading (level 2 or 3) with the id links point at.
    Heading {
        level: u8,
        text: String,
        id: String,
    },
    Para(Line),
    List(Vec<Line>),
    /// Label/value pairs (`<dl>`; a two-column table in Markdown).
    Facts(Vec<(String, Line)>),
    Table {
        head: Vec<String>,
        rows: Vec<Vec<Line>>,
    },
    /// Preformatted text with a language hint (`json`, `mermaid`, `protobuf`).
    Pre {
        lang: String,
        text: String,
    },
    /// Markup made elsewhere (the focus graph's SVG, the search results' place), shown in
    /// HTML only and written as is.
    RawHtml(String),
    /// A graph: its SVG in HTML, its Mermaid text in Markdown (which forges render inline).
    Drawing {
        svg: String,
        mermaid: String,
    },
}

/// A whole page: its path from the site root without extension, title and blocks.
#[derive(Debug, Clone)]
pub(crate) struct Doc {
    pub(crate) path: String,
    pub(crate) title: String,
    /// What the page is (`event`, `service`): shown above the title.
    pub(crate) kind: &'static str,
    pub(crate) blocks: Vec<Block>,
}

/// Escapes text for HTML content and attribute values.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `../` once per directory `path` is in, so links from it reach the site root.
pub(crate) fn root_prefix(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

fn href(from: &str, page: &str, anchor: Option<&str>, extension: &str) -> String {
    let mut out = format!("{}{page}.{extension}", root_prefix(from));
    if let Some(anchor) = anchor {
        out.push('#');
        out.push_str(anchor);
    }
    out
}

fn inline_html(out: &mut String, from: &str, line: &[Inline]) {
    for inline in line {
        match inline {
            Inline::Text(text) => out.push_str(&escape_html(text)),
            Inline::Code(text) => {
                let _ = write!(out, "<code>{}</code>", escape_html(text));
            }
            Inline::Strong(text) => {
                let _ = write!(out, "<strong>{}</strong>", escape_html(text));
            }
            Inline::Page { text, page, anchor } => {
                let _ = write!(
                    out,
                    "<a href=\"{}\">{}</a>",
                    escape_html(&href(from, page, anchor.as_deref(), "html")),
                    escape_html(text)
                );
            }
        }
    }
}

/// The page's main content as HTML (the frame around it is the caller's).
pub(crate) fn blocks_html(doc: &Doc) -> String {
    let from = doc.path.as_str();
    let mut out = String::new();
    for block in &doc.blocks {
        match block {
            Block::Heading { level, text, id } => {
                let _ = writeln!(
                    out,
                    "<h{level} id=\"{}\">{}</h{level}>",
                    escape_html(id),
                    escape_html(text)
                );
            }
            Block::Para(line) => {
                out.push_str("<p>");
                inline_html(&mut out, from, line);
                out.push_str("</p>\n");
            }
            Block::List(items) => {
                out.push_str("<ul>\n");
                for item in items {
                    out.push_str("<li>");
                    inline_html(&mut out, from, item);
                    out.push_str("</li>\n");
                }
                out.push_str("</ul>\n");
            }
            Block::Facts(facts) => {
                out.push_str("<dl class=\"facts\">\n");
                for (label, value) in facts {
                    let _ = write!(out, "<dt>{}</dt><dd>", escape_html(label));
                    inline_html(&mut out, from, value);
                    out.push_str("</dd>\n");
                }
                out.push_str("</dl>\n");
            }
            Block::Table { head, rows } => {
                out.push_str("<div class=\"table\"><table>\n<thead><tr>");
                for cell in head {
                    let _ = write!(out, "<th scope=\"col\">{}</th>", escape_html(cell));
                }
                out.push_str("</tr></thead>\n<tbody>\n");
                for row in rows {
                    out.push_str("<tr>");
                    for cell in row {
                        out.push_str("<td>");
                        inline_html(&mut out, from, cell);
                        out.push_str("</td>");
                    }
                    out.push_str("</tr>\n");
                }
                out.push_str("</tbody>\n</table></div>\n");
            }
            Block::Pre { lang, text } => {
                let _ = writeln!(
                    out,
                    "<pre class=\"{}\"><code>{}</code></pre>",
                    escape_html(lang),
                    escape_html(text)
                );
            }
            Block::RawHtml(html) => {
                out.push_str(html);
                out.push('\n');
            }
            Block::Drawing { svg, .. } => {
                let _ = writeln!(out, "<figure class=\"graph\">{svg}</figure>");
            }
        }
    }
    out
}

/// Escapes text for Markdown: markup characters get a backslash, and `<`/`&` become entities
/// so forges render no HTML from a name.
fn escape_md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            // `(`, `)` and `!` need none: with `[` escaped, no link or image can start.
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn code_md(text: &str) -> String {
    // A code span is closed by as many backticks as opened it: open with one more than the
    // longest run inside.
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let text = text.replace(['\n', '\r'], " ").replace('|', "\\|");
    // A space inside the fences only when the text starts or ends with a backtick.
    if text.starts_with('`') || text.ends_with('`') {
        format!("{fence} {text} {fence}")
    } else {
        format!("{fence}{text}{fence}")
    }
}

fn inline_md(from: &str, line: &[Inline]) -> String {
    let mut out = String::new();
    for inline in line {
        match inline {
            Inline::Text(text) => out.push_str(&escape_md(text)),
            Inline::Code(text) => out.push_str(&code_md(text)),
            Inline::Strong(text) => {
                let _ = write!(out, "**{}**", escape_md(text));
            }
            Inline::Page { text, page, anchor } => {
                let target = href(from, page, anchor.as_deref(), "md").replace(' ', "%20");
                let _ = write!(out, "[{}]({target})", escape_md(text));
            }
        }
    }
    out
}

/// The whole page as Markdown.
pub(crate) fn to_markdown(doc: &Doc) -> String {
    let from = doc.path.as_str();
    let mut out = String::new();
    if !doc.path.is_empty() && doc.path != "index" {
        let _ = writeln!(
            out,
            "[← index]({}index.md)\n",
            root_prefix(from).replace(' ', "%20")
        );
    }
    let _ = writeln!(out, "# {}\n", escape_md(&doc.title));
    for block in &doc.blocks {
        match block {
            Block::Heading { level, text, id } => {
                let _ = writeln!(
                    out,
                    "<a id=\"{}\"></a>\n\n{} {}\n",
                    escape_html(id),
                    "#".repeat(usize::from(*level)),
                    escape_md(text)
                );
            }
            Block::Para(line) => {
                let _ = writeln!(out, "{}\n", inline_md(from, line));
            }
            Block::List(items) => {
                for item in items {
                    let _ = writeln!(out, "- {}", inline_md(from, item));
                }
                out.push('\n');
            }
            Block::Facts(facts) => {
                out.push_str("| | |\n|---|---|\n");
                for (label, value) in facts {
                    let _ = writeln!(out, "| {} | {} |", escape_md(label), inline_md(from, value));
                }
                out.push('\n');
            }
            Block::Table { head, rows } => {
                let head: Vec<String> = head.iter().map(|h| escape_md(h)).collect();
                let _ = writeln!(out, "| {} |", head.join(" | "));
                let _ = writeln!(out, "|{}", "---|".repeat(head.len()));
                for row in rows {
                    let cells: Vec<String> = row.iter().map(|c| inline_md(from, c)).collect();
                    let _ = writeln!(out, "| {} |", cells.join(" | "));
                }
                out.push('\n');
            }
            Block::Pre { lang, text } => {
                let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
                let fence = "`".repeat((longest + 1).max(3));
                let lang: String = lang.chars().filter(char::is_ascii_alphanumeric).collect();
                let _ = writeln!(out, "{fence}{lang}\n{}\n{fence}\n", text.trim_end());
            }
            Block::RawHtml(_) => {}
            Block::Drawing { mermaid, .. } => {
                let _ = writeln!(out, "```mermaid\n{}\n```\n", mermaid.trim_end());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_everything_it_is_given() {
        assert_eq!(
            escape_html("<script>\"x\" & 'y'</script>"),
            "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;"
        );
    }

    #[test]
    fn markdown_escapes_markup_and_html() {
        assert_eq!(
            escape_md("a|b <i>*x*</i>"),
            "a\\|b &lt;i&gt;\\*x\\*&lt;/i&gt;"
        );
        assert_eq!(code_md("a`b"), "``a`b``");
        assert_eq!(code_md("`x"), "`` `x ``");
    }

    #[test]
    fn links_climb_to_the_root() {
        assert_eq!(
            href("events/a", "services/b", None, "html"),
            "../services/b.html"
        );
        assert_eq!(href("index", "events/a", Some("x"), "md"), "events/a.md#x");
    }
}
