import type { NavNode } from './nav.js';
import type { TocEntry } from './page-data.js';
import { relativeUrl, sharedFolders, upAndInto, type PageInfo } from './pages.js';

/** What the layout shows on every page of a site; compiled once per build by {@link createLayout}. */
export interface LayoutSite {
  siteName: string;
  siteDescription?: string;
  repoUrl?: string;
  repoName?: string;
  nav: NavNode[];
  pages: Map<string, PageInfo>;
  /** The page table of contents' title (`toc: title`); default `On this page`. */
  tocTitle?: string;
}

/** What the layout shows around one rendered page. */
export interface LayoutPage {
  page: PageInfo;
  /** The page body as HTML (already rendered and sanitised). */
  content: string;
  toc: TocEntry[];
  prev?: PageInfo;
  next?: PageInfo;
  editUrl?: string;
}

/**
 * Escape text for HTML element content and double-quoted attributes.
 *
 * @example
 * ```ts
 * escapeHtml('<a & "b">'); // '&lt;a &amp; &quot;b&quot;&gt;'
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => htmlEntities[c] ?? c);
}

const htmlEntities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

// Small on purpose: readable without JavaScript, three columns on wide screens, one on phones.
const css = `*{box-sizing:border-box}
body{margin:0;font:16px/1.6 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;background:#fff}
a{color:#0b62c4}
.site-header{display:flex;gap:1rem;align-items:center;justify-content:space-between;padding:.75rem 1.25rem;background:#0b3d6e;color:#fff}
.site-header a{color:#fff;text-decoration:none}.site-name{font-weight:600;font-size:1.1rem}
.layout{display:grid;grid-template-columns:16rem minmax(0,1fr) 14rem;gap:2rem;max-width:84rem;margin:0 auto;padding:1.5rem 1.25rem}
.site-nav ul,.page-toc ul{list-style:none;margin:0;padding-left:.9rem}.site-nav>ul,.page-toc>ul{padding-left:0}
.site-nav li,.page-toc li{margin:.2rem 0}.site-nav a,.page-toc a{text-decoration:none;color:#333}
.site-nav a[aria-current=page]{font-weight:600;color:#0b62c4}.nav-section{font-weight:600;display:block;margin-top:.6rem}
.page-toc{font-size:.9rem}.page-toc h2{font-size:.8rem;text-transform:uppercase;letter-spacing:.05em;color:#666}
.toc-depth-3{padding-left:.8rem}.toc-depth-4{padding-left:1.6rem}.toc-depth-5{padding-left:2.4rem}.toc-depth-6{padding-left:3.2rem}
main{min-width:0}.md-content img{max-width:100%}
pre{background:#f6f8fa;padding:.8rem 1rem;overflow:auto;border-radius:6px}code{font-size:.9em}
table{border-collapse:collapse;display:block;overflow:auto}th,td{border:1px solid #d0d7de;padding:.3rem .7rem}
.admonition,details{border-left:4px solid #448aff;background:#f5f9ff;padding:.2rem 1rem;margin:1rem 0;border-radius:4px}
.admonition-title,summary{font-weight:600}
.warning,.caution,.attention{border-color:#ff9100;background:#fff8ee}.danger,.error{border-color:#ff1744;background:#fff3f5}
.tip,.hint,.success{border-color:#00bfa5;background:#effcf9}
.headerlink{margin-left:.3rem;opacity:.3;text-decoration:none}
.page-nav{display:flex;justify-content:space-between;gap:1rem;margin-top:3rem;padding-top:1rem;border-top:1px solid #d0d7de}
.edit-link{float:right;font-size:.9rem}
@media (max-width:60rem){.layout{grid-template-columns:1fr}.page-toc{display:none}.site-nav{border-bottom:1px solid #d0d7de;padding-bottom:1rem}}
.hljs-keyword,.hljs-built_in{color:#cf222e}.hljs-string{color:#0a3069}.hljs-comment{color:#6e7781}.hljs-number,.hljs-literal{color:#0550ae}.hljs-title{color:#8250df}`;

// Group keys start with a depth, so this key is never one of them.
const stylesheetKey = 'stylesheet';
const stylesheet: SharedSlice = { key: stylesheetKey, start: 0, end: css.length };

// A page link of the nav, its href precomputed per number of leading folders shared with the
// linking page: the nav repeats on every page, so a 1000-page site renders a million of them.
interface NavSlot {
  src: string;
  /** Target URL split into folders; the last part is the file (or '' for a folder URL). */
  parts: string[];
  /** `tails[c]`: escaped, encoded URL from part `c` on (the bit below the shared folders). */
  tails: string[];
  trailingSlash: boolean;
}

/** The nav as alternating static HTML and page links. */
interface CompiledNav {
  chunks: string[];
  slots: NavSlot[];
  /** Slot indexes by the first folder of their URL, in order: the candidates for a page's own folder. */
  byFirst: Map<string, number[]>;
}

function compileNav(nav: NavNode[], pages: Map<string, PageInfo>): CompiledNav {
  const chunks: string[] = [];
  const slots: NavSlot[] = [];
  let text = '';
  const walk = (nodes: NavNode[]) => {
    text += '<ul>';
    for (const node of nodes) {
      if (node.type === 'section') {
        text += `<li><span class="nav-section">${escapeHtml(node.title)}</span>`;
        walk(node.children);
        text += '</li>';
      } else if (node.type === 'link') {
        text += `<li><a href="${escapeHtml(node.href)}">${escapeHtml(node.title)}</a></li>`;
      } else {
        const target = pages.get(node.src);
        if (!target) continue;
        text += '<li><a href="';
        chunks.push(text);
        slots.push(navSlot(target));
        text = `>${escapeHtml(node.title)}</a></li>`;
      }
    }
    text += '</ul>';
  };
  walk(nav);
  chunks.push(text);
  const byFirst = new Map<string, number[]>();
  slots.forEach((slot, i) => {
    const first = slot.parts[0] ?? '';
    const list = byFirst.get(first);
    if (list) list.push(i);
    else byFirst.set(first, [i]);
  });
  return { chunks, slots, byFirst };
}

function navSlot(target: PageInfo): NavSlot {
  const trailingSlash = target.url === '' || target.url.endsWith('/');
  const path = target.url.replace(/\/$/, '');
  const parts = path === '' ? [] : path.split('/');
  const escaped = parts.map((part) => escapeHtml(encodeURI(part)));
  const tails = escaped.map((_, c) => escaped.slice(c).join('/'));
  tails.push('');
  return { src: target.src, parts, tails, trailingSlash };
}

// Same result as escapeHtml(encodeURI(relativeUrl(from, target.url))) for page URLs, which are
// normalised (no '.', '..' or empty segments), without path.posix.relative's resolving.
function relativeHref(fromDir: string[], slot: NavSlot): string {
  const common = sharedFolders(fromDir, slot.parts);
  let rel = upAndInto(fromDir.length - common, slot.tails[common] ?? '');
  if (rel === '') return './';
  if (slot.trailingSlash) rel += '/';
  return rel;
}

// The folders of the directory a page URL is served from: 'a/b/' -> [a, b], 'a/b.html' -> [a].
function urlFolders(url: string): string[] {
  const dir = url === '' || url.endsWith('/') ? url : url.slice(0, url.lastIndexOf('/') + 1);
  const trimmed = dir.replace(/^\.\//, '').replace(/\/$/, '');
  return trimmed === '' || trimmed === '.' ? [] : trimmed.split('/');
}

/** The nav as rendered for a folder, with where each page link's `href` value starts and ends. */
interface RenderedNav {
  html: string;
  starts: number[];
  ends: number[];
}

function renderNavFrom(nav: CompiledNav, fromDir: string[], currentSrc: string | undefined): RenderedNav {
  let html = nav.chunks[0] ?? '';
  const starts: number[] = [];
  const ends: number[] = [];
  for (let i = 0; i < nav.slots.length; i++) {
    const slot = nav.slots[i] as NavSlot;
    starts.push(html.length);
    html += relativeHref(fromDir, slot) + (slot.src === currentSrc ? current : '"');
    ends.push(html.length);
    html += nav.chunks[i + 1] ?? '';
  }
  return { html, starts, ends };
}

const current = '" aria-current="page" class="active"';

/**
 * A piece of a page: text, or a slice of a text shared by many pages (the nav rendered for a
 * folder group), so a writer can be handed each shared text once and each page as a few slices.
 */
export type PagePart = string | SharedSlice;

/** `shared.get(key).slice(start, end)`. */
export interface SharedSlice {
  key: string;
  start: number;
  end: number;
}

// Links from pages whose folders share the parent and the depth are the same, except links to
// the page's own folder and below (its own link, marked current, among them): those are patched
// into the nav rendered once for the group, so a page costs a few slices instead of a thousand
// links. `shared` lives as long as one build's layout.
function renderNav(nav: CompiledNav, page: PageInfo, groups: Map<string, RenderedNav>, shared: Map<string, string>): PagePart[] {
  const fromDir = urlFolders(page.url);
  if (fromDir.length === 0) return [renderNavFrom(nav, fromDir, page.src).html];
  const parent = fromDir.slice(0, -1);
  const key = `${fromDir.length}\n${parent.join('/')}`;
  let group = groups.get(key);
  if (!group) {
    // A last folder no URL has: every link renders as from any page of the group.
    group = renderNavFrom(nav, [...parent, '\0'], undefined);
    groups.set(key, group);
    shared.set(key, group.html);
  }
  const parts: PagePart[] = [];
  let at = 0;
  // Links into the page's folder start with its first folder (so does its own link).
  for (const i of nav.byFirst.get(fromDir[0] as string) ?? []) {
    const slot = nav.slots[i] as NavSlot;
    if (slot.src !== page.src && sharedFolders(slot.parts, fromDir) < fromDir.length) continue;
    const start = group.starts[i] as number;
    if (start > at) parts.push({ key, start: at, end: start });
    parts.push(relativeHref(fromDir, slot) + (slot.src === page.src ? current : '"'));
    at = group.ends[i] as number;
  }
  if (at < group.html.length) parts.push({ key, start: at, end: group.html.length });
  return parts;
}

/**
 * Join page parts into the page's HTML.
 *
 * @example
 * ```ts
 * joinParts(['<p>', { key: 'k', start: 0, end: 2 }], new Map([['k', 'hi!']])); // '<p>hi'
 * ```
 */
export function joinParts(parts: PagePart[], shared: Map<string, string>): string {
  let html = '';
  for (const part of parts) html += typeof part === 'string' ? part : (shared.get(part.key) ?? '').slice(part.start, part.end);
  return html;
}

/** A compiled layout: each page as HTML, or as parts over the texts in `shared`. */
export interface Layout {
  (input: LayoutPage): string;
  parts(input: LayoutPage): PagePart[];
  /** The shared texts the parts refer to; grows as pages of new folder groups are laid out. */
  shared: Map<string, string>;
}

/**
 * Compile the site layout once (header, the site nav as static HTML around its page links) and
 * return the function wrapping each rendered page in it: header, site nav (current page marked),
 * page table of contents, prev/next and edit links. Semantic HTML with a small inline
 * stylesheet, no scripts.
 *
 * @example
 * ```ts
 * const render = createLayout({ siteName: 'Docs', nav, pages });
 * const html = render({ page, content: '<h1>Hi</h1>', toc: [] });
 * ```
 */
export function createLayout(site: LayoutSite): Layout {
  const nav = compileNav(site.nav, site.pages);
  const repo = site.repoUrl
    ? `<a class="repo-link" href="${escapeHtml(site.repoUrl)}">${escapeHtml(site.repoName ?? 'Repository')}</a>`
    : '';
  const description = site.siteDescription
    ? `<meta name="description" content="${escapeHtml(site.siteDescription)}">\n`
    : '';
  const siteName = escapeHtml(site.siteName);
  const groups = new Map<string, RenderedNav>();
  const shared = new Map<string, string>([[stylesheetKey, css]]);
  const compiled = { nav, groups, shared, repo, description, siteName };
  const parts = (input: LayoutPage) => renderPage(site, input, compiled);
  return Object.assign((input: LayoutPage) => joinParts(parts(input), shared), { parts, shared });
}

/**
 * The entries the page's table of contents shows, as mkdocs-material does: when the first is an
 * h1 (the page title) only the headings under it, up to the next h1.
 */
function pageToc(toc: TocEntry[]): TocEntry[] {
  if (toc[0]?.depth !== 1) return toc;
  const end = toc.findIndex((entry, i) => i > 0 && entry.depth === 1);
  return toc.slice(1, end === -1 ? undefined : end);
}

function renderPage(
  site: LayoutSite,
  input: LayoutPage,
  compiled: {
    nav: CompiledNav;
    groups: Map<string, RenderedNav>;
    shared: Map<string, string>;
    repo: string;
    description: string;
    siteName: string;
  },
): PagePart[] {
  const { page } = input;
  const home = relativeUrl(page.url, '');
  const link = (target: PageInfo) => escapeHtml(encodeURI(relativeUrl(page.url, target.url)));
  const title = page.url === '' && page.title === site.siteName ? page.title : `${page.title} - ${site.siteName}`;
  const tocTitle = escapeHtml(site.tocTitle ?? 'On this page');
  const entries = pageToc(input.toc);
  const toc = entries.length
    ? `<aside class="page-toc" aria-label="${tocTitle}"><h2>${tocTitle}</h2><ul>${entries
        .map((t) => `<li class="toc-depth-${t.depth}"><a href="#${escapeHtml(t.id)}">${escapeHtml(t.title)}</a></li>`)
        .join('')}</ul></aside>`
    : `<aside class="page-toc" aria-label="${tocTitle}"></aside>`;
  const pager =
    input.prev || input.next
      ? `<nav class="page-nav" aria-label="Previous and next pages">${
          input.prev ? `<a rel="prev" href="${link(input.prev)}">&larr; ${escapeHtml(input.prev.title)}</a>` : '<span></span>'
        }${input.next ? `<a rel="next" href="${link(input.next)}">${escapeHtml(input.next.title)} &rarr;</a>` : ''}</nav>`
      : '';
  const edit = input.editUrl ? `<a class="edit-link" href="${escapeHtml(input.editUrl)}">Edit this page</a>` : '';
  // mkdocs-material (techdocs-core's theme) heads a page that has no `<h1>` with its title.
  const heading = input.content.includes('<h1') ? '' : `\n<h1>${escapeHtml(page.title)}</h1>`;
  const before = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
${compiled.description}<style>`;
  const head = `</style>
</head>
<body>
<header class="site-header"><a class="site-name" href="${escapeHtml(home)}">${compiled.siteName}</a>${compiled.repo}</header>
<div class="layout">
<nav class="site-nav" aria-label="Site navigation">`;
  const after = `</nav>
<main>
<article class="md-content">${edit}${heading}
${input.content}
</article>
${pager}
</main>
${toc}
</div>
</body>
</html>
`;
  // The stylesheet is the same on every page: a slice of one shared text, like the nav.
  return [before, stylesheet, head, ...renderNav(compiled.nav, page, compiled.groups, compiled.shared), after];
}
