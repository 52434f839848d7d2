//! How each kind of node and each mark looks, shared by every drawing so DOT, Mermaid and SVG
//! agree. Colours are chosen to stay readable on light and dark backgrounds.

use contrail_contracts::graph::{Node, NodeKind};

use super::Mark;

/// Fill and stroke of a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Paint {
    pub fill: &'static str,
    pub stroke: &'static str,
    pub text: &'static str,
    pub dashed: bool,
    pub thick: bool,
}

pub(super) fn paint(node: &Node, mark: Option<Mark>) -> Paint {
    let mut paint = match node.kind {
        NodeKind::Service => Paint {
            fill: "#dbe8ff",
            stroke: "#3b6fd8",
            text: "#10233f",
            dashed: false,
            thick: false,
        },
        NodeKind::Event => Paint {
            fill: "#fff0d1",
            stroke: "#c98a12",
            text: "#3d2800",
            dashed: false,
            thick: false,
        },
        NodeKind::Topic => Paint {
            fill: "#e9ecef",
            stroke: "#6c757d",
            text: "#212529",
            dashed: false,
            thick: false,
        },
    };
    if node.is_dangling() {
        paint.fill = "#fde2e1";
        paint.stroke = "#c0392b";
        paint.text = "#5c0f08";
        paint.dashed = true;
    }
    match mark {
        Some(Mark::Focus | Mark::Changed) => paint.thick = true,
        Some(Mark::Direct) => {
            paint.fill = "#f8c9c4";
            paint.stroke = "#b42318";
            paint.thick = true;
        }
        Some(Mark::Transitive) => {
            paint.fill = "#fde4c8";
            paint.stroke = "#c4600f";
        }
        Some(Mark::Unknown) => {
            paint.fill = "#eceff3";
            paint.stroke = "#6c757d";
            paint.dashed = true;
        }
        Some(Mark::Added) => {
            paint.fill = ADDED_FILL;
            paint.stroke = ADDED;
            paint.thick = true;
        }
        Some(Mark::Removed) => {
            paint.fill = REMOVED_FILL;
            paint.stroke = REMOVED;
            paint.dashed = true;
        }
        None => {}
    }
    paint
}

/// Green for what a change adds, red for what it removes (nodes and edges alike).
const ADDED: &str = "#2f9e44";
const ADDED_FILL: &str = "#d3f9d8";
const REMOVED: &str = "#c92a2a";
const REMOVED_FILL: &str = "#ffe3e3";

/// How a marked edge is drawn, over its kind's usual look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct EdgePaint {
    pub stroke: &'static str,
    pub dashed: bool,
    pub thick: bool,
}

/// Added edges solid and thick, removed ones dashed: told apart without colour too. Unmarked
/// edges keep their usual look (`None`).
pub(super) fn edge_paint(mark: Option<Mark>) -> Option<EdgePaint> {
    match mark? {
        Mark::Added => Some(EdgePaint {
            stroke: ADDED,
            dashed: false,
            thick: true,
        }),
        Mark::Removed => Some(EdgePaint {
            stroke: REMOVED,
            dashed: true,
            thick: false,
        }),
        Mark::Focus | Mark::Changed | Mark::Direct | Mark::Transitive | Mark::Unknown => None,
    }
}

/// Purple for what a trace saw that nobody declares; amber for a declaration never seen.
const UNDECLARED: &str = "#7048e8";
const NOT_SEEN: &str = "#e8590c";

/// An undeclared edge a trace saw: dashed and purple, told apart from every declared edge
/// (and from a diff's red and green) with or without colour.
pub(super) const UNDECLARED_PAINT: EdgePaint = EdgePaint {
    stroke: UNDECLARED,
    dashed: true,
    thick: true,
};

/// A `consumes` edge whose traffic the trace never saw: amber, so a dead declaration stands
/// out among the live ones. Seen edges keep their usual look (`None`).
pub(super) fn observed_paint(seen: Option<u64>) -> Option<EdgePaint> {
    (seen? == 0).then_some(EdgePaint {
        stroke: NOT_SEEN,
        dashed: false,
        thick: false,
    })
}
