use std::collections::BTreeMap;

use crate::context::Context;
use crate::declare_rule;
use crate::rule::{Findings, Group, Rule, RuleInfo, Subject};

declare_rule! {
    /// ## What it does
    /// Finds cycles in the event flow: service A consumes `X` and produces `Y`, service B
    /// consumes `Y` and produces `X`, and so on round (a service consuming and producing the
    /// same event is a cycle of one). Each cycle — each strongly connected component of the
    /// graph whose nodes are events and whose edges run from what a service consumes to what
    /// it produces — is reported once, with one loop through it spelled out.
    ///
    /// The graph assumes a service may produce any of its events in reaction to any event it
    /// consumes; a service that starts a flow and also consumes its outcome (orders produces
    /// `OrderPlaced` and consumes `OrderShipped`) closes a loop the code may not have. That is
    /// why the rule is in preview.
    ///
    /// ## Why is this bad?
    /// A cycle in the event flow can turn one message into an endless storm: each service
    /// reacts to the other's output, and a bug or a replay on either side loops forever,
    /// filling topics and downstream stores. Even when a condition breaks the loop, the
    /// services are coupled both ways and can no longer be deployed or reasoned about alone.
    ///
    /// ## Example
    /// ```yaml
    /// service: pricing
    /// consumes: [{ event: StockChanged }]
    /// produces: [PriceChanged]
    /// ---
    /// service: inventory
    /// consumes: [{ event: PriceChanged }]
    /// produces: [StockChanged]
    /// ```
    ///
    /// Use instead: break the loop — one side reads the other's state by query, or the two
    /// reactions merge into one service.
    ///
    /// ## Fix
    /// Check that the loop terminates (a condition no replay can violate); otherwise break it.
    /// If the services do not really produce in reaction to the consumed event, silence the
    /// finding with an `ignore:` entry.
    ///
    /// ## References
    /// - Robert Tarjan, "Depth-first search and linear graph algorithms" (1972)
    /// - Ben Stopford, *Designing Event-Driven Systems*, ch. 5 (event collaboration)
    pub struct EventCycle {
        code: EVENT_CYCLE,
        category: Topology,
        group: Group::Preview,
    }
}

/// The edges out of each event: (consumed event, via service, produced event).
type Graph = Vec<Vec<(usize, usize)>>;

impl Rule for EventCycle {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Findings) {
        let catalog = ctx.catalog;
        // Nodes: every event named anywhere, in catalog order.
        let mut index: BTreeMap<&str, usize> = BTreeMap::new();
        let mut names: Vec<&str> = Vec::new();
        for event in &catalog.events {
            let name = event.name.value.as_str();
            if !index.contains_key(name) {
                index.insert(name, names.len());
                names.push(name);
            }
        }
        for service in &catalog.services {
            let mentioned = service
                .consumes
                .iter()
                .map(|c| c.event.value.as_str())
                .chain(service.produces.iter().map(|p| p.event.value.as_str()));
            for name in mentioned {
                if !index.contains_key(name) {
                    index.insert(name, names.len());
                    names.push(name);
                }
            }
        }
        let mut graph: Graph = vec![Vec::new(); names.len()];
        for (s, service) in catalog.services.iter().enumerate() {
            for consume in &service.consumes {
                for produce in &service.produces {
                    let (from, to) = (
                        index[consume.event.value.as_str()],
                        index[produce.event.value.as_str()],
                    );
                    if !graph[from].iter().any(|&(t, _)| t == to) {
                        graph[from].push((to, s));
                    }
                }
            }
        }
        for component in strongly_connected(&graph) {
            let start = component.iter().copied().min().unwrap_or(0);
            let cyclic = component.len() > 1 || graph[start].iter().any(|&(t, _)| t == start);
            if !cyclic {
                continue;
            }
            let path = loop_through(&graph, &component, start);
            let mut chain = names[start].to_owned();
            for &(to, via) in &path {
                chain.push_str(&format!(
                    " → ({}) → {}",
                    catalog.services[via].name.value, names[to]
                ));
            }
            let mut members: Vec<&str> = component.iter().map(|&i| names[i]).collect();
            members.sort_unstable();
            let location = catalog
                .event(names[start])
                .map(|e| e.name.location.clone())
                .or_else(|| {
                    path.first().and_then(|&(_, via)| {
                        catalog.services[via]
                            .consumes
                            .iter()
                            .find(|c| c.event.value == names[start])
                            .map(|c| c.event.location.clone())
                    })
                });
            let Some(location) = location else {
                continue;
            };
            let mut report = out
                .report(
                    Subject::Event(names[start].to_owned()),
                    format!("the event flow has a cycle: {chain}"),
                    location,
                )
                .help(format!(
                    "make sure the loop through {} terminates, or break it",
                    members
                        .iter()
                        .map(|m| format!("`{m}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            for &(to, via) in &path {
                let service = &catalog.services[via];
                if let Some(p) = service.produces.iter().find(|p| p.event.value == names[to]) {
                    report = report.related(
                        p.event.location.clone(),
                        format!("`{}` produces `{}`", service.name.value, names[to]),
                    );
                }
            }
        }
    }
}

/// Tarjan's strongly connected components, iteratively (no recursion on user input).
fn strongly_connected(graph: &Graph) -> Vec<Vec<usize>> {
    const UNSEEN: usize = usize::MAX;
    let n = graph.len();
    let mut order = vec![UNSEEN; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut components = Vec::new();
    let mut counter = 0;
    for root in 0..n {
        if order[root] != UNSEEN {
            continue;
        }
        // (node, next edge to look at)
        let mut work = vec![(root, 0)];
        order[root] = counter;
        low[root] = counter;
        counter += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (v, ref mut edge)) = work.last_mut() {
            if let Some(&(w, _)) = graph[v].get(*edge) {
                *edge += 1;
                if order[w] == UNSEEN {
                    order[w] = counter;
                    low[w] = counter;
                    counter += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(order[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == order[v] {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                components.push(component);
            }
        }
    }
    components.sort_by_key(|c| c.iter().copied().min());
    components
}

/// A shortest loop from `start` back to itself inside `component`: (event, via service) steps.
fn loop_through(graph: &Graph, component: &[usize], start: usize) -> Vec<(usize, usize)> {
    let mut previous: BTreeMap<usize, (usize, usize)> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(v) = queue.pop_front() {
        for &(w, via) in &graph[v] {
            if !component.contains(&w) {
                continue;
            }
            if w == start {
                let mut path = vec![(start, via)];
                let mut at = v;
                while at != start {
                    let (from, through) = previous[&at];
                    path.push((at, through));
                    at = from;
                }
                path.reverse();
                return path;
            }
            if let std::collections::btree_map::Entry::Vacant(e) = previous.entry(w) {
                e.insert((v, via));
                queue.push_back(w);
            }
        }
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_cycles() {
        // 0 → 1 → 2 → 0, 3 → 3, 4 → 0
        let graph: Graph = vec![
            vec![(1, 0)],
            vec![(2, 1)],
            vec![(0, 2)],
            vec![(3, 3)],
            vec![(0, 4)],
        ];
        let components = strongly_connected(&graph);
        let mut big: Vec<usize> = components
            .iter()
            .find(|c| c.len() == 3)
            .cloned()
            .unwrap_or_default();
        big.sort_unstable();
        assert_eq!(big, vec![0, 1, 2]);
        assert_eq!(components.len(), 3);
        assert_eq!(loop_through(&graph, &big, 0), vec![(1, 0), (2, 1), (0, 2)]);
        assert_eq!(loop_through(&graph, &[3], 3), vec![(3, 3)]);
    }
}
