//! Laying out and drawing a ~200-node focus graph as SVG (what `contrail graph --focus ...
//! --format svg` spends its time in), on a synthetic catalog: services in a ring of teams, each
//! producing two events and consuming events of its neighbours, so the graph has long chains,
//! cycles and fan-in like a real one.

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::Path;

use contrail_contracts::{LoadOptions, load_paths};
use contrail_site::graph::{GroupBy, View, to_svg};
use criterion::{Criterion, criterion_group, criterion_main};

const SERVICES: usize = 160;

fn write_catalog(dir: &Path) {
    std::fs::create_dir_all(dir.join("services")).expect("services dir");
    std::fs::write(dir.join("contrail.yaml"), "catalog: bench\n").expect("config");
    for s in 0..SERVICES {
        let mut yaml = format!("service: svc{s:03}\nowner: team{}\nconsumes:\n", s % 8);
        for other in [s + 1, s + 7, s * 3 + 1] {
            let other = other % SERVICES;
            let _ = writeln!(yaml, "  - event: Ev{other:03}a\n    group: svc{s:03}");
        }
        let _ = writeln!(yaml, "produces:\n  - Ev{s:03}a\n  - Ev{s:03}b");
        std::fs::write(dir.join(format!("services/svc{s:03}.yaml")), yaml).expect("service");
    }
}

fn layout(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    write_catalog(dir.path());
    let loaded =
        load_paths(&[dir.path().to_path_buf()], LoadOptions::default()).expect("catalog loads");
    let catalog = &loaded.catalog;
    let graph = catalog.graph();
    let focus = graph.lookup("svc000").expect("svc000");
    // The smallest depth whose neighbourhood reaches ~200 nodes.
    let depth = (1..50)
        .find(|&d| View::focus(catalog, &graph, focus, d).len() >= 180)
        .unwrap_or(50);
    let view = View::focus(catalog, &graph, focus, depth);
    assert!(view.len() <= 300, "{} nodes", view.len());
    eprintln!("focus graph: {} nodes at depth {depth}", view.len());
    c.bench_function("svg_focus_200", |b| {
        b.iter(|| to_svg(black_box(&view)).expect("draws"))
    });
    let grouped = view.clone().with_group_by(GroupBy::Owner);
    c.bench_function("svg_focus_200_by_owner", |b| {
        b.iter(|| to_svg(black_box(&grouped)).expect("draws"))
    });
}

criterion_group!(benches, layout);
criterion_main!(benches);
