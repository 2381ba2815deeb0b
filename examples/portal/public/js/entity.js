// Entity page: about card, grouped relations, relation graph, API definition, docs link.
import { h, mount, notice, chip, isWebUrl } from './dom.js';
import { catalogApi } from './api.js';
import { docsHref, entityHref, humanRef, parseRef, refOf } from './refs.js';
import { relationGraph, twoHopGraph } from './graph.js';
import { scorecardBadges } from './scorecards.js';
import { changeOwnerCard } from './write-back.js';

/** Relation types in display order, with the heading shown for each group. */
export const RELATION_GROUPS = [
  ['ownedBy', 'Owner'],
  ['partOf', 'Part of'],
  ['providesApi', 'Provided APIs'],
  ['consumesApi', 'Consumed APIs'],
  ['apiProvidedBy', 'Provided by'],
  ['apiConsumedBy', 'Consumed by'],
  ['dependsOn', 'Depends on'],
  ['dependencyOf', 'Dependency of'],
  ['hasPart', 'Has parts'],
  ['ownerOf', 'Owns'],
  ['hasMember', 'Members'],
  ['memberOf', 'Member of'],
  ['childOf', 'Parent group'],
  ['parentOf', 'Child groups'],
];

export async function entityPage({ root, signal }, { kind, namespace, name }) {
  mount(root, h('p', { class: 'muted' }, 'Loading entity…'));
  const entity = await catalogApi.byName(kind, namespace, name);
  if (signal.aborted) return;
  const ref = refOf(entity);
  const relations = Array.isArray(entity.relations) ? entity.relations : [];
  const spec = entity.spec ?? {};
  const annotations = entity.metadata.annotations ?? {};
  const hasDocs = typeof annotations['backstage.io/techdocs-ref'] === 'string';

  const aboutRows = [
    ['Kind', entity.kind],
    ['Namespace', entity.metadata.namespace ?? 'default'],
    typeof spec.type === 'string' && ['Type', spec.type],
    typeof spec.lifecycle === 'string' && ['Lifecycle', chip(spec.lifecycle, `lifecycle-${spec.lifecycle}`)],
    typeof spec.owner === 'string' && ['Owner', refLink(parseRef(spec.owner, { kind: 'group', namespace: entity.metadata.namespace }))],
    typeof spec.system === 'string' && ['System', refLink(parseRef(spec.system, { kind: 'system', namespace: entity.metadata.namespace }))],
    typeof spec.domain === 'string' && ['Domain', refLink(parseRef(spec.domain, { kind: 'domain', namespace: entity.metadata.namespace }))],
    spec.profile?.displayName && ['Display name', String(spec.profile.displayName)],
    spec.profile?.email && ['E-mail', h('a', { href: `mailto:${spec.profile.email}` }, String(spec.profile.email))],
    (entity.metadata.tags ?? []).length > 0 && ['Tags', h('span', { class: 'tags' }, entity.metadata.tags.map((t) => chip(t)))],
  ].filter(Boolean);

  const badges = h('div', { class: 'scorecard-badges', id: 'scorecard-badges' });
  scorecardBadges(badges, { kind, namespace, name }, signal);
  const links = Array.isArray(entity.metadata.links) ? entity.metadata.links.filter((l) => typeof l?.url === 'string') : [];

  mount(root,
    h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: '#/catalog' }, 'Catalog'), ' / ', entity.kind),
    h('div', { class: 'page-head' },
      h('div', null,
        h('p', { class: 'eyebrow' }, `${entity.kind}${typeof spec.type === 'string' ? ` · ${spec.type}` : ''}`),
        h('h1', { id: 'entity-title' }, entity.metadata.title ?? entity.metadata.name),
        entity.metadata.description ? h('p', { class: 'lead' }, entity.metadata.description) : null,
        badges),
      hasDocs ? h('a', { class: 'button', href: docsHref(ref), id: 'open-docs' }, 'Read the docs') : null),
    h('div', { class: 'entity-grid' },
      h('section', { class: 'card', 'aria-labelledby': 'about-h' },
        h('h2', { id: 'about-h' }, 'About'),
        h('dl', { class: 'about' }, aboutRows.map(([k, v]) => [h('dt', null, k), h('dd', null, v)])),
        links.length ? [h('h3', null, 'Links'), h('ul', { class: 'links' }, links.map(linkItem))] : null),
      h('section', { class: 'card graph-card', 'aria-labelledby': 'graph-h' },
        h('h2', { id: 'graph-h' }, 'Relations graph'),
        relations.length ? graphSlot(entity, relations, signal) : h('p', { class: 'muted' }, 'No relations.'))),
    h('section', { class: 'card', 'aria-labelledby': 'rel-h', id: 'relations' },
      h('h2', { id: 'rel-h' }, 'Relations'),
      relationGroups(relations)),
    typeof spec.owner === 'string' ? changeOwnerCard(entity, () => entityPage({ root, signal }, { kind, namespace, name })) : null,
    entity.kind.toLowerCase() === 'api' && typeof spec.definition === 'string'
      ? h('section', { class: 'card' }, h('h2', null, 'Definition'), h('pre', { class: 'code' }, h('code', null, spec.definition)))
      : null,
    h('details', { class: 'card raw' }, h('summary', null, 'Raw entity'), h('pre', { class: 'code' }, h('code', null, JSON.stringify(entity, null, 2)))));
}

/**
 * The two-hop relation graph, filled in when the graph query answers (the one-hop graph of the
 * entity's own relations until then, and if the query fails).
 */
function graphSlot(entity, relations, signal) {
  const slot = h('div', { class: 'graph-slot' }, relationGraph(entity, relations));
  catalogApi
    .graph({ rootEntityRefs: [refOf(entity)], maxDepth: 2, maxNodes: 400, limit: 400, fields: ['kind', 'metadata.name', 'metadata.namespace'] })
    .then((graph) => {
      if (!signal.aborted) mount(slot, twoHopGraph(entity, graph));
    })
    .catch(() => {});
  return slot;
}

/**
 * One of `metadata.links`. The catalog accepts any URL there, as Backstage does (`javascript:`
 * too), so only http(s) and mailto URLs become links; anything else is shown as text.
 */
function linkItem(link) {
  const label = typeof link.title === 'string' && link.title.trim() ? link.title : link.url;
  if (!isWebUrl(link.url)) return h('li', { class: 'link-refused' }, label === link.url ? '' : [label, ': '], h('code', null, link.url));
  return h('li', null, h('a', { href: link.url, rel: 'noopener noreferrer', target: '_blank' }, label));
}

function refLink(ref) {
  return h('a', { href: entityHref(ref) }, humanRef(ref));
}

function relationGroups(relations) {
  const byType = new Map();
  for (const rel of relations) {
    if (typeof rel?.type !== 'string' || typeof rel?.targetRef !== 'string') continue;
    if (!byType.has(rel.type)) byType.set(rel.type, new Set());
    byType.get(rel.type).add(rel.targetRef);
  }
  if (!byType.size) return h('p', { class: 'muted' }, 'This entity has no relations.');
  const known = new Map(RELATION_GROUPS);
  const order = [...RELATION_GROUPS.map(([t]) => t), ...[...byType.keys()].filter((t) => !known.has(t)).sort()];
  return h('div', { class: 'relation-groups' }, order.filter((t) => byType.has(t)).map((type) =>
    h('div', { class: 'relation-group', 'data-relation': type },
      h('h3', null, known.get(type) ?? type),
      h('ul', null, [...byType.get(type)].sort().map((target) => {
        const parsed = parseRef(target);
        return h('li', null, h('span', { class: `kind-dot kind-${parsed.kind}` }), h('a', { href: entityHref(parsed) }, humanRef(parsed)), h('span', { class: 'muted small' }, ` ${parsed.kind}`));
      })))));
}
