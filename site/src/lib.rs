//! contrail-site: what contrail draws and publishes, from a loaded catalog and its graph.
//!
//! Pure: catalog and graph in, text out — the CLI writes files, the registry serves the same
//! text. [`graph`] renders the catalog graph (JSON, DOT, Mermaid, SVG, HTML); [`docs`] the
//! static documentation site (`contrail docs`).

pub mod docs;
pub mod graph;
