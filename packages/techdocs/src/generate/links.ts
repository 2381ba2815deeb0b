import path from 'node:path';
import type { Element, Root } from 'hast';
import { forEachElement } from './walk.js';
import { isMarkdown, relativeUrl } from './pages.js';
import { pageData } from './page-data.js';

const urlAttributes: Record<string, string> = { a: 'href', img: 'src', source: 'src', video: 'src', audio: 'src' };

/**
 * rehype plugin that turns links between Markdown sources into links between pages
 * (`guide.md#x` -> `../guide/#x` with directory URLs, `index.md` -> `./`), keeps relative asset
 * paths right for directory URLs, and reports broken links and links escaping the docs dir as
 * warnings with `file:line` (escaping links also lose their target).
 *
 * @example
 * ```ts
 * processor.use(rehypeDocsLinks); // reads the page context from file.data.techdocs
 * ```
 */
export function rehypeDocsLinks() {
  return (tree: Root, file: { data: object }) => {
    const data = pageData(file);
    if (!data) return;
    const { page, pages, files, warnings } = data;
    forEachElement(tree, (node: Element) => {
      const attribute = urlAttributes[node.tagName];
      if (!attribute) return;
      const key = attribute === 'href' ? 'href' : 'src';
      const value = node.properties[key];
      if (typeof value !== 'string') return;
      const line = node.position?.start.line;
      const warn = (message: string) => warnings.push({ file: page.src, line, message });
      const rewritten = rewriteUrl(value, { page, pages, files, warn });
      if (rewritten === undefined) delete node.properties[key];
      else node.properties[key] = rewritten;
    });
  };
}

function rewriteUrl(
  value: string,
  ctx: {
    page: { src: string; url: string };
    pages: Map<string, { url: string }>;
    files: Set<string>;
    warn(message: string): void;
  },
): string | undefined {
  // External, protocol-relative, site-absolute and in-page links are not ours to check.
  if (value === '' || value.startsWith('#') || value.startsWith('/') || /^[a-z][a-z0-9+.-]*:/i.test(value)) {
    return value;
  }
  const match = /^([^?#]*)(\?[^#]*)?(#.*)?$/.exec(value);
  const rawPath = match?.[1] ?? '';
  const suffix = (match?.[2] ?? '') + (match?.[3] ?? '');
  let decoded = rawPath;
  try {
    decoded = decodeURI(rawPath);
  } catch {
    // Keep the raw text; it is only used to look the target up.
  }
  if (decoded.includes('\\')) {
    ctx.warn(`link '${value}' contains a backslash`);
    return undefined;
  }
  const target = path.posix.normalize(path.posix.join(path.posix.dirname(ctx.page.src), decoded));
  if (target === '..' || target.startsWith('../')) {
    ctx.warn(`link '${value}' escapes the docs directory`);
    return undefined;
  }
  const clean = target.replace(/\/$/, '');
  if (isMarkdown(clean)) {
    const linked = ctx.pages.get(clean);
    if (!linked) {
      ctx.warn(`broken link '${value}': ${clean} does not exist`);
      return value;
    }
    return encodeURI(relativeUrl(ctx.page.url, linked.url)) + suffix;
  }
  if (clean !== '.' && !ctx.files.has(clean)) {
    ctx.warn(`broken link '${value}': ${clean} does not exist`);
  }
  const out = clean === '.' ? '' : rawPath.endsWith('/') ? `${clean}/` : clean;
  return encodeURI(relativeUrl(ctx.page.url, out)) + suffix;
}
