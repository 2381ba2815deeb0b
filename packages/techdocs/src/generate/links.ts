import path from 'node:path';
import type { Root } from 'hast';
import { forEachElement } from './walk.js';
import { isMarkdown, relativeUrl, type PageInfo } from './pages.js';
import { pageData } from './page-data.js';

const urlAttributes = new Map<string, 'href' | 'src'>([
  ['a', 'href'],
  ['img', 'src'],
  ['source', 'src'],
  ['video', 'src'],
  ['audio', 'src'],
]);

const scheme = /^[a-z][a-z0-9+.-]*:/i;
const parts = /^([^?#]*)(\?[^#]*)?(#.*)?$/;

/**
 * Where a link written in some folder points, site-wide: every page of that folder that writes
 * the same link gets the same answer, so it is worked out once per build (see `resolutions`).
 */
interface Resolution {
  /** Keep the link as written, drop it (it must not be followed) or point it at `to`. */
  action: 'keep' | 'drop' | 'relative';
  /** A site path: a page URL or a file. */
  to: string;
  /** The query and fragment, kept as written. */
  suffix: string;
  /** A warning about the link. */
  message?: string;
  /** A file link whose target is not in the docs dir: its decoded path, as written. */
  missing?: string;
}

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
  // Answers hold for one site: a processor reused for another (another page map) starts over.
  let site: Map<string, PageInfo> | undefined;
  let resolutions = new Map<string, Resolution>();
  return (tree: Root, file: { data: object }) => {
    const data = pageData(file);
    if (!data) return;
    const { page, pages, files, warnings } = data;
    if (site !== pages) {
      site = pages;
      resolutions = new Map();
    }
    const dir = path.posix.dirname(page.src);
    // A page often repeats a link (the next page from the text, a note and a list).
    const rewritten = new Map<string, string | undefined>();
    forEachElement(tree, (node) => {
      const key = urlAttributes.get(node.tagName);
      if (!key) return;
      const value = node.properties[key];
      if (typeof value !== 'string') return;
      const cacheKey = `${dir}\n${value}`;
      let resolution = resolutions.get(cacheKey);
      if (!resolution) resolutions.set(cacheKey, (resolution = resolveLink(value, dir, pages, files)));
      const message = resolution.message;
      if (message !== undefined && !(resolution.missing !== undefined && files.has(fromPageUrl(page.url, resolution.missing))))
        warnings.push({ file: page.src, line: node.position?.start.line, message });
      if (resolution.action === 'keep') return;
      if (resolution.action === 'drop') {
        delete node.properties[key];
        return;
      }
      let url = rewritten.get(value);
      if (url === undefined) {
        url = encodeURI(relativeUrl(page.url, resolution.to)) + resolution.suffix;
        rewritten.set(value, url);
      }
      node.properties[key] = url;
    });
  };
}

function resolveLink(
  value: string,
  dir: string,
  pages: Map<string, { url: string }>,
  files: Set<string>,
): Resolution {
  // External, protocol-relative, site-absolute and in-page links are not ours to check.
  const keep: Resolution = { action: 'keep', to: '', suffix: '' };
  if (value === '' || value.startsWith('#') || value.startsWith('/') || scheme.test(value)) return keep;
  const match = parts.exec(value);
  const rawPath = match?.[1] ?? '';
  const suffix = (match?.[2] ?? '') + (match?.[3] ?? '');
  let decoded = rawPath;
  try {
    decoded = decodeURI(rawPath);
  } catch {
    // Keep the raw text; it is only used to look the target up.
  }
  if (decoded.includes('\\')) return { ...keep, action: 'drop', message: `link '${value}' contains a backslash` };
  const target = path.posix.normalize(path.posix.join(dir, decoded));
  if (target === '..' || target.startsWith('../')) return { ...keep, action: 'drop', message: `link '${value}' escapes the docs directory` };
  const clean = target.replace(/\/$/, '');
  if (isMarkdown(clean)) {
    const linked = pages.get(clean);
    if (!linked) return { ...keep, message: `broken link '${value}': ${clean} does not exist` };
    return { action: 'relative', to: linked.url, suffix };
  }
  // A file that is not there keeps the link as written, as MkDocs does: raw HTML such as
  // `<img src="images/x.png">` is written for the page's URL (`page/images/x.png` with directory
  // URLs), which MkDocs never rewrites and which works in the browser.
  if (clean !== '.' && !files.has(clean)) return { ...keep, message: `broken link '${value}': ${clean} does not exist`, missing: decoded };
  return { action: 'relative', to: clean === '.' ? '' : rawPath.endsWith('/') ? `${clean}/` : clean, suffix };
}

/** Where the browser finds `link` (a relative path) from the page at `url`, as a docs-dir path. */
function fromPageUrl(url: string, link: string): string {
  const dir = url.endsWith('/') ? url : path.posix.dirname(url);
  return path.posix.normalize(path.posix.join(dir, link)).replace(/\/$/, '');
}
