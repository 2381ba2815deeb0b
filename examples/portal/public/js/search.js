// Global search over /api/search, results grouped by document type.
import { h, mount, notice } from './dom.js';
import { catalogApi, searchApi } from './api.js';
import { docsHref, entityHref, refOf } from './refs.js';

const TYPE_LABELS = { 'software-catalog': 'Catalog', techdocs: 'Documentation' };

/** Maps a search document `location` (Backstage app paths) to a hash route of this UI. */
export function locationToHash(location) {
  const path = String(location ?? '');
  let m = /^\/catalog\/([^/]+)\/([^/]+)\/([^/?#]+)/.exec(path);
  if (m) return `#/entity/${m[2].toLowerCase()}/${m[1]}/${m[3]}`;
  m = /^\/docs\/([^/]+)\/([^/]+)\/([^/?#]+)\/?([^#]*)(#(.*))?$/.exec(path);
  if (m) return `${docsHref({ namespace: m[1], kind: m[2].toLowerCase(), name: m[3] }, m[4] ?? '')}${m[6] ? `?a=${encodeURIComponent(m[6])}` : ''}`;
  if (path.startsWith('#/')) return path;
  return null;
}

export async function searchPage({ root, signal }, term) {
  const input = document.querySelector('#global-search input');
  if (input && input.value !== term) input.value = term;
  mount(root, h('h1', null, 'Search'), h('p', { class: 'muted' }, term ? `Searching for “${term}”…` : 'Type in the search box above.'));
  if (!term) return;

  let results;
  let total;
  let fallback = false;
  try {
    const res = await searchApi.query(term);
    results = Array.isArray(res.results) ? res.results : [];
    total = res.numberOfResults ?? results.length;
  } catch (error) {
    if (error.status !== 404) throw error;
    // No search plugin mounted: fall back to the catalog's full-text filter.
    fallback = true;
    const res = await catalogApi.query({ fullTextFilterTerm: term, limit: 50, orderField: 'metadata.name,asc' });
    results = (res.items ?? []).map((e) => ({
      type: 'software-catalog',
      document: { title: e.metadata.title ?? e.metadata.name, text: e.metadata.description ?? '', location: entityHref(refOf(e)) },
    }));
    total = res.totalItems ?? results.length;
  }
  if (signal.aborted) return;

  const groups = new Map();
  for (const r of results) {
    const type = String(r.type ?? 'other');
    if (!groups.has(type)) groups.set(type, []);
    groups.get(type).push(r);
  }
  mount(root,
    h('h1', null, 'Search'),
    h('p', { class: 'muted', id: 'search-summary' }, `${total} result${total === 1 ? '' : 's'} for “${term}”${fallback ? ' (catalog only)' : ''}`),
    results.length ? null : notice('info', 'Nothing found.'),
    [...groups.entries()].map(([type, items]) => h('section', { class: 'card search-group', 'data-type': type },
      h('h2', null, TYPE_LABELS[type] ?? type, h('span', { class: 'count' }, String(items.length))),
      h('ul', { class: 'search-results' }, items.map((r) => {
        const doc = r.document ?? {};
        const href = locationToHash(doc.location);
        return h('li', null,
          href ? h('a', { href }, String(doc.title ?? doc.location ?? 'Untitled')) : h('strong', null, String(doc.title ?? 'Untitled')),
          snippet(r));
      })))));
}

/** The result's text: its highlighted fragment when the engine sent one, else the start of the text. */
function snippet(result) {
  const doc = result.document ?? {};
  const { preTag, postTag, fields } = result.highlight ?? {};
  const marked = fields?.text;
  if (typeof marked === 'string' && typeof preTag === 'string' && preTag && typeof postTag === 'string' && postTag) {
    return h('p', { class: 'small muted search-highlight' }, highlighted(marked, preTag, postTag));
  }
  return doc.text ? h('p', { class: 'small muted' }, truncate(String(doc.text), 220)) : null;
}

/**
 * A highlight value (HTML-escaped text with `preTag`/`postTag` around matches, Backstage's shape)
 * as text nodes and `<mark>` elements. It is never parsed as HTML: the pieces are unescaped and
 * set as text, so even an unescaped `<img onerror>` from some engine stays text.
 */
export function highlighted(value, preTag, postTag) {
  const nodes = [];
  for (const [i, part] of value.split(preTag).entries()) {
    const end = i === 0 ? -1 : part.indexOf(postTag);
    if (end < 0) {
      nodes.push(unescapeHtml(part));
      continue;
    }
    nodes.push(h('mark', null, unescapeHtml(part.slice(0, end))), unescapeHtml(part.slice(end + postTag.length)));
  }
  return nodes;
}

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };

function unescapeHtml(text) {
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (_, name) => ENTITIES[name]);
}

function truncate(text, max) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
