//! `contrail graph`: the catalog as a graph of services, events and topics — all of it, the
//! neighbourhood of one node, or what a change to an event or a field breaks.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use contrail_contracts::graph::CatalogGraph;
use contrail_contracts::graph::diff::{self, DiffEdge, GraphDiff};
use contrail_contracts::graph::impact::{self, Impact};
use contrail_contracts::observe::drift::ObservedGraph;
use contrail_site::graph::{self as draw, GroupBy, View};

use crate::baseline::Baseline;

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
    /// An SVG drawing, laid out by contrail (no Graphviz needed; see `--layout`).
    Svg,
    /// One self-contained HTML page: the SVG with pan, zoom and the facts of each node.
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LayoutArg {
    /// contrail's own layered layout.
    Builtin,
    /// Graphviz's `dot` (must be on PATH).
    Dot,
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
  contrail graph examples/shop --format svg --group-by owner > shop.svg
  contrail graph examples/shop --format html > shop.html
  contrail graph examples/shop --impact OrderPlaced.total.amountMinor
  contrail graph examples/shop --diff git:main --format mermaid
  contrail graph examples/shop --observed tests/fixtures/observed/shop-trace.json --format svg > traffic.svg")]
pub struct Args {
    /// The catalog directory (default: the nearest directory at or above the working
    /// directory that holds contrail.yaml).
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,

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

    /// What a change does to the system's shape: the services, events, topics and edges
    /// added or removed since BASELINE (`git:REF`, the catalog as committed at REF, or a
    /// directory holding an earlier copy of the catalog). Drawings show the changes and their
    /// neighbours, added in green, removed in red and dashed. With `--focus`, only the changes
    /// within `--depth` hops of that node (in either version).
    #[arg(long, value_name = "BASELINE", conflicts_with = "impact")]
    pub diff: Option<String>,

    /// Draw what a trace saw (a report of `contrail trace --format json`): each `consumes`
    /// edge of a service that produces something is labelled with how often the trace saw the
    /// service follow the event and the p50 hop latency (amber when never seen); edges event →
    /// event seen that no service declares are drawn dashed and purple.
    #[arg(long, value_name = "TRACE.json", conflicts_with_all = ["impact", "diff"])]
    pub observed: Option<PathBuf>,

    /// Cluster nodes by owning team.
    #[arg(long, value_enum, default_value_t = GroupByArg::None)]
    pub group_by: GroupByArg,

    /// Who lays out `--format svg` and `--format html`: contrail (`builtin`, the default) or
    /// Graphviz's `dot`.
    #[arg(long, value_enum, value_name = "LAYOUT")]
    pub layout: Option<LayoutArg>,
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let path = crate::catalog::resolve(args.path.as_deref())?;
    let loaded = super::load_noting_errors(&path)?;
    let catalog = &loaded.catalog;
    let graph = catalog.graph();
    let group_by = match args.group_by {
        GroupByArg::None => GroupBy::None,
        GroupByArg::Owner => GroupBy::Owner,
    };
    if args.layout.is_some() && !matches!(args.format, GraphFormat::Svg | GraphFormat::Html) {
        anyhow::bail!("`--layout` applies to `--format svg` and `--format html` only");
    }
    let layout = args.layout.unwrap_or(LayoutArg::Builtin);
    let observed = match &args.observed {
        Some(path) => {
            let report = super::observed::read_trace(path)?;
            let observed = ObservedGraph::build(&graph, &report);
            if !observed.unplaced.is_empty() {
                let edges: Vec<String> = observed
                    .unplaced
                    .iter()
                    .map(|e| format!("{} → {}", e.from, e.to))
                    .collect();
                eprintln!(
                    "note: {} seen in {} name{} an event the catalog does not declare, and {} not drawn: {}",
                    if edges.len() == 1 {
                        "1 edge".to_owned()
                    } else {
                        format!("{} edges", edges.len())
                    },
                    path.display(),
                    if edges.len() == 1 { "s" } else { "" },
                    if edges.len() == 1 { "is" } else { "are" },
                    edges.join(", ")
                );
            }
            Some(observed)
        }
        None => None,
    };
    let mut stdout = std::io::stdout().lock();
    if let Some(target) = &args.impact {
        let (event, field) = impact::parse_target(&graph, target);
        let answer = impact::impact(catalog, &graph, event, field)?;
        let view = View::impact(catalog, &graph, &answer).with_group_by(group_by);
        let text = match args.format {
            GraphFormat::Human => impact_text(&answer),
            GraphFormat::Json => json_text(&draw::impact_to_json(&answer))?,
            _ => drawing(&view, args.format, layout)?,
        };
        write!(stdout, "{text}")?;
        stdout.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(against) = &args.diff {
        let baseline = Baseline::open("--diff", against, &catalog.root)?;
        let then = (&baseline.catalog, &*baseline.catalog.graph());
        let now = (catalog, &*graph);
        let mut changes = diff::diff(then, now);
        let merged = diff::merged(then, now);
        // The focus is looked up in both versions at once, so a node either has counts.
        let focus = match &args.focus {
            Some(name) => {
                let node = merged.lookup(name)?;
                let near: std::collections::BTreeSet<String> = merged
                    .neighbourhood(node, args.depth)
                    .into_iter()
                    .map(|index| merged.node(index).id())
                    .collect();
                changes = changes.within(&near);
                Some(merged.node(node).id())
            }
            None => None,
        };
        let view =
            View::diff(catalog, &baseline.catalog, &merged, &changes).with_group_by(group_by);
        let text = match args.format {
            GraphFormat::Human => {
                let around = focus
                    .as_ref()
                    .map(|id| format!(" within {} of {id}", hops(args.depth)));
                diff_text(
                    &format!("{}{}", baseline.label, around.unwrap_or_default()),
                    &changes,
                )
            }
            GraphFormat::Json => {
                let mut json = draw::diff_to_json(&baseline.label, &changes);
                if let (Some(id), Some(map)) = (&focus, json.as_object_mut()) {
                    map.insert(
                        "focus".to_owned(),
                        serde_json::json!({"node": id, "depth": args.depth}),
                    );
                }
                json_text(&json)?
            }
            _ => drawing(&view, args.format, layout)?,
        };
        write!(stdout, "{text}")?;
        stdout.flush()?;
        // A view, not a gate: a change of shape is no failure.
        return Ok(ExitCode::SUCCESS);
    }
    let mut view = match &args.focus {
        Some(name) => View::focus(catalog, &graph, graph.lookup(name)?, args.depth),
        None => View::whole(catalog, &graph),
    }
    .with_group_by(group_by);
    if let Some(observed) = &observed {
        view = view.with_observed(observed);
    }
    let text = match args.format {
        GraphFormat::Human => listing(&view, &graph),
        GraphFormat::Json => json_text(&draw::to_json(&view))?,
        _ => drawing(&view, args.format, layout)?,
    };
    write!(stdout, "{text}")?;
    stdout.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// `1 hop`, `2 hops`.
fn hops(depth: usize) -> String {
    if depth == 1 {
        "1 hop".to_owned()
    } else {
        format!("{depth} hops")
    }
}

/// Pretty JSON with the final newline every other format ends with.
fn json_text(value: &serde_json::Value) -> anyhow::Result<String> {
    Ok(format!("{}\n", serde_json::to_string_pretty(value)?))
}

/// The view in one of the drawing formats (the same for the whole graph, a focus and an
/// impact answer); the listing and JSON differ by question and are made by the caller.
fn drawing(view: &View<'_>, format: GraphFormat, layout: LayoutArg) -> anyhow::Result<String> {
    Ok(match format {
        GraphFormat::Dot => draw::to_dot(view),
        GraphFormat::Mermaid => draw::to_mermaid(view),
        GraphFormat::Svg => svg(view, layout)?,
        GraphFormat::Html => draw::to_html(view, &svg(view, layout)?),
        GraphFormat::Human | GraphFormat::Json => {
            unreachable!("the caller renders the listing and JSON itself")
        }
    })
}

/// The view drawn as SVG by contrail's own layout or by Graphviz.
fn svg(view: &View<'_>, layout: LayoutArg) -> anyhow::Result<String> {
    match layout {
        LayoutArg::Builtin => Ok(draw::to_svg(view)?),
        LayoutArg::Dot => {
            draw::check_size(view)?;
            graphviz(&draw::to_dot(view))
        }
    }
}

/// `dot -Tsvg` on `dot`.
fn graphviz(dot: &str) -> anyhow::Result<String> {
    use std::process::{Command, Stdio};
    let mut child = match Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => anyhow::bail!(
            "`--layout dot` needs Graphviz's `dot` on PATH: install Graphviz (the `graphviz` package), or leave out `--layout dot` to use contrail's builtin layout"
        ),
        Err(error) => return Err(anyhow::Error::new(error).context("cannot run Graphviz's `dot`")),
    };
    let mut stdin = child
        .stdin
        .take()
        .ok_or_else(|| anyhow::anyhow!("cannot write to Graphviz's `dot`"))?;
    // Written from a thread so a large drawing cannot fill both pipes and stall.
    let input = dot.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output()?;
    let written = writer
        .join()
        .map_err(|_| anyhow::anyhow!("writing to Graphviz's `dot` failed"))?;
    if !output.status.success() {
        anyhow::bail!(
            "Graphviz's `dot` failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    written.map_err(|e| anyhow::Error::new(e).context("cannot write to Graphviz's `dot`"))?;
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Each drawn service with what it consumes (group, fields read, and with `--observed` what
/// the trace saw after it) and produces, then events nobody declares, then the undeclared
/// edges a trace saw.
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
                    if let Some(seen) = view
                        .observed()
                        .and_then(|observed| observed.consumption(event, index))
                    {
                        line.push_str(&format!(
                            "; observed: {}",
                            draw::consumption_label(graph, seen)
                        ));
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
    let undeclared = view.undeclared_edges();
    if !undeclared.is_empty() {
        out.push_str("observed, declared by no service:\n");
        for edge in undeclared {
            out.push_str(&format!(
                "  {} → {}: {}\n",
                graph.node(edge.from).name,
                graph.node(edge.to).name,
                draw::observation_label(&edge.observation)
            ));
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

/// A diff as lines a reviewer reads: `+` for what the change adds, `-` for what it removes,
/// nodes first, then edges.
fn diff_text(baseline: &str, changes: &GraphDiff) -> String {
    if changes.is_empty() {
        return format!("no change to the system's shape since {baseline}\n");
    }
    let mut out = format!("changes to the system's shape since {baseline}:\n");
    for (sign, side) in [('+', &changes.added), ('-', &changes.removed)] {
        for (kind, names) in [
            ("service", &side.services),
            ("event", &side.events),
            ("topic", &side.topics),
        ] {
            for name in names {
                out.push_str(&format!("{sign} {kind} {name}\n"));
            }
        }
        for edge in &side.edges {
            out.push_str(&format!("{sign} {}\n", edge_text(edge)));
        }
    }
    out
}

/// An edge in words, its subject first: `payments consumes RefundRequested (group payments)`.
fn edge_text(edge: &DiffEdge) -> String {
    use contrail_contracts::graph::EdgeKind;
    let name = |id: &str| id.split_once(':').map_or(id, |(_, n)| n).to_owned();
    let (from, to) = (name(&edge.from), name(&edge.to));
    match edge.kind {
        EdgeKind::Produces => format!("{from} produces {to}"),
        EdgeKind::Consumes => match &edge.group {
            Some(group) => format!("{to} consumes {from} (group {group})"),
            None => format!("{to} consumes {from}"),
        },
        EdgeKind::PublishedOn => format!("{from} is published on {to}"),
    }
}
