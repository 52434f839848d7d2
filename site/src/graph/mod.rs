//! The catalog graph as JSON (an interface other tools read), DOT, Mermaid, SVG and HTML.
//!
//! Every renderer draws a [`View`]: the whole graph, the neighbourhood of one node, or the part
//! an impact question touches, with marks on the nodes that matter — and, with `--observed`,
//! what a trace saw: traffic on the `consumes` edges, undeclared edges event → event dashed
//! in a colour of their own. Output is deterministic:
//! nodes and edges in graph order, ids `service:NAME`, `event:NAME`, `topic:NAME`.

mod dot;
mod html;
mod json;
mod layout;
mod mermaid;
mod observed;
mod style;
mod svg;
mod view;

pub use dot::to_dot;
pub use html::to_html;
pub use json::{diff_to_json, impact_to_json, to_json};
pub use mermaid::to_mermaid;
pub use observed::{consumption_label, observation_label};
pub use svg::{DrawError, MAX_DRAWN_NODES, check_size, to_svg};
pub use view::{GroupBy, Mark, View};
