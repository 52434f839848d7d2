//! A layered (Sugiyama-style) layout, left to right, so contrail draws SVG without Graphviz.
//!
//! The steps: break cycles by reversing the back edges a depth-first search in graph order
//! finds; give each node the layer of the longest path into it (sources pulled next to their
//! first successor); split edges spanning several layers with dummy nodes; order each layer by
//! a few barycenter sweeps; stack the nodes of each layer and pull them toward the median of
//! their neighbours without letting them overlap; route edges through their dummies.
//!
//! Clusters (owners, when grouping) get a horizontal band each: a cluster's members sit in its
//! band in every layer, so the rectangle around them never covers another node.
//!
//! Every step is linear in nodes plus edges (plus dummies) times a fixed number of sweeps, and
//! deterministic: ties break by graph order, never by hash order.

use std::collections::VecDeque;

/// Horizontal space between layers, before room for edge labels.
const LAYER_GAP: f64 = 56.0;
/// Vertical space between nodes of one layer.
const NODE_GAP: f64 = 18.0;
/// The height a dummy node (a bend of a long edge) takes up in its layer.
const DUMMY_HEIGHT: f64 = 6.0;
/// Space between a cluster's rectangle and its members.
pub(crate) const CLUSTER_PAD: f64 = 12.0;
/// Extra space at the top of a cluster's rectangle, for its label.
pub(crate) const CLUSTER_LABEL: f64 = 20.0;
/// Margin around the whole drawing.
const MARGIN: f64 = 16.0;
/// Sweeps of crossing reduction and of coordinate pulling.
const SWEEPS: usize = 8;

/// What to lay out: boxes of a given size, directed edges between them, and for each box the
/// cluster (band) it belongs to, if any.
#[derive(Debug, Clone, Default)]
pub(crate) struct Input {
    /// Width and height of each node.
    pub(crate) sizes: Vec<(f64, f64)>,
    /// Cluster of each node, numbered from 0.
    pub(crate) clusters: Vec<Option<usize>>,
    /// Edges, from and to node indices.
    pub(crate) edges: Vec<(usize, usize)>,
    /// Width of each edge's label (0 for none): the label sits on the edge's last segment,
    /// which is made wide enough to hold it.
    pub(crate) labels: Vec<f64>,
}

/// An axis-aligned rectangle: top-left corner, width, height.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct Rect {
    pub(crate) x: f64,
    pub(crate) y: f64,
    pub(crate) w: f64,
    pub(crate) h: f64,
}

impl Rect {
    pub(crate) fn right(&self) -> f64 {
        self.x + self.w
    }

    pub(crate) fn bottom(&self) -> f64 {
        self.y + self.h
    }

    pub(crate) fn centre(&self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }

    /// Whether the two rectangles share any interior point.
    #[cfg(test)]
    pub(crate) fn overlaps(&self, other: &Rect) -> bool {
        self.x < other.right()
            && other.x < self.right()
            && self.y < other.bottom()
            && other.y < self.bottom()
    }

    /// Whether `other` lies inside this rectangle.
    #[cfg(test)]
    pub(crate) fn contains(&self, other: &Rect) -> bool {
        self.x <= other.x
            && self.y <= other.y
            && other.right() <= self.right()
            && other.bottom() <= self.bottom()
    }
}

/// An edge's path: points from its source's border to its target's border.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Route {
    pub(crate) points: Vec<(f64, f64)>,
    /// The edge closes a cycle and was laid out backwards.
    pub(crate) reversed: bool,
}

/// Where everything goes.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Layout {
    pub(crate) boxes: Vec<Rect>,
    pub(crate) layers: Vec<usize>,
    pub(crate) routes: Vec<Route>,
    /// The rectangle around each cluster's members (`None` for a cluster without any).
    pub(crate) clusters: Vec<Option<Rect>>,
    pub(crate) width: f64,
    pub(crate) height: f64,
}

/// A node of the layered graph: a real node or a bend of a long edge.
#[derive(Debug, Clone)]
struct Vertex {
    layer: usize,
    w: f64,
    h: f64,
    band: usize,
    y: f64,
}

/// Lays out `input`. Sizes must be finite and non-negative; edges must name existing nodes
/// (edges that do not are ignored).
pub(crate) fn layout(input: &Input) -> Layout {
    let n = input.sizes.len();
    let edges: Vec<(usize, usize)> = input
        .edges
        .iter()
        .map(|&(a, b)| if a < n && b < n { (a, b) } else { (n, n) })
        .collect();
    let reversed = back_edges(n, &edges);
    // The acyclic graph the layers come from: back edges turned round, self-loops and
    // invalid edges left out.
    let dag: Vec<Option<(usize, usize)>> = edges
        .iter()
        .zip(&reversed)
        .map(|(&(a, b), &r)| match (a == b || a >= n, r) {
            (true, _) => None,
            (false, false) => Some((a, b)),
            (false, true) => Some((b, a)),
        })
        .collect();
    let layers = layering(n, &dag);

    let cluster_count = input
        .clusters
        .iter()
        .flatten()
        .map(|c| c + 1)
        .max()
        .unwrap_or(0);
    let band_of = |node: usize| {
        input
            .clusters
            .get(node)
            .copied()
            .flatten()
            .unwrap_or(cluster_count)
    };
    let mut vertices: Vec<Vertex> = (0..n)
        .map(|i| Vertex {
            layer: layers[i],
            w: input.sizes[i].0,
            h: input.sizes[i].1,
            band: band_of(i),
            y: 0.0,
        })
        .collect();
    // Each edge's chain of vertices, source to target in layer order.
    let mut chains: Vec<Vec<usize>> = Vec::with_capacity(dag.len());
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut succs: Vec<Vec<usize>> = vec![Vec::new(); n];
    for edge in &dag {
        let Some((a, b)) = *edge else {
            chains.push(Vec::new());
            continue;
        };
        let band = if band_of(a) < cluster_count {
            band_of(a)
        } else {
            band_of(b)
        };
        let mut chain = vec![a];
        let mut previous = a;
        for layer in layers[a] + 1..layers[b] {
            let dummy = vertices.len();
            vertices.push(Vertex {
                layer,
                w: 0.0,
                h: DUMMY_HEIGHT,
                band,
                y: 0.0,
            });
            preds.push(vec![previous]);
            succs.push(Vec::new());
            succs[previous].push(dummy);
            chain.push(dummy);
            previous = dummy;
        }
        succs[previous].push(b);
        preds[b].push(previous);
        chain.push(b);
        chains.push(chain);
    }

    let layer_count = layers.iter().map(|l| l + 1).max().unwrap_or(0);
    let mut order: Vec<Vec<usize>> = vec![Vec::new(); layer_count];
    for (v, vertex) in vertices.iter().enumerate() {
        order[vertex.layer].push(v);
    }
    reduce_crossings(&vertices, &preds, &succs, &mut order);
    let band_count = cluster_count + 1;
    let bands = stack(&mut vertices, &order, band_count, cluster_count > 0);
    for sweep in 0..SWEEPS {
        let down = sweep % 2 == 0;
        let layer_indices: Vec<usize> = if down {
            (1..layer_count).collect()
        } else {
            (0..layer_count.saturating_sub(1)).rev().collect()
        };
        for layer in layer_indices {
            pull(
                &mut vertices,
                &order[layer],
                if down { &preds } else { &succs },
                &bands,
            );
        }
    }

    // Columns: each as wide as its widest node, with room before it for the labels of edges
    // that end in it.
    let mut column_width = vec![0.0_f64; layer_count];
    for vertex in &vertices {
        column_width[vertex.layer] = column_width[vertex.layer].max(vertex.w);
    }
    let mut label_room = vec![0.0_f64; layer_count];
    for ((chain, &label), &r) in chains.iter().zip(&input.labels).zip(&reversed) {
        // The label goes on the segment into the edge's target; for a reversed edge that is
        // the first segment of its chain.
        let end = if r { chain.get(1) } else { chain.last() };
        if let Some(&end) = end {
            let layer = vertices[end].layer;
            label_room[layer] = label_room[layer].max(label);
        }
    }
    let mut column_x = vec![0.0_f64; layer_count];
    let mut x = MARGIN + if cluster_count > 0 { CLUSTER_PAD } else { 0.0 };
    for layer in 0..layer_count {
        if layer > 0 {
            x += LAYER_GAP + label_room[layer];
        }
        column_x[layer] = x;
        x += column_width[layer];
    }
    let top = MARGIN
        + if cluster_count > 0 {
            CLUSTER_PAD + CLUSTER_LABEL
        } else {
            0.0
        };
    let boxes: Vec<Rect> = (0..n)
        .map(|i| {
            let v = &vertices[i];
            Rect {
                x: column_x[v.layer] + (column_width[v.layer] - v.w) / 2.0,
                y: top + v.y,
                w: v.w,
                h: v.h,
            }
        })
        .collect();

    let routes = edges
        .iter()
        .zip(&chains)
        .zip(&reversed)
        .map(|((&(a, b), chain), &r)| {
            if a >= n {
                return Route::default();
            }
            if a == b {
                return self_loop(&boxes[a]);
            }
            let mut points = Vec::with_capacity(chain.len() * 2);
            for (k, &v) in chain.iter().enumerate() {
                let vertex = &vertices[v];
                let y = top + vertex.y + vertex.h / 2.0;
                if v < n {
                    let b = &boxes[v];
                    points.push((if k == 0 { b.right() } else { b.x }, y));
                } else {
                    let left = column_x[vertex.layer];
                    points.push((left, y));
                    points.push((left + column_width[vertex.layer], y));
                }
            }
            if r {
                points.reverse();
            }
            Route {
                points,
                reversed: r,
            }
        })
        .collect();

    let mut clusters: Vec<Option<Rect>> = vec![None; cluster_count];
    for (i, b) in boxes.iter().enumerate() {
        let Some(c) = input.clusters.get(i).copied().flatten() else {
            continue;
        };
        let padded = Rect {
            x: b.x - CLUSTER_PAD,
            y: b.y - CLUSTER_PAD - CLUSTER_LABEL,
            w: b.w + 2.0 * CLUSTER_PAD,
            h: b.h + 2.0 * CLUSTER_PAD + CLUSTER_LABEL,
        };
        clusters[c] = Some(match clusters[c] {
            None => padded,
            Some(r) => {
                let x = r.x.min(padded.x);
                let y = r.y.min(padded.y);
                Rect {
                    x,
                    y,
                    w: r.right().max(padded.right()) - x,
                    h: r.bottom().max(padded.bottom()) - y,
                }
            }
        });
    }
    let mut width = x + MARGIN;
    let mut height = top + bands.last().map_or(0.0, |b| b.1) + MARGIN;
    for rect in boxes.iter().chain(clusters.iter().flatten()) {
        width = width.max(rect.right() + MARGIN);
        height = height.max(rect.bottom() + MARGIN);
    }
    Layout {
        boxes,
        layers,
        routes,
        clusters,
        width,
        height,
    }
}

/// Which edges a depth-first search from each node in graph order finds going back to a node
/// still on the stack: reversing them leaves the graph acyclic.
fn back_edges(n: usize, edges: &[(usize, usize)]) -> Vec<bool> {
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (e, &(a, _)) in edges.iter().enumerate() {
        if a < n {
            out[a].push(e);
        }
    }
    let mut reversed = vec![false; edges.len()];
    // 0: not seen, 1: on the stack, 2: done.
    let mut state = vec![0u8; n];
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for root in 0..n {
        if state[root] != 0 {
            continue;
        }
        state[root] = 1;
        stack.push((root, 0));
        while let Some(top) = stack.last_mut() {
            let (v, i) = *top;
            if let Some(&e) = out[v].get(i) {
                top.1 += 1;
                let w = edges[e].1;
                if w == v {
                    continue;
                }
                match state[w] {
                    0 => {
                        state[w] = 1;
                        stack.push((w, 0));
                    }
                    1 => reversed[e] = true,
                    _ => {}
                }
            } else {
                state[v] = 2;
                stack.pop();
            }
        }
    }
    reversed
}

/// Longest-path layers of an acyclic graph; a node without predecessors moves up to just
/// before its nearest successor, so it does not drag a long edge behind it.
fn layering(n: usize, dag: &[Option<(usize, usize)>]) -> Vec<usize> {
    let mut succs: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut indegree = vec![0usize; n];
    for &(a, b) in dag.iter().flatten() {
        succs[a].push(b);
        indegree[b] += 1;
    }
    let sources: Vec<bool> = indegree.iter().map(|&d| d == 0).collect();
    let mut queue: VecDeque<usize> = (0..n).filter(|&v| indegree[v] == 0).collect();
    let mut topological = Vec::with_capacity(n);
    let mut layer = vec![0usize; n];
    while let Some(v) = queue.pop_front() {
        topological.push(v);
        for &w in &succs[v] {
            layer[w] = layer[w].max(layer[v] + 1);
            indegree[w] -= 1;
            if indegree[w] == 0 {
                queue.push_back(w);
            }
        }
    }
    for &v in topological.iter().rev() {
        if sources[v]
            && let Some(nearest) = succs[v].iter().map(|&w| layer[w]).min()
        {
            layer[v] = nearest.saturating_sub(1).max(layer[v]);
        }
    }
    layer
}

/// Orders each layer by the barycenter of its neighbours in the layer before (sweeping down)
/// or after (sweeping up), keeping each band's vertices together, bands in order.
fn reduce_crossings(
    vertices: &[Vertex],
    preds: &[Vec<usize>],
    succs: &[Vec<usize>],
    order: &mut [Vec<usize>],
) {
    let mut position = vec![0usize; vertices.len()];
    for layer in order.iter() {
        for (i, &v) in layer.iter().enumerate() {
            position[v] = i;
        }
    }
    let layer_count = order.len();
    // The first pass only groups bands.
    for layer in order.iter_mut() {
        layer.sort_by_key(|&v| (vertices[v].band, position[v]));
        for (i, &v) in layer.iter().enumerate() {
            position[v] = i;
        }
    }
    for sweep in 0..SWEEPS {
        let down = sweep % 2 == 0;
        let layers: Vec<usize> = if down {
            (1..layer_count).collect()
        } else {
            (0..layer_count.saturating_sub(1)).rev().collect()
        };
        let neighbours = if down { preds } else { succs };
        for l in layers {
            let layer = &mut order[l];
            let mut keyed: Vec<(usize, f64, usize, usize)> = layer
                .iter()
                .map(|&v| {
                    let around = &neighbours[v];
                    let barycenter = if around.is_empty() {
                        position[v] as f64
                    } else {
                        around.iter().map(|&w| position[w] as f64).sum::<f64>()
                            / around.len() as f64
                    };
                    (vertices[v].band, barycenter, position[v], v)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)).then(a.2.cmp(&b.2)));
            for (i, k) in keyed.iter().enumerate() {
                layer[i] = k.3;
                position[k.3] = i;
            }
        }
    }
}

/// Gives every vertex an initial `y` (relative to the top of the drawing): bands one under
/// another, each as tall as its tallest layer, each layer's part of a band centred in it.
/// Returns each band's top and bottom.
fn stack(
    vertices: &mut [Vertex],
    order: &[Vec<usize>],
    band_count: usize,
    clustered: bool,
) -> Vec<(f64, f64)> {
    let mut band_height = vec![0.0_f64; band_count];
    let mut per_layer: Vec<Vec<f64>> = Vec::with_capacity(order.len());
    for layer in order {
        let mut heights = vec![0.0_f64; band_count];
        let mut counts = vec![0usize; band_count];
        for &v in layer {
            heights[vertices[v].band] += vertices[v].h;
            counts[vertices[v].band] += 1;
        }
        for b in 0..band_count {
            if counts[b] > 1 {
                heights[b] += NODE_GAP * (counts[b] - 1) as f64;
            }
            band_height[b] = band_height[b].max(heights[b]);
        }
        per_layer.push(heights);
    }
    // Between two bands: the bottom padding of one cluster, the label and top padding of the
    // next, and a gap.
    let band_gap = if clustered {
        2.0 * CLUSTER_PAD + CLUSTER_LABEL + NODE_GAP
    } else {
        NODE_GAP
    };
    let mut bands = Vec::with_capacity(band_count);
    let mut y = 0.0;
    for &height in &band_height {
        if height > 0.0 && y > 0.0 {
            y += band_gap;
        }
        bands.push((y, y + height));
        y += height;
    }
    for (layer, heights) in order.iter().zip(&per_layer) {
        let mut next: Vec<f64> = bands
            .iter()
            .zip(heights)
            .map(|(&(top, bottom), &h)| top + (bottom - top - h) / 2.0)
            .collect();
        for &v in layer {
            let band = vertices[v].band;
            vertices[v].y = next[band];
            next[band] += vertices[v].h + NODE_GAP;
        }
    }
    bands
}

/// Moves each vertex of one layer toward the median centre of its neighbours, keeping the
/// layer's order, the gaps between vertices and every vertex inside its band.
fn pull(vertices: &mut [Vertex], layer: &[usize], neighbours: &[Vec<usize>], bands: &[(f64, f64)]) {
    let desired: Vec<f64> = layer
        .iter()
        .map(|&v| {
            let mut centres: Vec<f64> = neighbours[v]
                .iter()
                .map(|&w| vertices[w].y + vertices[w].h / 2.0)
                .collect();
            if centres.is_empty() {
                return vertices[v].y;
            }
            centres.sort_by(f64::total_cmp);
            let m = centres.len();
            let median = if m % 2 == 1 {
                centres[m / 2]
            } else {
                (centres[m / 2 - 1] + centres[m / 2]) / 2.0
            };
            median - vertices[v].h / 2.0
        })
        .collect();
    // Each band's run of the layer separately.
    let mut start = 0;
    while start < layer.len() {
        let band = vertices[layer[start]].band;
        let mut end = start;
        while end < layer.len() && vertices[layer[end]].band == band {
            end += 1;
        }
        let (top, bottom) = bands[band];
        let mut floor = top;
        for k in start..end {
            let v = layer[k];
            let y = desired[k].max(floor);
            vertices[v].y = y;
            floor = y + vertices[v].h + NODE_GAP;
        }
        let mut ceiling = bottom;
        for k in (start..end).rev() {
            let v = layer[k];
            let y = vertices[v].y.min(ceiling - vertices[v].h);
            vertices[v].y = y;
            ceiling = y - NODE_GAP;
        }
        start = end;
    }
}

/// A loop from a node's right side round to its top.
fn self_loop(b: &Rect) -> Route {
    let (cx, cy) = b.centre();
    let out = b.right() + 16.0;
    let above = b.y - 12.0;
    Route {
        points: vec![
            (b.right(), cy),
            (out, cy),
            (out, above),
            (cx, above),
            (cx, b.y),
        ],
        reversed: false,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Whether a point lies on the border of a box (within rounding).
    fn on_border(p: (f64, f64), b: &Rect) -> bool {
        let near = |a: f64, c: f64| (a - c).abs() < 1e-6;
        let within = |a: f64, lo: f64, hi: f64| a >= lo - 1e-6 && a <= hi + 1e-6;
        ((near(p.0, b.x) || near(p.0, b.right())) && within(p.1, b.y, b.bottom()))
            || ((near(p.1, b.y) || near(p.1, b.bottom())) && within(p.0, b.x, b.right()))
    }

    fn check(input: &Input, layout: &Layout) {
        let n = input.sizes.len();
        for i in 0..n {
            for j in i + 1..n {
                assert!(
                    !layout.boxes[i].overlaps(&layout.boxes[j]),
                    "{i} {:?} overlaps {j} {:?}",
                    layout.boxes[i],
                    layout.boxes[j]
                );
            }
        }
        for (e, &(a, b)) in input.edges.iter().enumerate() {
            let points = &layout.routes[e].points;
            let (first, last) = (points[0], points[points.len() - 1]);
            assert!(on_border(first, &layout.boxes[a]), "edge {e} start");
            assert!(on_border(last, &layout.boxes[b]), "edge {e} end");
            if a != b {
                assert_eq!(
                    layout.layers[a] < layout.layers[b],
                    !layout.routes[e].reversed,
                    "edge {e} against the layers"
                );
            }
        }
        for (c, rect) in layout.clusters.iter().enumerate() {
            let members: Vec<usize> = (0..n).filter(|&i| input.clusters[i] == Some(c)).collect();
            let Some(rect) = rect else {
                assert!(members.is_empty());
                continue;
            };
            for i in 0..n {
                if members.contains(&i) {
                    assert!(rect.contains(&layout.boxes[i]), "cluster {c} misses {i}");
                } else {
                    assert!(!rect.overlaps(&layout.boxes[i]), "cluster {c} covers {i}");
                }
            }
        }
        for b in &layout.boxes {
            assert!(b.right() <= layout.width && b.bottom() <= layout.height);
        }
    }

    /// A ring with a chord, two clusters and a node outside both.
    fn sample() -> Input {
        Input {
            sizes: vec![
                (80.0, 30.0),
                (120.0, 30.0),
                (60.0, 30.0),
                (90.0, 30.0),
                (70.0, 30.0),
            ],
            clusters: vec![Some(0), Some(1), Some(0), None, Some(1)],
            edges: vec![(0, 1), (1, 2), (2, 0), (0, 3), (3, 4), (0, 4), (4, 4)],
            labels: vec![0.0, 40.0, 0.0, 0.0, 0.0, 30.0, 0.0],
        }
    }

    #[test]
    fn boxes_do_not_overlap_and_edges_attach() {
        let input = sample();
        check(&input, &layout(&input));
        let mut flat = sample();
        flat.clusters = vec![None; 5];
        check(&flat, &layout(&flat));
    }

    #[test]
    fn cycles_are_broken_by_reversing_back_edges() {
        let input = sample();
        let result = layout(&input);
        // 2 -> 0 closes the ring 0 -> 1 -> 2.
        assert!(result.routes[2].reversed);
        assert!(!result.routes[0].reversed && !result.routes[1].reversed);
    }

    #[test]
    fn the_layout_is_deterministic() {
        let input = sample();
        assert_eq!(layout(&input), layout(&input));
    }

    #[test]
    fn long_edges_bend_through_dummies_between_the_layers() {
        let input = Input {
            sizes: vec![(50.0, 30.0); 4],
            clusters: vec![None; 4],
            edges: vec![(0, 1), (1, 2), (2, 3), (0, 3)],
            labels: vec![0.0; 4],
        };
        let result = layout(&input);
        assert_eq!(result.layers, vec![0, 1, 2, 3]);
        // Two dummies, each entered and left: 2 ends and 4 bends.
        assert_eq!(result.routes[3].points.len(), 6);
        check(&input, &result);
    }

    #[test]
    fn an_empty_graph_has_an_empty_layout() {
        let result = layout(&Input::default());
        assert!(result.boxes.is_empty() && result.routes.is_empty());
    }

    fn graphs() -> impl Strategy<Value = Input> {
        (1usize..40).prop_flat_map(|n| {
            (
                prop::collection::vec((20.0f64..200.0, 20.0f64..50.0), n),
                prop::collection::vec(prop::option::of(0usize..4), n),
                prop::collection::vec((0..n, 0..n), 0..n * 3),
            )
                .prop_map(|(sizes, clusters, edges)| {
                    // Self-loops included: they are drawn as a loop on the node.
                    Input {
                        labels: vec![10.0; edges.len()],
                        sizes,
                        clusters,
                        edges,
                    }
                })
        })
    }

    proptest! {
        #[test]
        fn any_graph_lays_out_without_overlaps(input in graphs()) {
            check(&input, &layout(&input));
        }
    }
}
