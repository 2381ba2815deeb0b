// Small radial SVG graphs: the entity in the centre, related entities around it (one hop from
// its own relations, two hops from the catalog's graph query).
import { s } from './dom.js';
import { entityHref, humanRef, parseRef } from './refs.js';

const MAX_NODES = 24;

/** Short edge labels keyed by relation type. */
const LABELS = {
  ownedBy: 'owned by', ownerOf: 'owns', partOf: 'part of', hasPart: 'has part',
  providesApi: 'provides', apiProvidedBy: 'provided by', consumesApi: 'consumes', apiConsumedBy: 'consumed by',
  dependsOn: 'depends on', dependencyOf: 'dependency of', memberOf: 'member of', hasMember: 'has member',
  childOf: 'child of', parentOf: 'parent of',
};

export function relationGraph(entity, relations) {
  // One node per target; several relation types to one target share a node.
  const targets = new Map();
  for (const rel of relations) {
    if (typeof rel?.targetRef !== 'string') continue;
    const entry = targets.get(rel.targetRef) ?? [];
    entry.push(LABELS[rel.type] ?? rel.type);
    targets.set(rel.targetRef, entry);
  }
  const nodes = [...targets.entries()].slice(0, MAX_NODES);
  const width = 560;
  const height = nodes.length > 12 ? 460 : 380;
  const cx = width / 2;
  const cy = height / 2;
  const rx = width / 2 - 90;
  const ry = height / 2 - 40;

  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, class: 'graph', role: 'img', 'aria-label': `Relations of ${entity.metadata.name}` });
  const edges = s('g', { class: 'edges' });
  const labels = s('g', { class: 'edge-labels' });
  const nodeLayer = s('g', { class: 'nodes' });
  svg.append(edges, labels, nodeLayer);

  nodes.forEach(([targetRef, types], i) => {
    const angle = (2 * Math.PI * i) / nodes.length - Math.PI / 2;
    const x = cx + rx * Math.cos(angle);
    const y = cy + ry * Math.sin(angle);
    const target = parseRef(targetRef);
    edges.append(s('line', { x1: cx, y1: cy, x2: x, y2: y }));
    labels.append(s('text', { x: (cx + x) / 2, y: (cy + y) / 2 - 3, 'text-anchor': 'middle' }, types.join(', ')));
    nodeLayer.append(node(x, y, target, false));
  });
  const self = parseRef(`${entity.kind}:${entity.metadata.namespace ?? 'default'}/${entity.metadata.name}`);
  nodeLayer.append(node(cx, cy, self, true));
  if (targets.size > MAX_NODES) {
    svg.append(s('text', { x: 8, y: height - 8, class: 'more' }, `+${targets.size - MAX_NODES} more (see list)`));
  }
  return svg;
}

function node(x, y, ref, isCentre, hop = 1) {
  const label = truncate(humanRef(ref), isCentre ? 24 : 18);
  const w = Math.max(64, label.length * 7 + 20);
  const group = s('g', { class: `node kind-${ref.kind}${isCentre ? ' centre' : ''}`, transform: `translate(${x.toFixed(1)} ${y.toFixed(1)})` },
    s('title', null, `${ref.kind}:${ref.namespace}/${ref.name}`),
    s('rect', { x: -w / 2, y: -17, width: w, height: 34, rx: 8 }),
    s('text', { y: -3, 'text-anchor': 'middle', class: 'node-kind' }, ref.kind),
    s('text', { y: 11, 'text-anchor': 'middle', class: 'node-name' }, label));
  if (isCentre) return group;
  const link = s('a', { href: entityHref(ref), class: `graph-link hop-${hop}` });
  link.append(group);
  return link;
}

function truncate(text, max) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const MAX_OUTER = 24;

/**
 * Two hops from the graph query (`POST /entities/graph`): the entity in the centre, the
 * entities it relates to on an inner ring (edges labelled), and theirs on an outer ring, each
 * placed after the first inner node that reaches it.
 */
export function twoHopGraph(entity, graph) {
  const nodes = Array.isArray(graph?.nodes) ? graph.nodes : [];
  const edges = Array.isArray(graph?.edges) ? graph.edges : [];
  const centreRef = nodes.find((n) => n.depth === 0)?.entityRef;
  const inner = nodes.filter((n) => n.depth === 1).slice(0, MAX_NODES).map((n) => n.entityRef);
  const innerSet = new Set(inner);
  // Outer nodes in the order of the inner node that first reaches them.
  const outer = [];
  const parentOf = new Map();
  for (const ref of inner) {
    for (const e of edges) {
      if (e.sourceEntityRef !== ref || parentOf.has(e.targetEntityRef)) continue;
      const target = nodes.find((n) => n.entityRef === e.targetEntityRef);
      if (target?.depth !== 2) continue;
      parentOf.set(e.targetEntityRef, ref);
      outer.push(e.targetEntityRef);
    }
  }
  const shownOuter = outer.slice(0, MAX_OUTER);
  const width = 760;
  const height = 560;
  const cx = width / 2;
  const cy = height / 2;
  const at = (i, count, rx, ry) => {
    const angle = (2 * Math.PI * i) / Math.max(count, 1) - Math.PI / 2;
    return [cx + rx * Math.cos(angle), cy + ry * Math.sin(angle)];
  };
  const pos = new Map([[centreRef, [cx, cy]]]);
  inner.forEach((ref, i) => pos.set(ref, at(i, inner.length, 170, 140)));
  shownOuter.forEach((ref, i) => pos.set(ref, at(i + 0.5, shownOuter.length, 330, 250)));

  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, class: 'graph two-hop', role: 'img', 'aria-label': `Relations of ${entity.metadata.name}, two hops` });
  const edgeLayer = s('g', { class: 'edges' });
  const labels = s('g', { class: 'edge-labels' });
  const nodeLayer = s('g', { class: 'nodes' });
  svg.append(edgeLayer, labels, nodeLayer);
  const centreTypes = new Map();
  for (const e of edges) {
    if (e.sourceEntityRef === centreRef && innerSet.has(e.targetEntityRef)) {
      centreTypes.set(e.targetEntityRef, [...(centreTypes.get(e.targetEntityRef) ?? []), LABELS[e.type] ?? e.type]);
    }
  }
  for (const ref of inner) {
    const [x, y] = pos.get(ref);
    edgeLayer.append(s('line', { x1: cx, y1: cy, x2: x, y2: y }));
    labels.append(s('text', { x: (cx + x) / 2, y: (cy + y) / 2 - 3, 'text-anchor': 'middle' }, (centreTypes.get(ref) ?? []).join(', ')));
    nodeLayer.append(node(x, y, parseRef(ref), false, 1));
  }
  for (const ref of shownOuter) {
    const [x1, y1] = pos.get(parentOf.get(ref));
    const [x, y] = pos.get(ref);
    edgeLayer.append(s('line', { x1, y1, x2: x, y2: y, class: 'hop-2' }));
    nodeLayer.append(node(x, y, parseRef(ref), false, 2));
  }
  nodeLayer.append(node(cx, cy, parseRef(centreRef ?? refOfEntity(entity)), true, 0));
  const hidden = outer.length - shownOuter.length + (graph?.truncated ? 1 : 0);
  if (hidden > 0) svg.append(s('text', { x: 8, y: height - 8, class: 'more' }, graph?.truncated ? 'More entities two hops away (see the lists)' : `+${hidden} more two hops away`));
  return svg;
}

function refOfEntity(entity) {
  return `${entity.kind}:${entity.metadata.namespace ?? 'default'}/${entity.metadata.name}`.toLowerCase();
}
