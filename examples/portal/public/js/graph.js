// A small radial SVG graph: the entity in the centre, related entities around it.
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

function node(x, y, ref, isCentre) {
  const label = truncate(humanRef(ref), isCentre ? 24 : 18);
  const w = Math.max(64, label.length * 7 + 20);
  const group = s('g', { class: `node kind-${ref.kind}${isCentre ? ' centre' : ''}`, transform: `translate(${x.toFixed(1)} ${y.toFixed(1)})` },
    s('title', null, `${ref.kind}:${ref.namespace}/${ref.name}`),
    s('rect', { x: -w / 2, y: -17, width: w, height: 34, rx: 8 }),
    s('text', { y: -3, 'text-anchor': 'middle', class: 'node-kind' }, ref.kind),
    s('text', { y: 11, 'text-anchor': 'middle', class: 'node-name' }, label));
  if (isCentre) return group;
  const link = s('a', { href: entityHref(ref), class: 'graph-link' });
  link.append(group);
  return link;
}

function truncate(text, max) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
