import path from 'node:path';
import { load } from 'js-yaml';

/** One Markdown page of a site. Paths are relative to the docs dir and use `/`. */
export interface PageInfo {
  /** Source path, e.g. `guide/install.md`. */
  src: string;
  /** Site URL relative to the site root: `guide/install/`, `''` for the home page. */
  url: string;
  /** Output file relative to the site root: `guide/install/index.html`. */
  output: string;
  /** Title: the nav title, else front matter `title`, else the first `# heading`, else the file name. */
  title: string;
}

/** A Markdown source after front matter was taken off. */
export interface PageSource {
  /** Markdown with front matter blanked out (line numbers stay the same). */
  body: string;
  meta: Record<string, unknown>;
  /** Front matter title or first level-1 heading, if any. */
  title?: string;
}

const markdownExt = /\.(md|markdown)$/i;

/** True for the file names MkDocs treats as Markdown pages. */
export function isMarkdown(file: string): boolean {
  return markdownExt.test(file);
}

/**
 * Split YAML front matter off a Markdown text and find the page title cheaply (no full parse),
 * so the whole nav can be titled before any page is rendered.
 *
 * @example
 * ```ts
 * readPageSource('---\ntitle: Hi\n---\n# Other\n').title; // 'Hi'
 * ```
 */
export function readPageSource(text: string): PageSource {
  let body = text.replace(/^\uFEFF/, '');
  let meta: Record<string, unknown> = {};
  const fm = /^---\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/.exec(body);
  if (fm) {
    try {
      const value = load(fm[1] ?? '');
      if (value && typeof value === 'object' && !Array.isArray(value)) meta = value as Record<string, unknown>;
    } catch {
      // Not YAML after all: MkDocs renders such a block as Markdown, so keep it.
    }
    if (Object.keys(meta).length > 0 || (fm[1] ?? '').trim() === '') {
      // Keep the line count so `file:line` in warnings points at the right line.
      body = '\n'.repeat(fm[0].split('\n').length - 1) + body.slice(fm[0].length);
    }
  }
  const metaTitle = typeof meta.title === 'string' ? meta.title : undefined;
  return { body, meta, title: metaTitle ?? firstHeading(body) };
}

function firstHeading(markdown: string): string | undefined {
  const lines = markdown.split('\n');
  let fence: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const fenceMatch = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fenceMatch) {
      const marker = fenceMatch[1] ?? '';
      if (!fence) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      continue;
    }
    if (fence) continue;
    const atx = /^ {0,3}#[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/.exec(line);
    if (atx) return plainInline(atx[1] ?? '');
    const next = lines[i + 1];
    if (line.trim() && next !== undefined && /^ {0,3}=+[ \t]*$/.test(next) && !/^ {0,3}[-*>]/.test(line)) {
      return plainInline(line.trim());
    }
  }
  return undefined;
}

// Titles show up in the nav as text, so inline Markdown is reduced to its words.
function plainInline(text: string): string {
  return text
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*_]+/g, '')
    .replace(/\s*\{[#.][^}]*\}\s*$/, '')
    .trim();
}

/**
 * MkDocs' title for a page without a heading: the file name (or its folder for an index),
 * dashes and underscores as spaces, capitalised when all lowercase.
 *
 * @example
 * ```ts
 * titleFromPath('getting-started.md'); // 'Getting started'
 * ```
 */
export function titleFromPath(src: string): string {
  const base = path.posix.basename(src).replace(markdownExt, '');
  let title = base;
  if (/^(index|readme)$/i.test(base)) {
    const dir = path.posix.dirname(src);
    title = dir === '.' ? 'Home' : path.posix.basename(dir);
  }
  title = title.replace(/[-_]/g, ' ');
  return title === title.toLowerCase() ? title.charAt(0).toUpperCase() + title.slice(1) : title;
}

/**
 * Where a page is served and written. `index.md` (or `README.md` without a sibling index) is
 * its folder's page; with directory URLs `a/b.md` is served at `a/b/`.
 *
 * @example
 * ```ts
 * pageLocation('a/b.md', { useDirectoryUrls: true, isIndex: false }); // { url: 'a/b/', output: 'a/b/index.html' }
 * ```
 */
export function pageLocation(
  src: string,
  options: { useDirectoryUrls: boolean; isIndex: boolean },
): { url: string; output: string } {
  const dir = path.posix.dirname(src);
  const prefix = dir === '.' ? '' : `${dir}/`;
  if (options.isIndex) {
    return { url: options.useDirectoryUrls ? prefix : `${prefix}index.html`, output: `${prefix}index.html` };
  }
  const stem = path.posix.basename(src).replace(markdownExt, '');
  if (options.useDirectoryUrls) return { url: `${prefix}${stem}/`, output: `${prefix}${stem}/index.html` };
  return { url: `${prefix}${stem}.html`, output: `${prefix}${stem}.html` };
}

/**
 * A relative URL from the page served at `fromUrl` to the site path `to` (a page URL or a file).
 *
 * @example
 * ```ts
 * relativeUrl('a/b/', 'a/c/'); // '../c/'
 * relativeUrl('', ''); // './'
 * ```
 */
export function relativeUrl(fromUrl: string, to: string): string {
  const fromDir = fromUrl === '' || fromUrl.endsWith('/') ? fromUrl : path.posix.dirname(fromUrl) + '/';
  const base = fromDir.replace(/^\.\//, '').replace(/\/$/, '') || '.';
  const target = to.replace(/\/$/, '') || '.';
  let rel = relativePath(base === '.' ? '' : base, target);
  if (rel === '' || rel === '.') return './';
  if (to.endsWith('/') || to === '') rel += '/';
  return withoutScheme(rel);
}

/**
 * A relative path made safe to use as a URL: one whose first segment holds a `:` would be read
 * as a scheme (a page `javascript:alert(1).md` linked as `javascript:alert(1)/`), so it gets a
 * leading `./`, as RFC 3986 (4.2) prescribes for such relative references.
 *
 * @example
 * ```ts
 * withoutScheme('javascript:alert(1)/'); // './javascript:alert(1)/'
 * withoutScheme('a/b:c'); // 'a/b:c'
 * ```
 */
export function withoutScheme(rel: string): string {
  const colon = rel.indexOf(':');
  if (colon < 0) return rel;
  const slash = rel.indexOf('/');
  return slash > -1 && slash < colon ? rel : `./${rel}`;
}

// path.posix.relative for the plain relative paths pages and links have (no '.', '..' or empty
// segments), without resolving both against the working directory: a page links a dozen
// targets and the nav a thousand. Anything else goes to path.posix.relative.
function relativePath(from: string, to: string): string {
  const fromParts = plainSegments(from);
  const toParts = plainSegments(to);
  if (!fromParts || !toParts) return path.posix.relative(from, to);
  const common = sharedFolders(fromParts, toParts);
  return upAndInto(fromParts.length - common, toParts.slice(common).join('/'));
}

/**
 * How many leading segments two plain paths (split at `/`) have in common.
 *
 * @example
 * ```ts
 * sharedFolders(['a', 'b'], ['a', 'c']); // 1
 * ```
 */
export function sharedFolders(a: readonly string[], b: readonly string[]): number {
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  return common;
}

/**
 * The relative path that climbs `up` folders and then follows `rest` (which may be empty).
 *
 * @example
 * ```ts
 * upAndInto(2, 'c/d'); // '../../c/d'
 * upAndInto(0, ''); // ''
 * upAndInto(0, 'x:y'); // './x:y' (never a scheme)
 * ```
 */
export function upAndInto(up: number, rest: string): string {
  if (up === 0) return withoutScheme(rest);
  const ups = '../'.repeat(up - 1) + '..';
  return rest ? `${ups}/${rest}` : ups;
}

function plainSegments(value: string): string[] | undefined {
  if (value === '' || value === '.') return [];
  const parts = value.split('/');
  for (const part of parts) if (part === '' || part === '.' || part === '..') return undefined;
  return parts;
}
