import path from 'node:path';
import { isSafeLinkUrl } from '../paths.js';
import type { BuildWarning } from '../types.js';
import { titleFromPath, type PageInfo } from './pages.js';

/**
 * One node of a site's navigation: a page of the site, an external link, or a titled section.
 *
 * @example
 * ```ts
 * const nav: NavNode[] = [{ type: 'section', title: 'Guide', children: [{ type: 'page', title: 'Install', src: 'guide/install.md' }] }];
 * ```
 */
export type NavNode =
  | { type: 'page'; title: string; src: string }
  | { type: 'link'; title: string; href: string }
  | { type: 'section'; title: string; children: NavNode[] };

/** Inputs of {@link resolveNav}. */
export interface ResolveNavOptions {
  /** The `nav` value of `mkdocs.yml`; absent means "build it from the file tree". */
  nav?: unknown[];
  /** Pages by source path. */
  pages: Map<string, PageInfo>;
  /** Page titles from the sources (front matter or first heading). */
  titles: Map<string, string>;
  /** The config text, used to give nav warnings a line number. */
  configText?: string;
  configFile?: string;
}

/**
 * Resolve the site navigation. An explicit `nav` is checked (targets must exist and stay inside
 * the docs dir; problems become warnings); without one, the nav mirrors the file tree with
 * `index.md`/`README.md` first in each folder. Page titles are settled here: a nav title wins.
 *
 * @example
 * ```ts
 * const { nav, warnings } = resolveNav({ nav: ['index.md', { Guide: ['guide.md'] }], pages, titles });
 * ```
 */
export function resolveNav(options: ResolveNavOptions): { nav: NavNode[]; warnings: BuildWarning[] } {
  const warnings: BuildWarning[] = [];
  const configFile = options.configFile ?? 'mkdocs.yml';
  const lines = options.configText?.split('\n') ?? [];
  const lineOf = (needle: string) => {
    const index = lines.findIndex((l) => l.includes(needle));
    return index >= 0 ? index + 1 : undefined;
  };
  const warn = (needle: string, message: string) => warnings.push({ file: configFile, line: lineOf(needle), message });

  const titleOf = (src: string) => options.titles.get(src) ?? titleFromPath(src);

  const toNode = (item: unknown, title?: string): NavNode | undefined => {
    if (typeof item === 'string') {
      if (/^[a-z][a-z0-9+.-]*:|^\/\//i.test(item.trimStart()) || item.startsWith('/')) {
        if (!isSafeLinkUrl(item)) {
          warn(item, `nav link '${item}' is not allowed: only http, https and mailto links are`);
          return undefined;
        }
        return { type: 'link', title: title ?? item, href: item };
      }
      if (item.includes('\\')) {
        warn(item, `nav target '${item}' contains a backslash`);
        return undefined;
      }
      const src = path.posix.normalize(item).replace(/^\.\//, '');
      if (src === '..' || src.startsWith('../')) {
        warn(item, `nav target '${item}' escapes the docs directory`);
        return undefined;
      }
      const page = options.pages.get(src);
      if (!page) {
        warn(item, `nav target '${item}' does not exist in the docs directory`);
        return undefined;
      }
      return { type: 'page', title: title ?? titleOf(src), src };
    }
    if (item && typeof item === 'object' && !Array.isArray(item)) {
      const entries = Object.entries(item);
      const [entry] = entries;
      if (entries.length !== 1 || !entry) {
        warn(JSON.stringify(item), `nav entries must have exactly one title, got ${entries.length}`);
        return undefined;
      }
      const [key, value] = entry;
      if (Array.isArray(value)) {
        return { type: 'section', title: key, children: value.map((v) => toNode(v)).filter(isNode) };
      }
      if (typeof value === 'string') return toNode(value, key);
      warn(key, `nav entry '${key}' must be a page path, a URL or a list`);
      return undefined;
    }
    warn(String(item), `nav entry ${JSON.stringify(item)} is not a page path, a URL or a section`);
    return undefined;
  };

  const nav = options.nav ? options.nav.map((item) => toNode(item)).filter(isNode) : implicitNav(options.pages, titleOf);
  return { nav, warnings };
}

function isNode(node: NavNode | undefined): node is NavNode {
  return node !== undefined;
}

interface Folder {
  pages: string[];
  folders: Map<string, Folder>;
}

// What String#localeCompare uses, made once: localeCompare builds a collator per call.
const collator = new Intl.Collator();

// MkDocs' implicit nav: index first, then files and folders by name; folders become sections.
function implicitNav(pages: Map<string, PageInfo>, titleOf: (src: string) => string): NavNode[] {
  const root: Folder = { pages: [], folders: new Map() };
  for (const src of pages.keys()) {
    const parts = src.split('/');
    let folder = root;
    for (const part of parts.slice(0, -1)) {
      let next = folder.folders.get(part);
      if (!next) folder.folders.set(part, (next = { pages: [], folders: new Map() }));
      folder = next;
    }
    folder.pages.push(src);
  }
  const build = (folder: Folder, prefix: string): NavNode[] => {
    const isIndex = (src: string) => pages.get(src)?.output === `${prefix}index.html`;
    const items: Array<{ key: string; index: boolean; node: NavNode }> = [];
    for (const src of folder.pages) {
      items.push({ key: path.posix.basename(src).toLowerCase(), index: isIndex(src), node: { type: 'page', title: titleOf(src), src } });
    }
    for (const [name, child] of folder.folders) {
      const children = build(child, `${prefix}${name}/`);
      if (children.length === 0) continue;
      items.push({ key: name.toLowerCase(), index: false, node: { type: 'section', title: titleFromPath(`${name}.md`), children } });
    }
    items.sort((a, b) => Number(b.index) - Number(a.index) || collator.compare(a.key, b.key));
    return items.map((i) => i.node);
  };
  return build(root, '');
}

/**
 * The pages of a nav in reading order, which is the order of prev/next links.
 *
 * @example
 * ```ts
 * flattenNav(nav).map((n) => n.src); // ['index.md', 'guide/install.md']
 * ```
 */
export function flattenNav(nav: NavNode[]): Array<{ title: string; src: string }> {
  const out: Array<{ title: string; src: string }> = [];
  const walk = (nodes: NavNode[]) => {
    for (const node of nodes) {
      if (node.type === 'page') out.push({ title: node.title, src: node.src });
      else if (node.type === 'section') walk(node.children);
    }
  };
  walk(nav);
  return out;
}
