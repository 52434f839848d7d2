//! The pages of the site, each built as a [`Doc`] from the catalog, its graph and findings.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use contrail_contracts::graph::{CatalogGraph, Node, NodeKind};
use contrail_contracts::model::{Catalog, Consumes, Event, Service};
use contrail_contracts::schema::SchemaFormat;
use contrail_contracts::{Diagnostic, Severity, Summary};
use petgraph::graph::NodeIndex;

use super::doc::{Block, Doc, Inline, Line, blocks_html, escape_html, root_prefix};
use super::schema_table::{self, AvroNames};
use super::search::Entry;
use super::{SiteOptions, directory, graph_svg, slugs};
use contrail_contracts::parallel::map_in_order;

/// Everything the pages are built from, with the file names chosen once.
pub(crate) struct Site<'a> {
    catalog: &'a Catalog,
    graph: &'a CatalogGraph,
    findings: &'a [Diagnostic],
    history: &'a BTreeMap<String, Vec<super::SchemaRevision>>,
    title: String,
    /// File names per node kind, then owners.
    names: [BTreeMap<String, String>; 3],
    owners: BTreeMap<String, String>,
    /// Which page's "Findings" section each finding belongs to: indices into `findings`.
    attached: BTreeMap<NodeIndex, Vec<usize>>,
    avro_names: AvroNames,
    /// The trace shown on the pages, laid onto the graph.
    observed: Option<contrail_contracts::observe::drift::ObservedGraph>,
}

impl std::fmt::Debug for Site<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Site").field("title", &self.title).finish()
    }
}

fn heading(level: u8, text: &str, id: &str) -> Block {
    Block::Heading {
        level,
        text: text.to_owned(),
        id: id.to_owned(),
    }
}

/// A paragraph of plain text; a run between backticks becomes code.
fn para(text: impl Into<String>) -> Block {
    let text = text.into();
    let line = text
        .split('`')
        .enumerate()
        .filter(|(_, part)| !part.is_empty())
        .map(|(i, part)| {
            if i % 2 == 1 {
                Inline::code(part)
            } else {
                Inline::text(part)
            }
        })
        .collect();
    Block::Para(line)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl<'a> Site<'a> {
    pub(crate) fn new(
        catalog: &'a Catalog,
        graph: &'a CatalogGraph,
        findings: &'a [Diagnostic],
        options: &'a SiteOptions,
    ) -> Site<'a> {
        let names_of = |kind: NodeKind| {
            slugs(
                graph
                    .nodes()
                    .filter(|(_, n)| n.kind == kind)
                    .map(|(_, n)| n.name.as_str()),
            )
        };
        let names = [
            names_of(NodeKind::Service),
            names_of(NodeKind::Event),
            names_of(NodeKind::Topic),
        ];
        let owners = slugs(graph.nodes().filter_map(|(_, n)| n.owner.as_deref()));
        let title = options
            .title
            .clone()
            .or_else(|| catalog.config.name.as_ref().map(|n| n.value.clone()))
            .unwrap_or_else(|| "catalog".to_owned());
        let mut site = Site {
            catalog,
            graph,
            findings,
            history: &options.history,
            title,
            names,
            owners,
            attached: BTreeMap::new(),
            avro_names: AvroNames::of(&catalog.schemas),
            observed: super::traffic::build(graph, options.observed.as_ref()),
        };
        site.attach_findings();
        site
    }

    /// Gives each finding to the declaration it points into: the last event or service declared
    /// at or before its line in its file, or the events whose schema file it is in.
    fn attach_findings(&mut self) {
        // Declarations and schema users by file, in graph order: findings are matched against
        // their own file's declarations only (scanning every declaration for every finding was
        // quadratic, most of `contrail docs`' time on a catalog of 10,000 events).
        let mut declarations: HashMap<&Path, Vec<(u32, NodeIndex)>> = HashMap::new();
        let mut schema_users: HashMap<&Path, Vec<NodeIndex>> = HashMap::new();
        for (index, node) in self.graph.nodes() {
            let Some(declared) = node.declared else {
                continue;
            };
            match node.kind {
                NodeKind::Service => {
                    if let Some(s) = self.catalog.services.get(declared) {
                        declarations
                            .entry(s.location.file.as_path())
                            .or_default()
                            .push((s.location.start.line, index));
                    }
                }
                NodeKind::Event => {
                    if let Some(e) = self.catalog.events.get(declared) {
                        declarations
                            .entry(e.location.file.as_path())
                            .or_default()
                            .push((e.location.start.line, index));
                        if let Some(id) = e.schema.as_ref().and_then(|s| s.id) {
                            schema_users
                                .entry(self.catalog.schemas.get(id).file.as_path())
                                .or_default()
                                .push(index);
                        }
                    }
                }
                NodeKind::Topic => {}
            }
        }
        for (i, finding) in self.findings.iter().enumerate() {
            let Some(location) = &finding.location else {
                continue;
            };
            let in_file = declarations
                .get(location.file.as_path())
                .map_or(&[][..], Vec::as_slice);
            let owner = in_file
                .iter()
                .filter(|(line, _)| *line <= location.start.line)
                .max_by_key(|(line, _)| *line)
                .or_else(|| in_file.first())
                .map(|(_, node)| vec![*node])
                .unwrap_or_else(|| {
                    schema_users
                        .get(location.file.as_path())
                        .cloned()
                        .unwrap_or_default()
                });
            for node in owner {
                self.attached.entry(node).or_default().push(i);
            }
        }
    }

    /// The page path (from the root, no extension) of a node.
    fn node_page(&self, node: &Node) -> String {
        let slug = self.names[node.kind as usize]
            .get(&node.name)
            .map_or("_", String::as_str);
        format!("{}/{slug}", directory(node.kind))
    }

    /// The trace the pages show, if any.
    pub(crate) fn observed(&self) -> Option<&contrail_contracts::observe::drift::ObservedGraph> {
        self.observed.as_ref()
    }

    pub(crate) fn graph(&self) -> &CatalogGraph {
        self.graph
    }

    pub(crate) fn node_link(&self, index: NodeIndex) -> Inline {
        let node = self.graph.node(index);
        Inline::link(&node.name, self.node_page(node))
    }

    fn named_link(&self, kind: NodeKind, name: &str) -> Inline {
        match self.graph.find(kind, name) {
            Some(index) => self.node_link(index),
            None => Inline::code(name),
        }
    }

    fn owner_link(&self, owner: &str) -> Inline {
        match self.owners.get(owner) {
            Some(slug) => Inline::link(owner, format!("owners/{slug}")),
            None => Inline::text(owner),
        }
    }

    /// Every page, made into `R` by `render` and handed to `each` as it is built (a large
    /// catalog's pages are never all in memory at once), then the search index entries. Node
    /// pages are built and rendered on every core, a chunk at a time, and handed over in
    /// catalog order whatever the number of cores.
    pub(crate) fn docs<R: Send, E>(
        &self,
        render: impl Fn(Doc) -> R + Sync,
        mut each: impl FnMut(R) -> Result<(), E>,
    ) -> Result<Vec<Entry>, E> {
        for doc in [self.index(), self.system(), self.findings_page(), search()] {
            each(render(doc))?;
        }
        let mut entries = Vec::new();
        let nodes: Vec<NodeIndex> = self.graph.nodes().map(|(index, _)| index).collect();
        // Big enough to keep both cores busy, small enough that a chunk's pages stay a few MB.
        const CHUNK: usize = 512;
        for chunk in nodes.chunks(CHUNK) {
            let built = map_in_order(chunk, 16, |&index| {
                let node = self.graph.node(index);
                let (doc, entry) = match node.kind {
                    NodeKind::Service => self.service(index, node),
                    NodeKind::Event => self.event(index, node),
                    NodeKind::Topic => self.topic(index, node),
                };
                (render(doc), entry)
            });
            for (rendered, entry) in built {
                each(rendered)?;
                entries.push(entry);
            }
        }
        for (owner, slug) in &self.owners {
            let doc = self.owner(owner, slug);
            entries.push(Entry {
                title: owner.clone(),
                kind: "owner",
                url: format!("{}.html", doc.path),
                text: String::new(),
                fields: Vec::new(),
            });
            each(render(doc))?;
        }
        entries.sort_by(|a, b| (a.kind, &a.title).cmp(&(b.kind, &b.title)));
        Ok(entries)
    }

    /// The HTML page around a document's content.
    pub(crate) fn frame(&self, doc: &Doc) -> String {
        let root = root_prefix(&doc.path);
        let site = escape_html(&self.title);
        let title = escape_html(&doc.title);
        let scripts = if doc.path == "search" {
            format!(
                "<script src=\"{root}search-index.js\"></script>\n<script src=\"{root}search.js\"></script>\n"
            )
        } else {
            String::new()
        };
        format!(
            "<!doctype html>
<html lang=\"en\">
<head>
<meta charset=\"utf-8\">
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">
<title>{title} · {site}</title>
<link rel=\"stylesheet\" href=\"{root}style.css\">
</head>
<body>
<header class=\"site\">
<a class=\"home\" href=\"{root}index.html\">{site}</a>
<nav aria-label=\"Site\"><a href=\"{root}index.html\">Index</a> <a href=\"{root}system.html\">System</a> <a href=\"{root}findings.html\">Findings</a></nav>
<form class=\"search\" role=\"search\" action=\"{root}search.html\" method=\"get\"><label class=\"visually-hidden\" for=\"q\">Search</label><input id=\"q\" type=\"search\" name=\"q\" placeholder=\"Search events, services, fields\" autocomplete=\"off\"></form>
</header>
<main>
<p class=\"kind\">{kind}</p>
<h1>{title}</h1>
{content}</main>
<footer><a href=\"{root}index.html\">← Back to the index</a> · generated by contrail docs</footer>
{scripts}</body>
</html>
",
            kind = escape_html(doc.kind),
            content = blocks_html(doc),
        )
    }

    fn index(&self) -> Doc {
        let mut blocks = Vec::new();
        let count = |kind: NodeKind| self.graph.nodes().filter(|(_, n)| n.kind == kind).count();
        let summary = Summary::of(self.findings);
        blocks.push(Block::Facts(vec![
            (
                "Services".to_owned(),
                vec![Inline::anchored(
                    count(NodeKind::Service).to_string(),
                    "index",
                    "services",
                )],
            ),
            (
                "Events".to_owned(),
                vec![Inline::anchored(
                    count(NodeKind::Event).to_string(),
                    "index",
                    "events",
                )],
            ),
            (
                "Topics".to_owned(),
                vec![Inline::anchored(
                    count(NodeKind::Topic).to_string(),
                    "index",
                    "topics",
                )],
            ),
            (
                "Owners".to_owned(),
                vec![Inline::anchored(
                    self.owners.len().to_string(),
                    "index",
                    "owners",
                )],
            ),
        ]));
        blocks.push(heading(2, "Findings", "findings"));
        blocks.push(Block::Facts(vec![
            (
                "Errors".to_owned(),
                vec![Inline::anchored(
                    summary.errors.to_string(),
                    "findings",
                    "error",
                )],
            ),
            (
                "Warnings".to_owned(),
                vec![Inline::anchored(
                    summary.warnings.to_string(),
                    "findings",
                    "warning",
                )],
            ),
            (
                "Infos".to_owned(),
                vec![Inline::anchored(
                    summary.infos.to_string(),
                    "findings",
                    "info",
                )],
            ),
        ]));
        blocks.push(Block::Para(vec![
            Inline::text("The whole system as a graph: "),
            Inline::link("System", "system"),
            Inline::text("."),
        ]));

        blocks.push(heading(2, "Services", "services"));
        let rows = self
            .graph
            .nodes()
            .filter(|(_, n)| n.kind == NodeKind::Service)
            .map(|(index, node)| {
                vec![
                    vec![self.node_link(index)],
                    node.owner
                        .as_deref()
                        .map(|o| vec![self.owner_link(o)])
                        .unwrap_or_default(),
                    vec![Inline::text(
                        self.graph.produced_by(index).len().to_string(),
                    )],
                    vec![Inline::text(
                        self.graph.consumed_by(index).len().to_string(),
                    )],
                    self.finding_count(index),
                ]
            })
            .collect();
        blocks.push(Block::Table {
            head: vec![
                "Service".into(),
                "Owner".into(),
                "Produces".into(),
                "Consumes".into(),
                "Findings".into(),
            ],
            rows,
        });

        blocks.push(heading(2, "Events", "events"));
        let rows = self
            .graph
            .nodes()
            .filter(|(_, n)| n.kind == NodeKind::Event)
            .map(|(index, node)| {
                let event = node.declared.and_then(|i| self.catalog.events.get(i));
                vec![
                    vec![self.node_link(index)],
                    event
                        .and_then(|e| e.kind.as_ref())
                        .map(|k| vec![Inline::text(k.value.to_string())])
                        .unwrap_or_else(|| {
                            if node.is_dangling() {
                                vec![Inline::text("not declared")]
                            } else {
                                Vec::new()
                            }
                        }),
                    node.topic
                        .as_deref()
                        .map(|t| vec![self.named_link(NodeKind::Topic, t)])
                        .unwrap_or_default(),
                    node.owner
                        .as_deref()
                        .map(|o| vec![self.owner_link(o)])
                        .unwrap_or_default(),
                    self.finding_count(index),
                ]
            })
            .collect();
        blocks.push(Block::Table {
            head: vec![
                "Event".into(),
                "Kind".into(),
                "Topic".into(),
                "Owner".into(),
                "Findings".into(),
            ],
            rows,
        });

        blocks.push(heading(2, "Topics", "topics"));
        let topics: Vec<Line> = self
            .graph
            .nodes()
            .filter(|(_, n)| n.kind == NodeKind::Topic)
            .map(|(index, node)| {
                let events = self.events_on(&node.name).len();
                vec![
                    self.node_link(index),
                    Inline::text(format!(" ({})", plural(events, "event", "events"))),
                ]
            })
            .collect();
        blocks.push(list_or_none(topics, "No topics."));

        blocks.push(heading(2, "Owners", "owners"));
        let owners: Vec<Line> = self
            .owners
            .keys()
            .map(|owner| {
                let (services, events) = self.owned_by(owner);
                vec![
                    self.owner_link(owner),
                    Inline::text(format!(
                        " ({}, {})",
                        plural(services.len(), "service", "services"),
                        plural(events.len(), "event", "events")
                    )),
                ]
            })
            .collect();
        blocks.push(list_or_none(owners, "No owners declared."));
        Doc {
            path: "index".to_owned(),
            title: self.title.clone(),
            kind: "catalog",
            blocks,
        }
    }

    fn finding_count(&self, index: NodeIndex) -> Line {
        let n = self.attached.get(&index).map_or(0, Vec::len);
        if n == 0 {
            vec![Inline::text("0")]
        } else {
            vec![Inline::anchored(
                n.to_string(),
                self.node_page(self.graph.node(index)),
                "findings",
            )]
        }
    }

    /// The services and event nodes an owner owns.
    fn owned_by(&self, owner: &str) -> (Vec<NodeIndex>, Vec<NodeIndex>) {
        let of = |kind: NodeKind| {
            self.graph
                .nodes()
                .filter(|(_, n)| n.kind == kind && n.owner.as_deref() == Some(owner))
                .map(|(i, _)| i)
                .collect()
        };
        (of(NodeKind::Service), of(NodeKind::Event))
    }

    fn events_on(&self, topic: &str) -> Vec<NodeIndex> {
        self.graph
            .nodes()
            .filter(|(_, n)| n.kind == NodeKind::Event && n.topic.as_deref() == Some(topic))
            .map(|(i, _)| i)
            .collect()
    }

    fn graph_block(&self, focus: Option<NodeIndex>, blocks: &mut Vec<Block>) {
        if let Some((svg, mermaid)) = graph_svg(self.catalog, self.graph, focus) {
            blocks.push(heading(2, "Graph", "graph"));
            blocks.push(Block::Drawing { svg, mermaid });
        }
    }

    fn system(&self) -> Doc {
        let mut blocks = Vec::new();
        self.graph_block(None, &mut blocks);
        let view = crate::graph::View::whole(self.catalog, self.graph);
        blocks.push(heading(2, "Flows", "flows"));
        let mut flows = Vec::new();
        for (index, node) in self.graph.nodes() {
            if node.kind != NodeKind::Event {
                continue;
            }
            let producers = self.graph.producers(index);
            let consumers = self.graph.consumers(index);
            let mut line = Vec::new();
            join_links(
                &mut line,
                producers.iter().map(|&p| self.node_link(p)),
                "nobody",
            );
            line.push(Inline::text(" → "));
            line.push(self.node_link(index));
            line.push(Inline::text(" → "));
            join_links(
                &mut line,
                consumers.iter().map(|&c| self.node_link(c)),
                "nobody",
            );
            flows.push(line);
        }
        blocks.push(list_or_none(flows, "No events."));
        blocks.push(heading(2, "Mermaid", "mermaid"));
        // Past the size the SVG is refused at, no one reads the drawing and Mermaid's own
        // renderer gives up (500 edges by default): a pointer to a smaller drawing instead.
        if view.len() > crate::graph::MAX_DRAWN_NODES {
            blocks.push(para(format!(
                "The whole system has {} services, events and topics, too many to read in one \
                 drawing. Draw a part of it with `contrail graph --focus NAME --depth N --format \
                 mermaid`, or what one event reaches with `contrail graph --impact EVENT --format \
                 mermaid`.",
                view.len()
            )));
        } else {
            blocks.push(para(
                "The same graph as a Mermaid flowchart (`contrail graph --format mermaid`); paste \
                 it into a Markdown file on GitHub or GitLab to see it drawn.",
            ));
            blocks.push(Block::Pre {
                lang: "mermaid".to_owned(),
                text: crate::graph::to_mermaid(&view),
            });
        }
        Doc {
            path: "system".to_owned(),
            title: "The whole system".to_owned(),
            kind: "system",
            blocks,
        }
    }

    fn findings_table(&self, indices: &[usize]) -> Block {
        let rows = indices
            .iter()
            .filter_map(|&i| self.findings.get(i))
            .map(|d| {
                let mut message = vec![Inline::text(&d.message)];
                if let Some(help) = &d.help {
                    message.push(Inline::text(format!(" — {help}")));
                }
                vec![
                    vec![if d.severity == Severity::Error {
                        Inline::Strong(d.severity.as_str().to_owned())
                    } else {
                        Inline::text(d.severity.as_str())
                    }],
                    vec![Inline::anchored(d.code.code, "findings", d.code.code)],
                    message,
                    d.location
                        .as_ref()
                        .map(|l| vec![Inline::code(l.to_string())])
                        .unwrap_or_default(),
                ]
            })
            .collect();
        Block::Table {
            head: vec![
                "Severity".into(),
                "Code".into(),
                "Finding".into(),
                "Where".into(),
            ],
            rows,
        }
    }

    fn findings_section(&self, index: NodeIndex, blocks: &mut Vec<Block>) {
        blocks.push(heading(2, "Findings", "findings"));
        match self.attached.get(&index) {
            Some(found) if !found.is_empty() => blocks.push(self.findings_table(found)),
            _ => blocks.push(para("No findings.")),
        }
    }

    fn findings_page(&self) -> Doc {
        let mut blocks = vec![para(
            "What `contrail validate` and `contrail lint` report for this catalog. \
             `contrail explain CODE` tells more about each code.",
        )];
        for (severity, title) in [
            (Severity::Error, "Errors"),
            (Severity::Warning, "Warnings"),
            (Severity::Info, "Infos"),
        ] {
            blocks.push(heading(2, title, severity.as_str()));
            let found: Vec<usize> = (0..self.findings.len())
                .filter(|&i| self.findings[i].severity == severity)
                .collect();
            if found.is_empty() {
                blocks.push(para("None."));
            } else {
                blocks.push(self.findings_table(&found));
            }
        }
        blocks.push(heading(2, "Codes", "codes"));
        let mut codes = BTreeMap::new();
        for d in self.findings {
            codes.entry(d.code.code).or_insert(d.code);
        }
        for (code, info) in codes {
            blocks.push(heading(3, &format!("{code} {}", info.name), code));
            blocks.push(Block::Para(vec![
                Inline::text(format!("{} ", info.summary)),
                Inline::code(format!("contrail explain {code}")),
            ]));
        }
        Doc {
            path: "findings".to_owned(),
            title: "Findings".to_owned(),
            kind: "lint and validation",
            blocks,
        }
    }

    fn event(&self, index: NodeIndex, node: &Node) -> (Doc, Entry) {
        let mut blocks = Vec::new();
        let event = node.declared.and_then(|i| self.catalog.events.get(i));
        let mut fields = Vec::new();
        let mut text = String::new();
        match event {
            Some(event) => {
                if let Some(description) = &event.description {
                    blocks.push(para(description));
                    text.clone_from(description);
                }
                blocks.push(Block::Facts(self.event_facts(event, node)));
                self.graph_block(Some(index), &mut blocks);
                self.headers(event, &mut blocks);
                fields = self.schema(event, &mut blocks);
                self.schema_history(event, &mut blocks);
                self.examples(event, &mut blocks);
            }
            None => blocks.push(para(
                "Named by a service, declared by no contract: there is no schema or owner to show.",
            )),
        }
        blocks.push(heading(2, "Producers", "producers"));
        let producers: Vec<Line> = self
            .graph
            .producers(index)
            .into_iter()
            .map(|p| vec![self.node_link(p)])
            .collect();
        blocks.push(list_or_none(producers, "No producer in the catalog."));
        blocks.push(heading(2, "Consumers", "consumers"));
        let consumers: Vec<(&Service, &Consumes)> = self
            .graph
            .consuming_declarations(index)
            .into_iter()
            .filter_map(|(s, c)| {
                let service = self.catalog.services.get(s)?;
                Some((service, service.consumes.get(c)?))
            })
            .collect();
        if consumers.is_empty() {
            blocks.push(para("No consumer in the catalog."));
        } else {
            let rows = consumers
                .iter()
                .map(|(service, consumes)| {
                    let mut row = vec![vec![
                        self.named_link(NodeKind::Service, &service.name.value),
                    ]];
                    row.extend(consumer_cells(consumes));
                    row
                })
                .collect();
            blocks.push(Block::Table {
                head: consumer_head("Service"),
                rows,
            });
        }
        self.traffic_section(index, &mut blocks);
        self.findings_section(index, &mut blocks);
        let doc = Doc {
            path: self.node_page(node),
            title: node.name.clone(),
            kind: "event",
            blocks,
        };
        let entry = Entry {
            title: node.name.clone(),
            kind: "event",
            url: format!("{}.html", doc.path),
            text,
            fields,
        };
        (doc, entry)
    }

    fn event_facts(&self, event: &Event, node: &Node) -> Vec<(String, Line)> {
        let defaults = &self.catalog.config.defaults;
        let mut facts: Vec<(String, Line)> = Vec::new();
        let mut fact = |label: &str, value: Line| facts.push((label.to_owned(), value));
        if let Some(kind) = &event.kind {
            fact("Kind", vec![Inline::text(kind.value.to_string())]);
        }
        if let Some(topic) = &event.topic {
            let mut line = vec![self.named_link(NodeKind::Topic, &topic.value)];
            if event.topic_is_channel_key {
                line.push(Inline::text(
                    " (AsyncAPI channel; address known at runtime)",
                ));
            }
            fact("Topic", line);
        }
        if let Some(key) = &event.key {
            fact("Key", vec![Inline::code(&key.value)]);
        }
        if let Some(owner) = &node.owner {
            let mut line = vec![self.owner_link(owner)];
            if event.owner.is_none() {
                line.push(Inline::text(" (catalog default)"));
            }
            fact("Owner", line);
        }
        if let Some(version) = &event.version {
            fact("Version", vec![Inline::text(&version.value)]);
        }
        match (&event.compatibility, &defaults.compatibility) {
            (Some(mode), _) => fact("Compatibility", vec![Inline::text(mode.value.to_string())]),
            (None, Some(mode)) => fact(
                "Compatibility",
                vec![Inline::text(format!("{} (catalog default)", mode.value))],
            ),
            (None, None) => {}
        }
        if let Some(retention) = &event.retention {
            fact("Retention", vec![Inline::text(retention.value.to_string())]);
        }
        match (&event.correlation, &defaults.correlation) {
            (Some(c), _) => fact("Correlation id", vec![Inline::text(c.value.to_string())]),
            (None, Some(c)) => fact(
                "Correlation id",
                vec![Inline::text(format!("{} (catalog default)", c.value))],
            ),
            (None, None) => {}
        }
        if let Some(envelope) = event.envelope.as_ref().or(defaults.envelope.as_ref()) {
            fact("Envelope", vec![Inline::text(envelope.value.to_string())]);
        }
        if let Some(subject) = &event.subject {
            fact("Subject", vec![Inline::code(&subject.value)]);
        }
        if let Some(schema) = &event.schema {
            let format = schema
                .id
                .map(|id| self.catalog.schemas.get(id).format.to_string());
            let mut line = vec![Inline::code(&schema.written.value)];
            if let Some(format) = format {
                line.push(Inline::text(format!(" ({format})")));
            }
            fact("Schema", line);
        }
        if event.public {
            fact(
                "Public",
                vec![Inline::text("yes: consumed outside the catalog")],
            );
        }
        fact(
            "Declared in",
            vec![Inline::code(event.location.to_string())],
        );
        facts
    }

    fn headers(&self, event: &Event, blocks: &mut Vec<Block>) {
        let Some(headers) = &event.headers else {
            return;
        };
        blocks.push(heading(2, "Headers", "headers"));
        let rows = headers
            .declared
            .iter()
            .map(|h| {
                vec![
                    vec![Inline::code(&h.name.value)],
                    vec![Inline::text(if h.required { "yes" } else { "no" })],
                    vec![Inline::text(h.description.clone().unwrap_or_default())],
                ]
            })
            .collect();
        blocks.push(Block::Table {
            head: vec!["Header".into(), "Required".into(), "Description".into()],
            rows,
        });
        blocks.push(para(if headers.closed {
            "No other header may travel."
        } else {
            "Other headers (tracing, for example) may travel too."
        }));
    }

    /// The payload schema section; returns the field paths for the search index.
    fn schema(&self, event: &Event, blocks: &mut Vec<Block>) -> Vec<String> {
        let Some(reference) = &event.schema else {
            return Vec::new();
        };
        blocks.push(heading(2, "Payload schema", "schema"));
        let Some(id) = reference.id else {
            blocks.push(Block::Para(vec![
                Inline::code(&reference.written.value),
                Inline::text(" could not be loaded; see the findings below."),
            ]));
            return Vec::new();
        };
        let schema = self.catalog.schemas.get(id);
        blocks.push(Block::Para(vec![
            Inline::text(format!("{} from ", schema.format)),
            Inline::code(schema.display_name()),
            Inline::text("."),
        ]));
        match schema_table::rows(schema, &self.avro_names) {
            Some(rows) if !rows.is_empty() => {
                let fields = rows.iter().map(|r| r.path.clone()).collect();
                let rows = rows
                    .into_iter()
                    .map(|r| {
                        vec![
                            vec![Inline::code(r.path)],
                            vec![Inline::code(r.ty)],
                            r.default.map(|d| vec![Inline::code(d)]).unwrap_or_default(),
                            vec![Inline::text(if r.required { "yes" } else { "no" })],
                            vec![Inline::text(r.doc.unwrap_or_default())],
                        ]
                    })
                    .collect();
                blocks.push(Block::Table {
                    head: vec![
                        "Field".into(),
                        "Type".into(),
                        "Default".into(),
                        "Required".into(),
                        "Description".into(),
                    ],
                    rows,
                });
                fields
            }
            _ => {
                let text = match (schema.format, &schema.text, &schema.json) {
                    (_, Some(text), _) => text.clone(),
                    (_, None, Some(json)) => serde_json::to_string_pretty(json).unwrap_or_default(),
                    _ => String::new(),
                };
                let lang = match schema.format {
                    SchemaFormat::Protobuf => "protobuf",
                    SchemaFormat::Avro | SchemaFormat::JsonSchema => "json",
                };
                blocks.push(Block::Pre {
                    lang: lang.to_owned(),
                    text,
                });
                Vec::new()
            }
        }
    }

    fn schema_history(&self, event: &Event, blocks: &mut Vec<Block>) {
        let Some(revisions) = self.history.get(&event.name.value) else {
            return;
        };
        if revisions.is_empty() {
            return;
        }
        blocks.push(heading(3, "Schema history", "schema-history"));
        blocks.push(para(
            "The schema file as committed, newest first, each checked against the version \
             before it under the event's compatibility mode.",
        ));
        let rows = revisions
            .iter()
            .map(|r| {
                vec![
                    vec![Inline::code(&r.commit)],
                    vec![Inline::text(&r.date)],
                    vec![Inline::text(&r.subject)],
                    vec![Inline::text(
                        r.verdict.as_deref().unwrap_or("oldest version shown"),
                    )],
                ]
            })
            .collect();
        blocks.push(Block::Table {
            head: vec![
                "Commit".into(),
                "Date".into(),
                "Message".into(),
                "Against the version before".into(),
            ],
            rows,
        });
    }

    fn examples(&self, event: &Event, blocks: &mut Vec<Block>) {
        if event.examples.is_empty() {
            return;
        }
        blocks.push(heading(2, "Examples", "examples"));
        for (i, example) in event.examples.iter().enumerate() {
            let name = example
                .name
                .clone()
                .unwrap_or_else(|| format!("Example {}", i + 1));
            blocks.push(heading(3, &name, &format!("example-{}", i + 1)));
            blocks.push(Block::Pre {
                lang: "json".to_owned(),
                text: serde_json::to_string_pretty(&example.payload).unwrap_or_default(),
            });
        }
    }

    fn service(&self, index: NodeIndex, node: &Node) -> (Doc, Entry) {
        let mut blocks = Vec::new();
        let service = node.declared.and_then(|i| self.catalog.services.get(i));
        let mut text = String::new();
        if let Some(service) = service {
            if let Some(description) = &service.description {
                blocks.push(para(description));
                text.clone_from(description);
            }
            let mut facts = Vec::new();
            if let Some(owner) = &service.owner {
                facts.push(("Owner".to_owned(), vec![self.owner_link(&owner.value)]));
            }
            facts.push((
                "Declared in".to_owned(),
                vec![Inline::code(service.location.to_string())],
            ));
            blocks.push(Block::Facts(facts));
        }
        self.graph_block(Some(index), &mut blocks);
        blocks.push(heading(2, "Produces", "produces"));
        let produces: Vec<Line> = self
            .graph
            .produced_by(index)
            .into_iter()
            .map(|e| {
                let mut line = vec![self.node_link(e)];
                if let Some(topic) = &self.graph.node(e).topic {
                    line.push(Inline::text(" on "));
                    line.push(self.named_link(NodeKind::Topic, topic));
                }
                line
            })
            .collect();
        blocks.push(list_or_none(produces, "Nothing."));
        blocks.push(heading(2, "Consumes", "consumes"));
        match service {
            Some(service) if !service.consumes.is_empty() => {
                let rows = service
                    .consumes
                    .iter()
                    .map(|consumes| {
                        let mut row = vec![vec![
                            self.named_link(NodeKind::Event, &consumes.event.value),
                        ]];
                        row.extend(consumer_cells(consumes));
                        row
                    })
                    .collect();
                blocks.push(Block::Table {
                    head: consumer_head("Event"),
                    rows,
                });
            }
            _ => blocks.push(para("Nothing.")),
        }
        self.traffic_section(index, &mut blocks);
        self.findings_section(index, &mut blocks);
        let doc = Doc {
            path: self.node_page(node),
            title: node.name.clone(),
            kind: "service",
            blocks,
        };
        let entry = Entry {
            title: node.name.clone(),
            kind: "service",
            url: format!("{}.html", doc.path),
            text,
            fields: Vec::new(),
        };
        (doc, entry)
    }

    fn topic(&self, index: NodeIndex, node: &Node) -> (Doc, Entry) {
        let mut blocks = Vec::new();
        self.graph_block(Some(index), &mut blocks);
        let events = self.events_on(&node.name);
        blocks.push(heading(2, "Events", "events"));
        let lines: Vec<Line> = events.iter().map(|&e| vec![self.node_link(e)]).collect();
        blocks.push(list_or_none(lines, "No events."));
        let mut producers = BTreeSet::new();
        let mut consumers = BTreeSet::new();
        for &event in &events {
            producers.extend(self.graph.producers(event));
            consumers.extend(self.graph.consumers(event));
        }
        blocks.push(heading(2, "Producers", "producers"));
        let lines: Vec<Line> = producers.iter().map(|&s| vec![self.node_link(s)]).collect();
        blocks.push(list_or_none(lines, "No producer in the catalog."));
        blocks.push(heading(2, "Consumers", "consumers"));
        let lines: Vec<Line> = consumers.iter().map(|&s| vec![self.node_link(s)]).collect();
        blocks.push(list_or_none(lines, "No consumer in the catalog."));
        let doc = Doc {
            path: self.node_page(node),
            title: node.name.clone(),
            kind: "topic",
            blocks,
        };
        let entry = Entry {
            title: node.name.clone(),
            kind: "topic",
            url: format!("{}.html", doc.path),
            text: String::new(),
            fields: Vec::new(),
        };
        (doc, entry)
    }

    fn owner(&self, owner: &str, slug: &str) -> Doc {
        let (services, events) = self.owned_by(owner);
        let mut blocks = vec![heading(2, "Services", "services")];
        let lines: Vec<Line> = services.iter().map(|&s| vec![self.node_link(s)]).collect();
        blocks.push(list_or_none(lines, "No services."));
        blocks.push(heading(2, "Events", "events"));
        let lines: Vec<Line> = events.iter().map(|&e| vec![self.node_link(e)]).collect();
        blocks.push(list_or_none(lines, "No events."));
        let found: usize = services
            .iter()
            .chain(&events)
            .map(|n| self.attached.get(n).map_or(0, Vec::len))
            .sum();
        blocks.push(heading(2, "Findings", "findings"));
        blocks.push(para(format!(
            "{} on what this team owns (listed on each page).",
            plural(found, "finding", "findings")
        )));
        Doc {
            path: format!("owners/{slug}"),
            title: owner.to_owned(),
            kind: "owner",
            blocks,
        }
    }
}

fn search() -> Doc {
    Doc {
        path: "search".to_owned(),
        title: "Search".to_owned(),
        kind: "search",
        blocks: vec![
            para(
                "Type in the search box above: event, service, topic and owner names, descriptions and payload field names.",
            ),
            Block::RawHtml("<div id=\"search-results\" aria-live=\"polite\"></div>".to_owned()),
        ],
    }
}

fn list_or_none(items: Vec<Line>, none: &str) -> Block {
    if items.is_empty() {
        para(none)
    } else {
        Block::List(items)
    }
}

fn join_links(line: &mut Line, links: impl Iterator<Item = Inline>, none: &str) {
    let start = line.len();
    for (i, link) in links.enumerate() {
        if i > 0 {
            line.push(Inline::text(", "));
        }
        line.push(link);
    }
    if line.len() == start {
        line.push(Inline::text(none));
    }
}

fn consumer_head(first: &str) -> Vec<String> {
    vec![
        first.to_owned(),
        "Group".into(),
        "Reads".into(),
        "Idempotency key".into(),
        "Retry".into(),
        "Dead letter".into(),
    ]
}

fn consumer_cells(consumes: &Consumes) -> Vec<Line> {
    let code = |s: Option<&str>| s.map(|s| vec![Inline::code(s)]).unwrap_or_default();
    let mut reads = Vec::new();
    for (i, read) in consumes.reads.iter().enumerate() {
        if i > 0 {
            reads.push(Inline::text(", "));
        }
        reads.push(Inline::code(&read.value));
    }
    if reads.is_empty() && consumes.schema.is_some() {
        reads.push(Inline::text("reader schema"));
    }
    let retry = consumes
        .retry
        .as_ref()
        .map(|r| {
            let mut parts = Vec::new();
            if let Some(max) = &r.max_attempts {
                parts.push(format!("max {}", max.value));
            }
            if let Some(backoff) = &r.backoff {
                parts.push(backoff.value.to_string());
            }
            vec![Inline::text(parts.join(", "))]
        })
        .unwrap_or_default();
    vec![
        code(consumes.group.as_ref().map(|g| g.value.as_str())),
        reads,
        code(consumes.idempotency.as_ref().map(|i| i.key.value.as_str())),
        retry,
        code(consumes.dead_letter.as_ref().map(|d| d.value.as_str())),
    ]
}
