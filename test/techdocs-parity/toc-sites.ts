import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromHtml } from 'hast-util-from-html';
import { article } from './mkdocs-build.js';

/**
 * The `toc` parity sites (test/fixtures/techdocs-parity-toc): one site per set of `toc`
 * options (they are per site), each with the same pages, and mkdocs' output for each page:
 * its `<article>` and mkdocs-material's table of contents (`nav.md-nav--secondary`).
 */
export const tocFixture = new URL('../fixtures/techdocs-parity-toc/', import.meta.url).pathname;
export const tocOutputDir = join(tocFixture, 'mkdocs-output');

/** The sites of the fixture, by folder name. */
export function tocSites(): string[] {
  return readdirSync(tocFixture, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== 'mkdocs-output')
    .map((entry) => entry.name)
    .sort();
}

/** The pages of a site, by name (`index`, `depth`). */
export function tocPages(site: string): string[] {
  return readdirSync(join(tocFixture, site, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => name.slice(0, -3))
    .sort();
}

/** Build a site with the real mkdocs; each page's article and table of contents, by page name. */
export function buildTocSiteWithMkdocs(site: string): Map<string, string> {
  const out = mkdtempSync(join(tmpdir(), 'pk-mkdocs-toc-'));
  try {
    execFileSync('mkdocs', ['build', '--quiet', '--site-dir', out], { cwd: join(tocFixture, site), stdio: 'pipe' });
    return new Map(tocPages(site).map((page) => [page, articleAndToc(readFileSync(pageFile(out, page), 'utf8'))]));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** Where a page of a site built into `out` is. */
export function pageFile(out: string, page: string): string {
  return page === 'index' ? join(out, 'index.html') : join(out, page, 'index.html');
}

/** A material page's article and its last `nav.md-nav--secondary` (the sidebar's), as kept in the fixture. */
export function articleAndToc(page: string): string {
  const start = page.lastIndexOf('<nav class="md-nav md-nav--secondary"');
  if (start === -1) return article(page);
  // The TOC nests a <nav> per level: its end is where the count of open navs returns to zero.
  let depth = 0;
  let at = start;
  for (const match of page.slice(start).matchAll(/<(\/?)nav[\s>]/g)) {
    depth += match[1] ? -1 : 1;
    at = start + (match.index ?? 0);
    if (depth === 0) break;
  }
  return `${article(page)}${page.slice(start, page.indexOf('>', at) + 1)}\n`;
}

/**
 * The links of a page's table of contents as `href title` lines: mkdocs-material's sidebar
 * (`nav.md-nav--secondary a`) or portalkit's (`aside.page-toc a`), in document order.
 */
export function tocLines(page: string): string[] {
  const material = page.lastIndexOf('<nav class="md-nav md-nav--secondary"');
  const portalkit = page.indexOf('<aside class="page-toc"');
  const start = material !== -1 ? material : portalkit;
  if (start === -1) return [];
  const end = material !== -1 ? page.length : page.indexOf('</aside>', portalkit);
  const lines: string[] = [];
  const walk = (node: HastNode) => {
    if (node.type === 'element' && node.tagName === 'a') lines.push(`${String(node.properties?.href)} ${textOf(node).replace(/\s+/g, ' ').trim()}`);
    else for (const child of node.children ?? []) walk(child);
  };
  walk(fromHtml(page.slice(start, end), { fragment: true }) as unknown as HastNode);
  return lines;
}

interface HastNode {
  type: string;
  tagName?: string;
  value?: string;
  properties?: Record<string, unknown>;
  children?: HastNode[];
}

function textOf(node: HastNode): string {
  return node.type === 'text' ? (node.value ?? '') : (node.children ?? []).map(textOf).join('');
}
