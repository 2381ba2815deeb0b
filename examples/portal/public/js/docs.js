// TechDocs viewer: loads the built page HTML, sanitizes it, rewrites links to hash routes,
// shows the site navigation and searches the site's search index.
import { h, mount, notice } from './dom.js';
import { catalogApi, getJson, getText, readEventStream, techdocsApi } from './api.js';
import { docsHref, entityHref, humanRef, refOf } from './refs.js';
import { sanitize } from './sanitize.js';
import { docsRouteOf, docsUrls, parseDocsRoute } from './docs-path.js';

const ANNOTATION = 'backstage.io/techdocs-ref';
const ID_PREFIX = 'doc-';

export async function docsIndexPage({ root, signal }) {
  mount(root, h('h1', null, 'Documentation'), h('p', { class: 'muted' }, 'Loading…'));
  let items;
  try {
    // Backstage treats a filter key without a value as "field exists".
    items = (await catalogApi.query({ filter: `metadata.annotations.${ANNOTATION}`, orderField: 'metadata.name,asc', limit: 200 })).items ?? [];
  } catch {
    items = ((await catalogApi.query({ orderField: 'metadata.name,asc', limit: 500 })).items ?? []);
  }
  if (signal.aborted) return;
  items = items.filter((e) => typeof e.metadata.annotations?.[ANNOTATION] === 'string');
  mount(root,
    h('div', { class: 'page-head' }, h('div', null, h('h1', null, 'Documentation'), h('p', { class: 'lead' }, 'Docs-like-code for every component that has a ', h('code', null, ANNOTATION), ' annotation.'))),
    items.length
      ? h('div', { class: 'cards' }, items.map((e) => h('article', { class: 'card doc-card', 'data-docs': e.metadata.name },
        h('p', { class: 'eyebrow' }, e.kind),
        h('h2', null, h('a', { href: docsHref(refOf(e)) }, e.metadata.title ?? e.metadata.name)),
        h('p', null, e.metadata.description ?? ''),
        h('p', { class: 'small' }, h('a', { href: entityHref(refOf(e)) }, 'Catalog entry →')))))
      : notice('info', 'No entity has TechDocs yet.'));
}

const searchIndexes = new Map();

// A named version is published below `.versions/<version>/` of the site (docs/docs-pipeline.md).
const VERSIONS_DIR = '.versions';

/** The version a docs route shows (`latest` for the default site) and its page below it. */
export function versionOfRoute(page) {
  return page[0] === VERSIONS_DIR && page.length >= 2 ? { version: page[1], rest: page.slice(2) } : { version: 'latest', rest: page };
}

/**
 * A select of the site's versions (only when it keeps any): choosing one opens the same page
 * in that version, or its home page when the version has no such page.
 */
function versionSwitch(site, versions) {
  const names = Array.isArray(versions) ? versions.filter((v) => typeof v === 'string' && v !== 'latest') : [];
  if (names.length === 0) return [];
  const { version, rest } = versionOfRoute(site.page);
  const select = h('select', { id: 'docs-version', 'aria-label': 'Documentation version' },
    ['latest', ...names].map((v) => h('option', { value: v, selected: v === version }, v)));
  select.addEventListener('change', () => {
    const chosen = select.value;
    const prefix = chosen === 'latest' ? [] : [VERSIONS_DIR, chosen];
    const rel = [...prefix, ...rest].map(encodeURIComponent).join('/');
    location.hash = docsHref(site, rel && !rel.endsWith('.html') ? `${rel}/` : rel);
  });
  return [h('label', { for: 'docs-version' }, 'Version '), select];
}

/**
 * A docs page: `segments` are the decoded route segments after `docs`. A route that names
 * anything but a page of that entity's own site (`..`, empty segments, encoded separators) is
 * refused before anything is fetched.
 */
export async function docsPage({ root, signal }, segments, query) {
  const site = parseDocsRoute(segments);
  const urls = site && docsUrls(site, location.origin);
  if (!site || !urls) {
    mount(root, h('h1', null, 'Documentation'), notice('error', 'Not a valid docs link: ', h('code', null, location.hash)));
    return;
  }
  const { namespace, kind, name } = site;
  const path = site.page.map(encodeURIComponent).join('/');
  const ref = `${kind}:${namespace}/${name}`;
  const { base: baseUrl, page: pageUrl, file: fileUrl } = urls;
  const base = baseUrl.pathname;

  const navEl = h('nav', { class: 'docs-nav', 'aria-label': 'Documentation pages' });
  const contentEl = h('article', { class: 'docs-content', id: 'docs-content' }, h('p', { class: 'muted' }, 'Loading page…'));
  const tocEl = h('nav', { class: 'docs-toc', 'aria-label': 'On this page' });
  const searchInput = h('input', { type: 'search', placeholder: 'Search these docs…', id: 'docs-search', 'aria-label': 'Search these docs' });
  const resultsEl = h('div', { class: 'docs-results', id: 'docs-search-results' });
  const titleEl = h('h1', { class: 'docs-site-title' }, name);

  mount(root,
    h('nav', { class: 'crumbs' }, h('a', { href: '#/docs' }, 'Docs'), ' / ', h('a', { href: entityHref(ref) }, humanRef(ref))),
    h('div', { class: 'docs-layout' },
      h('aside', { class: 'docs-side' }, titleEl,
        h('form', { class: 'docs-search', role: 'search', onsubmit: (e) => { e.preventDefault(); runSearch(); } }, searchInput),
        resultsEl, navEl),
      contentEl,
      tocEl));

  const versionEl = h('div', { class: 'docs-version' });
  titleEl.after(versionEl);
  techdocsApi.metadata(namespace, kind, name).then((meta) => {
    if (meta?.site_name) titleEl.textContent = meta.site_name;
    if (!signal.aborted) mount(versionEl, ...versionSwitch(site, meta?.versions));
  }).catch(() => {});

  /** Turns a docs-relative URL into a hash route, or null when it is no page of a built site. */
  function toRoute(href, from) {
    let url;
    try {
      url = new URL(href, from);
    } catch {
      return null;
    }
    const target = docsRouteOf(url, location.origin);
    if (!target) return null;
    const rel = target.path.replace(/(^|\/)index\.html$/, '$1').replace(/(^|\/)index\.md$/, '$1').replace(/\.md$/, '/');
    const anchor = url.hash.slice(1);
    return `${docsHref(target.site, rel)}${anchor ? `?a=${encodeURIComponent(anchor)}` : ''}`;
  }

  function rewrite(container, from) {
    for (const el of container.querySelectorAll('[id]')) el.id = ID_PREFIX + el.id;
    for (const a of container.querySelectorAll('a[href]')) {
      const href = a.getAttribute('href');
      if (/^[a-z][a-z0-9+.-]*:/i.test(href) && !href.startsWith(location.origin)) continue;
      const route = toRoute(href, from);
      if (route) a.setAttribute('href', route);
      // On the portal's origin but no docs page (`..%2f`, an API route): not a link at all.
      else if (sameOrigin(href, from)) a.removeAttribute('href');
    }
    for (const img of container.querySelectorAll('img[src]')) {
      try {
        img.setAttribute('src', new URL(img.getAttribute('src'), from).href);
      } catch {
        img.remove();
      }
    }
  }

  const pagePath = fileUrl.pathname;
  let html;
  try {
    html = await getText(pagePath);
  } catch (error) {
    if (signal.aborted) return;
    if (error.status !== 404) {
      mount(contentEl, notice('error', `Could not load docs: ${error.message}`));
      return;
    }
    // Not built yet (e.g. a site created from a template a moment ago): ask TechDocs to build
    // it, as Backstage's reader does, then try once more.
    const built = await syncDocs(contentEl, signal, techdocsApi.syncUrl(namespace, kind, name));
    if (signal.aborted) return;
    html = built ? await getText(pagePath).catch(() => undefined) : undefined;
    if (html === undefined) {
      mount(contentEl, notice('error', 'This page does not exist (or the docs could not be built).'));
      return;
    }
  }
  if (signal.aborted) return;
  const parsed = new DOMParser().parseFromString(html, 'text/html');
  const source = parsed.querySelector('[data-md-component="content"], .md-content article, article, main, [role="main"]') ?? parsed.body;
  const navSource = parsed.querySelector('nav.md-nav--primary, [data-md-component="navigation"], nav.docs-nav, nav');
  navSource?.remove();
  // Theme chrome such as header/footer is not documentation.
  for (const el of source.querySelectorAll('header, footer, .md-header, .md-footer, .headerlink')) el.remove();

  const content = sanitize(source);
  const holder = h('div', null, content);
  rewrite(holder, pageUrl);
  mount(contentEl, ...holder.childNodes);

  if (navSource) {
    const nav = h('div', null, sanitize(navSource));
    rewrite(nav, pageUrl);
    const here = toRoute(pageUrl.href, pageUrl);
    for (const a of nav.querySelectorAll('a')) if (a.getAttribute('href') === here) a.classList.add('current');
    mount(navEl, ...nav.childNodes);
  } else {
    mount(navEl, h('a', { href: docsHref(ref) }, 'Home'));
  }

  const headings = [...contentEl.querySelectorAll('h2[id], h3[id]')];
  if (headings.length) {
    mount(tocEl, h('p', { class: 'toc-title' }, 'On this page'), h('ul', null, headings.map((hd) =>
      h('li', { class: `toc-${hd.localName}` }, h('a', {
        href: `${docsHref(ref, path ? `${path}/` : '')}?a=${encodeURIComponent(hd.id.slice(ID_PREFIX.length))}`,
      }, hd.textContent ?? '')))));
  }

  const anchor = query.get('a');
  if (anchor) document.getElementById(ID_PREFIX + anchor)?.scrollIntoView();
  else window.scrollTo(0, 0);

  async function runSearch() {
    const term = searchInput.value.trim();
    if (!term) {
      mount(resultsEl);
      return;
    }
    let index = searchIndexes.get(base);
    if (!index) {
      try {
        index = await getJson(`${base}search/search_index.json`);
        searchIndexes.set(base, index);
      } catch (error) {
        mount(resultsEl, notice('error', `Search unavailable: ${error.message}`));
        return;
      }
    }
    const hits = searchDocs(index, term).slice(0, 10);
    mount(resultsEl,
      h('p', { class: 'small muted' }, `${hits.length ? hits.length : 'No'} result${hits.length === 1 ? '' : 's'} for “${term}”`),
      h('ul', null, hits.map((hit) => h('li', null,
        h('a', { href: toRoute(hit.location, baseUrl) ?? docsHref(ref) }, hit.title || 'Untitled'),
        hit.snippet ? h('p', { class: 'small muted' }, hit.snippet) : null))));
  }
}

function sameOrigin(href, from) {
  try {
    return new URL(href, from).origin === location.origin;
  } catch {
    return false;
  }
}

/** Streams a TechDocs `/sync` run into `el`; resolves true when the build finished. */
async function syncDocs(el, signal, url) {
  const log = h('pre', { class: 'log', id: 'docs-build-log' });
  mount(el, h('p', { class: 'muted' }, 'Building documentation…'), log);
  let finished = false;
  try {
    // fetch, not EventSource: the request carries the bearer token.
    await readEventStream(url, (event) => {
      if (event.type === 'log') {
        let line = event.data;
        try {
          line = JSON.parse(event.data);
        } catch {
          // plain text line
        }
        log.append(String(line), '\n');
      } else if (event.type === 'finish' || event.type === 'error') {
        finished = event.type === 'finish';
        return false;
      }
      return true;
    }, signal);
  } catch {
    // A refused or dropped stream ends the attempt.
    return false;
  }
  return finished && !signal.aborted;
}

/**
 * Scores an mkdocs `search_index.json` (`{ docs: [{ location, title, text }] }`) against a
 * term: every word must occur; title hits rank higher.
 */
export function searchDocs(index, term) {
  const words = term.toLowerCase().split(/\s+/).filter(Boolean);
  const docs = Array.isArray(index?.docs) ? index.docs : [];
  const results = [];
  for (const doc of docs) {
    const title = stripTags(String(doc.title ?? ''));
    const text = stripTags(String(doc.text ?? ''));
    const hay = `${title}\n${text}`.toLowerCase();
    if (!words.every((w) => hay.includes(w))) continue;
    const score = words.reduce((acc, w) => acc + (title.toLowerCase().includes(w) ? 10 : 0) + 1, 0);
    const at = text.toLowerCase().indexOf(words[0]);
    const snippet = at >= 0 ? `${at > 40 ? '…' : ''}${text.slice(Math.max(0, at - 40), at + 100).trim()}…` : text.slice(0, 120);
    results.push({ location: String(doc.location ?? ''), title, snippet, score });
  }
  return results.sort((a, b) => b.score - a.score);
}

function stripTags(text) {
  // Index text may contain HTML; parse it inertly and keep the text only.
  if (!text.includes('<')) return text;
  return new DOMParser().parseFromString(text, 'text/html').body.textContent ?? '';
}
