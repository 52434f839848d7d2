//! The catalog graph: its nodes and edges, cycles, reachability and impact, on catalogs
//! written to disk and loaded as a user's would be.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt::Write as _;
use std::path::Path;

use contrail_contracts::graph::impact::{ImpactError, impact, parse_target};
use contrail_contracts::graph::{CatalogGraph, NodeKind};
use contrail_contracts::{LoadOptions, Loaded, load_catalog};
use petgraph::Direction;
use proptest::prelude::*;

fn shop() -> Loaded {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/shop");
    load_catalog(&dir, LoadOptions::default()).expect("the shop loads")
}

/// A catalog of `files` (name → content) in a temporary directory.
fn catalog(files: &[(&str, &str)]) -> (tempfile::TempDir, Loaded) {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("contrail.yaml"), "catalog: test\n").expect("write");
    for (name, content) in files {
        let path = dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(path, content).expect("write");
    }
    let loaded = load_catalog(dir.path(), LoadOptions::default()).expect("loads");
    (dir, loaded)
}

/// The graph as lines: nodes with their facts, then edges.
fn listing(graph: &CatalogGraph) -> String {
    let mut out = String::new();
    for (_, node) in graph.nodes() {
        let _ = writeln!(
            out,
            "{}{}{}{}",
            node.id(),
            node.owner
                .as_ref()
                .map_or_else(String::new, |o| format!(" owner={o}")),
            node.topic
                .as_ref()
                .map_or_else(String::new, |t| format!(" topic={t}")),
            if node.is_dangling() { " dangling" } else { "" },
        );
    }
    for (from, to, edge) in graph.edges() {
        let _ = writeln!(
            out,
            "{} -{}-> {}",
            graph.node(from).id(),
            edge.kind.as_str(),
            graph.node(to).id()
        );
    }
    out
}

#[test]
fn the_shop_as_a_graph() {
    let loaded = shop();
    insta::assert_snapshot!(listing(&loaded.catalog.graph()));
}

#[test]
fn events_named_but_not_declared_are_dangling_nodes() {
    let (_dir, loaded) = catalog(&[
        (
            "a.yaml",
            "service: a\nproduces: [Known]\nconsumes: [{ event: Ghost, group: a }]\n",
        ),
        ("known.yaml", "event: Known\ntopic: t.known\n"),
    ]);
    let graph = loaded.catalog.graph();
    let ghost = graph.find(NodeKind::Event, "Ghost").expect("a node");
    assert!(graph.node(ghost).is_dangling());
    let known = graph.find(NodeKind::Event, "Known").expect("a node");
    assert!(!graph.node(known).is_dangling());
    assert_eq!(graph.consumers(ghost).len(), 1);
    assert_eq!(
        graph
            .find_id("topic:t.known")
            .map(|t| graph.node(t).name.clone()),
        Some("t.known".to_owned())
    );
}

/// Services s0..s4: s0 consumes E0 and produces E1, s1 E1 → E2, s2 E2 → E0 (a cycle of
/// three), s3 E3 → E3 (a cycle of one), s4 E4 → E0 (a tail into the cycle).
fn cyclic_catalog() -> (tempfile::TempDir, Loaded) {
    let mut files = Vec::new();
    for (s, from, to) in [(0, 0, 1), (1, 1, 2), (2, 2, 0), (3, 3, 3), (4, 4, 0)] {
        files.push((
            format!("services/s{s}.yaml"),
            format!(
                "service: s{s}\nconsumes: [{{ event: E{from}, group: s{s} }}]\nproduces: [E{to}]\n"
            ),
        ));
    }
    for e in 0..5 {
        files.push((
            format!("events/e{e}.yaml"),
            format!("event: E{e}\ntopic: t{e}\n"),
        ));
    }
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    catalog(&files)
}

#[test]
fn cycles_are_whole_components_with_one_loop_each() {
    let (_dir, loaded) = cyclic_catalog();
    let graph = loaded.catalog.graph();
    let name = |n| graph.node(n).name.clone();
    /// (members, start, loop as (via service, to event)).
    type Named = (Vec<String>, String, Vec<(String, String)>);
    let cycles: Vec<Named> = graph
        .cycles()
        .into_iter()
        .map(|c| {
            (
                c.members.iter().map(|&m| name(m)).collect(),
                name(c.start),
                c.steps
                    .iter()
                    .map(|s| {
                        (
                            loaded.catalog.services[s.via].name.value.clone(),
                            name(s.to),
                        )
                    })
                    .collect(),
            )
        })
        .collect();
    let pair = |s: &str, e: &str| (s.to_owned(), e.to_owned());
    assert_eq!(
        cycles,
        vec![
            (
                vec!["E0".into(), "E1".into(), "E2".into()],
                "E0".into(),
                vec![pair("s0", "E1"), pair("s1", "E2"), pair("s2", "E0")]
            ),
            (vec!["E3".into()], "E3".into(), vec![pair("s3", "E3")]),
        ]
    );
}

#[test]
fn a_long_chain_of_events_does_not_exhaust_the_stack() {
    // 20,000 services in a chain E0 → E1 → ... and back to E0: one cycle of every event.
    let mut files = Vec::new();
    let n = 20_000;
    for i in 0..n {
        files.push((
            format!("s/s{i}.yaml"),
            format!(
                "service: s{i}\nconsumes: [{{ event: E{i}, group: s{i} }}]\nproduces: [E{}]\n",
                (i + 1) % n
            ),
        ));
    }
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let (_dir, loaded) = catalog(&files);
    let cycles = loaded.catalog.graph().cycles();
    assert_eq!(cycles.len(), 1);
    assert_eq!(cycles[0].members.len(), n);
    assert_eq!(cycles[0].steps.len(), n);
}

#[test]
fn reachability_follows_produce_and_consume_edges() {
    let (_dir, loaded) = cyclic_catalog();
    let graph = loaded.catalog.graph();
    let s4 = graph.find(NodeKind::Service, "s4").expect("s4");
    let names =
        |nodes: Vec<_>| -> Vec<String> { nodes.into_iter().map(|n| graph.node(n).id()).collect() };
    assert_eq!(
        names(graph.reachable(s4, Direction::Outgoing, 2)),
        ["service:s4", "event:E0", "service:s0"]
    );
    assert_eq!(
        names(graph.reachable(s4, Direction::Incoming, 5)),
        ["service:s4", "event:E4"]
    );
    let e4 = graph.find(NodeKind::Event, "E4").expect("E4");
    assert_eq!(
        names(graph.neighbourhood(e4, 1)),
        ["event:E4", "service:s4", "topic:t4"]
    );
}

#[test]
fn impact_of_a_field_of_the_shop() {
    let loaded = shop();
    let graph = loaded.catalog.graph();
    let answer = impact(
        &loaded.catalog,
        &graph,
        "OrderPlaced",
        Some("total.amountMinor"),
    )
    .expect("an answer");
    insta::assert_json_snapshot!(answer);
    let whole = impact(&loaded.catalog, &graph, "OrderPlaced", None).expect("an answer");
    assert!(whole.unknown.is_empty());
    assert!(whole.direct.len() >= answer.direct.len());
}

#[test]
fn impact_refuses_what_does_not_exist() {
    let loaded = shop();
    let graph = loaded.catalog.graph();
    let error = impact(&loaded.catalog, &graph, "OrderPlacd", None).expect_err("no such event");
    assert_eq!(
        error,
        ImpactError::UnknownEvent {
            name: "OrderPlacd".into(),
            did_you_mean: Some("OrderPlaced".into())
        }
    );
    let error = impact(
        &loaded.catalog,
        &graph,
        "OrderPlaced",
        Some("total.amountMinr"),
    )
    .expect_err("no such field");
    assert_eq!(
        error.to_string(),
        "`OrderPlaced` has no field `total.amountMinr`: its payload has no `amountMinr` there; did you mean `amountMinor`?"
    );
}

#[test]
fn targets_split_at_the_longest_event_name() {
    let (_dir, loaded) = catalog(&[
        ("a.yaml", "event: com.shop.Order\ntopic: t\n"),
        ("b.yaml", "event: com\ntopic: u\n"),
    ]);
    let graph = loaded.catalog.graph();
    assert_eq!(
        parse_target(&graph, "com.shop.Order.total.amount"),
        ("com.shop.Order", Some("total.amount"))
    );
    assert_eq!(parse_target(&graph, "com.x"), ("com", Some("x")));
    assert_eq!(parse_target(&graph, "Nope.a"), ("Nope", Some("a")));
    assert_eq!(
        parse_target(&graph, "com.shop.Order"),
        ("com.shop.Order", None)
    );
}

/// A random catalog: which events each service consumes (with the fields it reads, if any)
/// and produces. Events `E0` to `E{events - 1}` are declared; services may also name
/// `E{events}`, which nothing declares (a dangling event is still a node impact walks through).
#[derive(Debug, Clone)]
struct Spec {
    events: usize,
    services: Vec<ServiceSpec>,
}

/// (consumed event, fields read), produced events.
type ServiceSpec = (Vec<(usize, Option<Vec<&'static str>>)>, Vec<usize>);

fn spec() -> impl Strategy<Value = Spec> {
    (2usize..7).prop_flat_map(|events| {
        let consumption = (
            0..=events,
            prop::option::of(prop::sample::subsequence(vec!["a", "b", "c"], 0..3)),
        );
        let service = (
            prop::collection::vec(consumption, 0..3),
            prop::collection::vec(0..=events, 0..3),
        );
        prop::collection::vec(service, 1..7).prop_map(move |services| Spec { events, services })
    })
}

fn write(spec: &Spec) -> (tempfile::TempDir, Loaded) {
    let mut files = Vec::new();
    for e in 0..spec.events {
        files.push((format!("e{e}.yaml"), format!("event: E{e}\ntopic: t{e}\n")));
    }
    for (s, (consumes, produces)) in spec.services.iter().enumerate() {
        let mut text = format!("service: s{s}\nconsumes:\n");
        for (event, reads) in consumes {
            let _ = write!(text, "  - {{ event: E{event}, group: s{s}");
            if let Some(reads) = reads {
                let _ = write!(text, ", reads: [{}]", reads.join(", "));
            }
            text.push_str(" }\n");
        }
        if consumes.is_empty() {
            text.push_str("  []\n");
        }
        let produced: Vec<String> = produces.iter().map(|e| format!("E{e}")).collect();
        let _ = writeln!(text, "produces: [{}]", produced.join(", "));
        files.push((format!("s{s}.yaml"), text));
    }
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    catalog(&files)
}

/// Services reachable from the consumers of `event` (that read `field`, when one is named)
/// through produce/consume steps, worked out from the spec without the graph; and the events
/// on those paths (produced by a reached service, consumed by a reached one that is not a
/// direct consumer).
fn brute_force(
    spec: &Spec,
    event: usize,
    field: Option<&str>,
) -> (BTreeSet<String>, BTreeSet<String>) {
    let reads_it = |reads: &Option<Vec<&str>>| match (field, reads) {
        (None, _) => true,
        (Some(f), Some(reads)) => reads.contains(&f),
        (Some(_), None) => false,
    };
    let mut affected = BTreeSet::new();
    let mut queue = VecDeque::new();
    for (s, (consumes, _)) in spec.services.iter().enumerate() {
        if consumes
            .iter()
            .any(|(e, reads)| *e == event && reads_it(reads))
            && affected.insert(s)
        {
            queue.push_back(s);
        }
    }
    let direct = affected.clone();
    let consumers: BTreeMap<usize, Vec<usize>> = (0..=spec.events)
        .map(|e| {
            let who = spec
                .services
                .iter()
                .enumerate()
                .filter(|(_, (consumes, _))| consumes.iter().any(|(c, _)| *c == e))
                .map(|(s, _)| s)
                .collect();
            (e, who)
        })
        .collect();
    while let Some(s) = queue.pop_front() {
        for produced in &spec.services[s].1 {
            for &t in &consumers[produced] {
                if affected.insert(t) {
                    queue.push_back(t);
                }
            }
        }
    }
    let mut events = BTreeSet::new();
    for &s in &affected {
        for produced in &spec.services[s].1 {
            if consumers[produced]
                .iter()
                .any(|t| affected.contains(t) && !direct.contains(t))
            {
                events.insert(format!("E{produced}"));
            }
        }
    }
    let services = affected.into_iter().map(|s| format!("s{s}")).collect();
    (services, events)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn impact_reaches_what_brute_force_reaches(spec in spec(), event in 0usize..7, field in prop::option::of(prop::sample::select(vec!["a", "b", "c"]))) {
        let event = event % (spec.events + 1);
        let (_dir, loaded) = write(&spec);
        let graph = loaded.catalog.graph();
        let result = impact(&loaded.catalog, &graph, &format!("E{event}"), field);
        let named = event < spec.events
            || spec.services.iter().any(|(consumes, produces)| {
                consumes.iter().any(|(e, _)| *e == event) || produces.contains(&event)
            });
        if !named {
            // The undeclared event that no service names is no node at all.
            prop_assert!(matches!(result, Err(ImpactError::UnknownEvent { .. })), "{:?}", result);
            return Ok(());
        }
        let answer = result.expect("an answer");
        let found: BTreeSet<String> = answer.direct.iter().chain(&answer.transitive).cloned().collect();
        let (services, events) = brute_force(&spec, event, field);
        prop_assert_eq!(found, services);
        prop_assert_eq!(answer.events.iter().cloned().collect::<BTreeSet<_>>(), events);
        prop_assert!(answer.direct.iter().all(|d| !answer.transitive.contains(d)));
        // Consumers declaring no `reads` cannot tell, and are only ever unknown.
        for unknown in &answer.unknown {
            prop_assert!(!answer.direct.contains(unknown));
        }
        for list in [&answer.direct, &answer.transitive, &answer.events, &answer.unknown] {
            prop_assert!(list.windows(2).all(|w| w[0] < w[1]), "sorted and unique: {:?}", list);
        }
    }

    #[test]
    fn edges_within_a_part_are_the_graphs_edges_between_its_nodes(spec in spec(), pick in prop::collection::vec(any::<bool>(), 0..40)) {
        let (_dir, loaded) = write(&spec);
        let graph = loaded.catalog.graph();
        let part: Vec<_> = graph
            .nodes()
            .map(|(n, _)| n)
            .zip(pick.iter().chain(std::iter::repeat(&true)))
            .filter_map(|(n, &keep)| keep.then_some(n))
            .collect();
        let brute: Vec<_> = graph
            .edges()
            .filter(|(from, to, _)| part.contains(from) && part.contains(to))
            .collect();
        prop_assert_eq!(graph.edges_within(&part), brute);
    }
}

/// Two catalogs: a baseline and a change of it.
fn before_and_after(
    before: &[(&str, &str)],
    after: &[(&str, &str)],
) -> ((tempfile::TempDir, Loaded), (tempfile::TempDir, Loaded)) {
    (catalog(before), catalog(after))
}

#[test]
fn a_diff_lists_what_was_added_and_removed_sorted() {
    use contrail_contracts::graph::EdgeKind;
    use contrail_contracts::graph::diff::{DiffEdge, diff};
    let ((_a, then), (_b, now)) = before_and_after(
        &[
            ("a.yaml", "service: a\nproduces: [E1]\n"),
            (
                "legacy.yaml",
                "service: legacy\nconsumes: [{ event: E1, group: old }]\n",
            ),
            (
                "b.yaml",
                "service: b\nconsumes: [{ event: E1, group: b }]\n",
            ),
            ("e1.yaml", "event: E1\ntopic: t1\n"),
        ],
        &[
            ("a.yaml", "service: a\nproduces: [E1, E2]\n"),
            (
                "b.yaml",
                "service: b\nconsumes: [{ event: E1, group: b2 }, { event: E2, group: b }]\n",
            ),
            ("e1.yaml", "event: E1\ntopic: t1\n"),
            ("e2.yaml", "event: E2\ntopic: t2\n"),
        ],
    );
    let found = diff(
        (&then.catalog, &then.catalog.graph()),
        (&now.catalog, &now.catalog.graph()),
    );
    let edge = |from: &str, to: &str, kind, group: Option<&str>| DiffEdge {
        from: from.to_owned(),
        to: to.to_owned(),
        kind,
        group: group.map(str::to_owned),
    };
    assert_eq!(found.added.services, Vec::<String>::new());
    assert_eq!(found.added.events, vec!["E2"]);
    assert_eq!(found.added.topics, vec!["t2"]);
    // A new group is a new consumer: the edge is removed and added.
    assert_eq!(
        found.added.edges,
        vec![
            edge("event:E1", "service:b", EdgeKind::Consumes, Some("b2")),
            edge("event:E2", "service:b", EdgeKind::Consumes, Some("b")),
            edge("event:E2", "topic:t2", EdgeKind::PublishedOn, None),
            edge("service:a", "event:E2", EdgeKind::Produces, None),
        ]
    );
    assert_eq!(found.removed.services, vec!["legacy"]);
    assert!(found.removed.events.is_empty() && found.removed.topics.is_empty());
    assert_eq!(
        found.removed.edges,
        vec![
            edge("event:E1", "service:b", EdgeKind::Consumes, Some("b")),
            edge(
                "event:E1",
                "service:legacy",
                EdgeKind::Consumes,
                Some("old")
            ),
        ]
    );
    assert!(found.removed.has_node("service:legacy"));
    assert!(!found.removed.has_node("service:b"));
    assert!(!found.is_empty());

    // The merged graph holds both sides; the baseline-only edges say so.
    use contrail_contracts::graph::diff::merged;
    let merged = merged(
        (&then.catalog, &then.catalog.graph()),
        (&now.catalog, &now.catalog.graph()),
    );
    assert!(merged.find(NodeKind::Service, "legacy").is_some());
    assert!(merged.find(NodeKind::Event, "E2").is_some());
    let from_baseline: Vec<String> = merged
        .edges()
        .filter(|(_, _, e)| e.baseline)
        .map(|(f, t, _)| format!("{} {}", merged.node(f).id(), merged.node(t).id()))
        .collect();
    assert_eq!(
        from_baseline,
        vec!["event:E1 service:b", "event:E1 service:legacy"]
    );
}

#[test]
fn a_catalog_diffed_with_itself_has_no_change() {
    use contrail_contracts::graph::diff::diff;
    let loaded = shop();
    let graph = loaded.catalog.graph();
    let found = diff((&loaded.catalog, &graph), (&loaded.catalog, &graph));
    assert!(found.is_empty());
    let merged = contrail_contracts::graph::diff::merged(
        (&loaded.catalog, &graph),
        (&loaded.catalog, &graph),
    );
    assert_eq!(merged.node_count(), graph.node_count());
    assert_eq!(merged.edges().count(), graph.edges().count());
}
