//! `contrail graph`: the catalog as a graph of services, events and topics — all of it, the
//! neighbourhood of one node, or what a change to an event or a field breaks.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use contrail_contracts::graph::CatalogGraph;
use contrail_contracts::graph::impact::{self, Impact};
use contrail_contracts::{LoadOptions, load_paths};
use contrail_site::graph::{self as draw, GroupBy, View};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    /// A readable listing: each service with what it consumes and produces.
    Human,
    /// Nodes and edges as JSON (the interface the registry's catalog API serves).
    Json,
    /// Graphviz DOT (`| dot -Tsvg`).
    Dot,
    /// A Mermaid flowchart, rendered inline by GitHub and GitLab.
    Mermaid,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GroupByArg {
    None,
    /// One box per owning team.
    Owner,
}

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  contrail graph examples/shop --format mermaid > shop.mmd
  contrail graph examples/shop --focus payments --depth 2 --format dot | dot -Tsvg > payments.svg
  contrail graph examples/shop --impact OrderPlaced.total.amountMinor")]
pub struct Args {
    /// The catalog directory.
    #[arg(default_value = ".", value_name = "PATH")]
    pub path: PathBuf,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = GraphFormat::Human)]
    pub format: GraphFormat,

    /// Draw only this service, event or topic (a name, or an id such as `event:OrderPlaced`)
    /// and what lies within `--depth` hops of it.
    #[arg(long, value_name = "NAME")]
    pub focus: Option<String>,

    /// Hops around `--focus`.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub depth: usize,

    /// What breaks if EVENT (or one field of it: `EVENT.FIELD.PATH`) changes: the consumers
    /// that read it (direct), the services downstream of them (transitive), and the consumers
    /// that may read it but do not say (unknown).
    #[arg(long, value_name = "EVENT[.FIELD]", conflicts_with = "focus")]
    pub impact: Option<String>,

    /// Cluster nodes by owning team.
    #[arg(long, value_enum, default_value_t = GroupByArg::None)]
    pub group_by: GroupByArg,
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let loaded = load_paths(std::slice::from_ref(&args.path), LoadOptions::default())?;
    let errors = loaded.diagnostics.iter().filter(|d| d.is_error()).count();
    if errors > 0 {
        // The graph is drawn anyway: a catalog with mistakes is still worth seeing.
        eprintln!(
            "note: the catalog has {errors} error{}; `contrail validate {}` shows {}",
            if errors == 1 { "" } else { "s" },
            args.path.display(),
            if errors == 1 { "it" } else { "them" }
        );
    }
    let catalog = &loaded.catalog;
    let graph = catalog.graph();
    let group_by = match args.group_by {
        GroupByArg::None => GroupBy::None,
        GroupByArg::Owner => GroupBy::Owner,
    };
    let mut stdout = std::io::stdout().lock();
    if let Some(target) = &args.impact {
        let (event, field) = impact::parse_target(&graph, target);
        let answer = impact::impact(catalog, &graph, event, field)?;
        let view = View::impact(catalog, &graph, &answer).with_group_by(group_by);
        match args.format {
            GraphFormat::Human => write!(stdout, "{}", impact_text(&answer))?,
            GraphFormat::Json => writeln!(
                stdout,
                "{}",
                serde_json::to_string_pretty(&draw::impact_to_json(&answer))?
            )?,
            GraphFormat::Dot => write!(stdout, "{}", draw::to_dot(&view))?,
            GraphFormat::Mermaid => write!(stdout, "{}", draw::to_mermaid(&view))?,
        }
        stdout.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    let view = match &args.focus {
        Some(name) => View::focus(catalog, &graph, graph.lookup(name)?, args.depth),
        None => View::whole(catalog, &graph),
    }
    .with_group_by(group_by);
    match args.format {
        GraphFormat::Human => write!(stdout, "{}", listing(&view, &graph))?,
        GraphFormat::Json => writeln!(
            stdout,
            "{}",
            serde_json::to_string_pretty(&draw::to_json(&view))?
        )?,
        GraphFormat::Dot => write!(stdout, "{}", draw::to_dot(&view))?,
        GraphFormat::Mermaid => write!(stdout, "{}", draw::to_mermaid(&view))?,
    }
    stdout.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Each drawn service with what it consumes (group, fields read) and produces, then events
/// nobody declares.
fn listing(view: &View<'_>, graph: &CatalogGraph) -> String {
    use contrail_contracts::graph::NodeKind;
    let mut out = String::new();
    for (index, node) in view.nodes() {
        match node.kind {
            NodeKind::Service => {
                out.push_str(&node.name);
                if let Some(owner) = &node.owner {
                    out.push_str(&format!(" ({owner})"));
                }
                out.push('\n');
                for event in graph.consumed_by(index) {
                    if !view.contains(event) {
                        continue;
                    }
                    let event_name = &graph.node(event).name;
                    let consumption = view
                        .catalog
                        .consumers_of(event_name)
                        .find(|(s, _)| s.name.value == node.name);
                    let mut line = format!("  consumes {event_name}");
                    if let Some((_, consumes)) = consumption {
                        if let Some(group) = &consumes.group {
                            line.push_str(&format!(" as {}", group.value));
                        }
                        if !consumes.reads.is_empty() {
                            let reads: Vec<&str> =
                                consumes.reads.iter().map(|r| r.value.as_str()).collect();
                            line.push_str(&format!(", reads {}", reads.join(", ")));
                        }
                    }
                    out.push_str(&line);
                    out.push('\n');
                }
                for event in graph.produced_by(index) {
                    if view.contains(event) {
                        out.push_str(&format!("  produces {}\n", graph.node(event).name));
                    }
                }
            }
            NodeKind::Event if node.is_dangling() => {
                out.push_str(&format!(
                    "{} (named by a service, declared by no contract)\n",
                    node.name
                ));
            }
            NodeKind::Event | NodeKind::Topic => {}
        }
    }
    out
}

/// The impact answer as lines a reviewer reads.
fn impact_text(answer: &Impact) -> String {
    let what = match &answer.field {
        Some(field) => format!("`{field}` of `{}`", answer.event),
        None => format!("`{}`", answer.event),
    };
    let list = |names: &[String]| {
        if names.is_empty() {
            "none".to_owned()
        } else {
            names.join(", ")
        }
    };
    let mut out = format!("changing {what} affects:\n");
    out.push_str(&format!("  direct      {}\n", list(&answer.direct)));
    out.push_str(&format!("  transitive  {}\n", list(&answer.transitive)));
    out.push_str(&format!("  via events  {}\n", list(&answer.events)));
    if !answer.unknown.is_empty() {
        out.push_str(&format!(
            "  unknown     {} (they declare neither `reads` nor a reader schema)\n",
            answer.unknown.join(", ")
        ));
    }
    out
}
