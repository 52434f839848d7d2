//! The impact of a schema change narrowed to the fields it touches
//! ([`contrail_contracts::graph::impact::change_impact`]), on the shop example.

use std::collections::BTreeSet;
use std::path::Path;

use contrail_contracts::graph::impact::{change_impact, impact};
use contrail_contracts::payload::segments;
use contrail_contracts::{LoadOptions, Loaded, load_catalog};
use proptest::prelude::*;

fn shop() -> Loaded {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/shop");
    load_catalog(&dir, LoadOptions::default()).expect("the shop loads")
}

const ORDER_PLACED_FIELDS: &[&str] = &[
    "eventId",
    "occurredAt",
    "orderId",
    "customerId",
    "items",
    "items.sku",
    "items.quantity",
    "items.unitPrice.amountMinor",
    "total",
    "total.amountMinor",
    "total.currency",
    "couponCode",
];

#[test]
fn a_field_nobody_reads_leaves_every_declared_consumer_unaffected() {
    let loaded = shop();
    let graph = loaded.catalog.graph();
    let answer = change_impact(
        &loaded.catalog,
        &graph,
        "OrderPlaced",
        &[segments("couponCode")],
    )
    .expect("an answer");
    assert!(answer.direct.is_empty(), "{answer:?}");
    assert!(answer.transitive.is_empty(), "{answer:?}");
    assert_eq!(answer.unaffected, ["notifications", "payments"]);
    assert_eq!(answer.fields, ["couponCode"]);

    let answer = change_impact(
        &loaded.catalog,
        &graph,
        "OrderPlaced",
        &[segments("couponCode"), segments("total.amountMinor")],
    )
    .expect("an answer");
    assert_eq!(answer.direct, ["payments"]);
    assert_eq!(answer.unaffected, ["notifications"]);
    // Downstream of payments: what consumes what it produces, and so on.
    assert!(
        answer.transitive.contains(&"inventory".to_owned()),
        "{answer:?}"
    );
    assert!(
        answer.events.contains(&"PaymentProcessed".to_owned()),
        "{answer:?}"
    );
}

#[test]
fn the_whole_payload_reaches_every_consumer_and_no_field_reaches_none() {
    let loaded = shop();
    let graph = loaded.catalog.graph();
    let whole =
        change_impact(&loaded.catalog, &graph, "OrderPlaced", &[Vec::new()]).expect("an answer");
    assert_eq!(whole.direct, ["notifications", "payments"]);
    assert_eq!(whole.fields, [""]);
    let none = change_impact(&loaded.catalog, &graph, "OrderPlaced", &[]).expect("an answer");
    assert!(none.direct.is_empty() && none.unknown.is_empty());
    assert_eq!(none.unaffected, ["notifications", "payments"]);
    assert!(change_impact(&loaded.catalog, &graph, "Nope", &[]).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// Changing several fields reaches what changing each of them reaches, and every consumer
    /// is in exactly one of direct, unaffected and unknown.
    #[test]
    fn several_fields_reach_the_union_of_each(chosen in prop::sample::subsequence(ORDER_PLACED_FIELDS, 1..5)) {
        let loaded = shop();
        let graph = loaded.catalog.graph();
        let fields: Vec<Vec<String>> = chosen.iter().map(|f| segments(f)).collect();
        let answer = change_impact(&loaded.catalog, &graph, "OrderPlaced", &fields).expect("an answer");
        let mut direct = BTreeSet::new();
        let mut transitive = BTreeSet::new();
        for field in &chosen {
            let one = impact(&loaded.catalog, &graph, "OrderPlaced", Some(field)).expect("an answer");
            direct.extend(one.direct);
            transitive.extend(one.transitive);
        }
        transitive.retain(|t| !direct.contains(t));
        prop_assert_eq!(answer.direct.iter().cloned().collect::<BTreeSet<_>>(), direct);
        prop_assert_eq!(answer.transitive.iter().cloned().collect::<BTreeSet<_>>(), transitive);
        let all = impact(&loaded.catalog, &graph, "OrderPlaced", None).expect("an answer");
        let mut partition: Vec<&String> = answer.direct.iter().chain(&answer.unaffected).chain(&answer.unknown).collect();
        partition.sort();
        prop_assert_eq!(partition, all.direct.iter().collect::<Vec<_>>());
    }
}
