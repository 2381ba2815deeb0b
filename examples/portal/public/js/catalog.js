// Catalog table: facets (kind, type, owner, lifecycle, tags), text search, cursor pagination.
import { h, mount, notice, chip } from './dom.js';
import { catalogApi, catalogLocationsApi } from './api.js';
import { allowed } from './session.js';
import { entityHref, humanRef, parseRef } from './refs.js';
import { declaredColumns, loadDeclaredKinds } from './declared-kinds.js';

const FACETS = [
  { field: 'kind', label: 'Kind' },
  { field: 'spec.type', label: 'Type' },
  { field: 'spec.owner', label: 'Owner' },
  { field: 'spec.lifecycle', label: 'Lifecycle' },
  { field: 'metadata.tags', label: 'Tags' },
];
const PAGE_SIZE = 20;

// The catalog's filter state survives navigating to an entity and back.
const state = { selected: new Map(), text: '', cursor: undefined };

/** `kind=component,kind=api,spec.owner=x`: same key = any of, different keys = all of. */
export function buildFilter(selected) {
  const parts = [];
  for (const [field, values] of selected) for (const value of values) parts.push(`${field}=${value}`);
  return parts.length ? parts.join(',') : undefined;
}

export async function catalogPage({ root, signal }, query) {
  if (query.has('kind')) {
    state.selected = new Map([['kind', new Set(query.getAll('kind').map((k) => k.toLowerCase()))]]);
    state.cursor = undefined;
  }
  const search = h('input', {
    type: 'search', placeholder: 'Filter by text…', value: state.text, 'aria-label': 'Filter entities by text', id: 'catalog-text',
  });
  const facetsEl = h('aside', { class: 'facets', 'aria-label': 'Filters' });
  const tableEl = h('div', { class: 'table-wrap' });
  const pagerEl = h('div', { class: 'pager' });
  const summaryEl = h('p', { class: 'muted summary', id: 'catalog-summary' });
  mount(root,
    h('div', { class: 'page-head' },
      h('h1', null, 'Software catalog'),
      // Shown only when the policy lets this user run templates; the API refuses them regardless.
      allowed('scaffolder.task.create') ? h('a', { class: 'button', href: '#/create', id: 'create-link' }, 'Create…') : null),
    allowed('catalog.location.create') ? registerForm() : null,
    h('div', { class: 'catalog-layout' },
      facetsEl,
      h('section', { class: 'catalog-main' },
        h('div', { class: 'toolbar' }, search, summaryEl),
        tableEl,
        pagerEl)));

  let debounce;
  search.addEventListener('input', () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => {
      state.text = search.value.trim();
      state.cursor = undefined;
      loadTable();
    }, 250);
  });

  let facetData = {};
  // Built-in facets, then those of kinds declared in YAML (declared-kinds.js).
  let facets = FACETS;
  let declared = [];
  async function loadFacets() {
    declared = await loadDeclaredKinds().catch(() => []);
    facets = [...FACETS, ...declared.flatMap((k) => k.facets)];
    const res = await catalogApi.facets(facets.map((f) => f.field));
    if (signal.aborted) return;
    facetData = res.facets ?? {};
    renderFacets();
  }

  function renderFacets() {
    mount(facetsEl,
      h('div', { class: 'facets-head' },
        h('h2', null, 'Filters'),
        h('button', {
          type: 'button', class: 'linklike', id: 'clear-filters',
          onclick: () => { state.selected.clear(); state.cursor = undefined; renderFacets(); loadTable(); },
        }, 'Clear')),
      facets.map(({ field, label }) => {
        const values = [...(facetData[field] ?? [])].sort((a, b) => b.count - a.count || String(a.value).localeCompare(String(b.value)));
        if (!values.length) return null;
        const chosen = state.selected.get(field) ?? new Set();
        return h('fieldset', { class: 'facet', 'data-facet': field },
          h('legend', null, label),
          h('div', { class: 'facet-values' }, values.map(({ value, count }) => {
            const key = String(value).toLowerCase();
            const box = h('input', {
              type: 'checkbox', value: key, checked: chosen.has(key), 'data-facet-value': key,
              onchange: (event) => {
                const set = state.selected.get(field) ?? new Set();
                if (event.target.checked) set.add(key); else set.delete(key);
                if (set.size) state.selected.set(field, set); else state.selected.delete(field);
                state.cursor = undefined;
                loadTable();
              },
            });
            const text = field === 'spec.owner' ? humanRef(parseRef(String(value), { kind: 'group' })) : String(value);
            return h('label', { class: 'facet-value' }, box, h('span', { class: 'facet-label' }, text), h('span', { class: 'count' }, String(count)));
          })));
      }));
  }

  let loadSeq = 0;
  async function loadTable() {
    const seq = ++loadSeq;
    tableEl.setAttribute('aria-busy', 'true');
    // Backstage encodes filter and order in the cursor, so a page request only sends the cursor.
    const params = state.cursor
      ? { cursor: state.cursor, limit: PAGE_SIZE }
      : {
        filter: buildFilter(state.selected),
        fullTextFilterTerm: state.text || undefined,
        fullTextFilterFields: state.text ? 'metadata.name,metadata.title,metadata.description' : undefined,
        orderField: 'metadata.name,asc',
        limit: PAGE_SIZE,
      };
    let res;
    try {
      res = await catalogApi.query(params);
    } catch (error) {
      if (seq === loadSeq && !signal.aborted) mount(tableEl, notice('error', `Could not load entities: ${error.message}`));
      return;
    }
    if (seq !== loadSeq || signal.aborted) return;
    tableEl.removeAttribute('aria-busy');
    renderTable(res.items ?? []);
    const total = res.totalItems ?? res.items?.length ?? 0;
    summaryEl.textContent = `${total} ${total === 1 ? 'entity' : 'entities'}`;
    mount(pagerEl,
      h('button', { type: 'button', id: 'prev-page', disabled: !res.pageInfo?.prevCursor, onclick: () => { state.cursor = res.pageInfo.prevCursor; loadTable(); } }, '← Previous'),
      h('button', { type: 'button', id: 'next-page', disabled: !res.pageInfo?.nextCursor, onclick: () => { state.cursor = res.pageInfo.nextCursor; loadTable(); } }, 'Next →'));
  }

  function renderTable(items) {
    if (!items.length) {
      mount(tableEl, notice('info', 'No entities match these filters.'));
      return;
    }
    const extra = declaredColumns(declared, items);
    mount(tableEl, h('table', { class: 'entities' },
      h('thead', null, h('tr', null, ['Name', 'Kind', 'Type', 'Owner', 'System', 'Lifecycle', 'Tags', 'Description', ...extra.map((c) => c.title)].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, items.map((e) => {
        const ns = e.metadata.namespace ?? 'default';
        const ref = { kind: e.kind.toLowerCase(), namespace: ns, name: e.metadata.name };
        const owner = typeof e.spec?.owner === 'string' ? parseRef(e.spec.owner, { kind: 'group', namespace: ns }) : null;
        const system = typeof e.spec?.system === 'string' ? parseRef(e.spec.system, { kind: 'system', namespace: ns }) : null;
        return h('tr', { 'data-entity-ref': `${ref.kind}:${ns}/${ref.name}` },
          h('td', null, h('a', { href: entityHref(ref), class: 'entity-link' }, e.metadata.title ?? e.metadata.name)),
          h('td', null, e.kind),
          h('td', null, typeof e.spec?.type === 'string' ? e.spec.type : ''),
          h('td', null, owner ? h('a', { href: entityHref(owner) }, humanRef(owner)) : ''),
          h('td', null, system ? h('a', { href: entityHref(system) }, humanRef(system)) : ''),
          h('td', null, typeof e.spec?.lifecycle === 'string' ? chip(e.spec.lifecycle, `lifecycle-${e.spec.lifecycle}`) : ''),
          h('td', { class: 'tags' }, (e.metadata.tags ?? []).map((t) => chip(t))),
          h('td', { class: 'description' }, e.metadata.description ?? ''),
          extra.map((c) => c.cell(e)));
      }))));
  }

  // Facets first: they load the declared kinds whose columns the table shows.
  await loadFacets().catch((error) => mount(facetsEl, notice('error', `Facets unavailable: ${error.message}`)));
  await loadTable();
}

/** "Register an existing component": `POST /api/catalog/locations` with a catalog file's URL. */
function registerForm() {
  const input = h('input', { type: 'url', name: 'target', required: true, id: 'register-target', placeholder: 'https://git.example.com/org/repo/blob/main/catalog-info.yaml', 'aria-label': 'Catalog file URL' });
  const result = h('div', { id: 'register-result' });
  const button = h('button', { type: 'submit' }, 'Register');
  return h('details', { class: 'card register-location', id: 'register-location' },
    h('summary', null, 'Register an existing component'),
    h('form', {
      onsubmit: async (event) => {
        event.preventDefault();
        button.disabled = true;
        try {
          const { entities = [] } = await catalogLocationsApi.register(input.value.trim());
          mount(result, notice('info', `Registered ${entities.length} ${entities.length === 1 ? 'entity' : 'entities'}: `,
            entities.map((e, i) => [i ? ', ' : '', h('a', { href: entityHref(parseRef(`${e.kind}:${e.metadata.namespace ?? 'default'}/${e.metadata.name}`)) }, e.metadata.name)])));
        } catch (error) {
          mount(result, notice('error', `Could not register: ${error.message}`));
        } finally {
          button.disabled = false;
        }
      },
    }, input, ' ', button),
    result);
}
