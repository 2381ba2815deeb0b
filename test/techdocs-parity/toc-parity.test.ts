/**
 * Differential test of the `toc` options (slugify, separator, toc_depth, baselevel, permalink,
 * permalink_title, title) against Debian's mkdocs 1.4 + Python-Markdown 3.4 + pymdownx 9.5:
 * each site of test/fixtures/techdocs-parity-toc sets other options on the same pages. Every
 * page's article (heading ids, permalinks) and its table of contents (mkdocs-material's
 * sidebar against portalkit's) are compared; the only differences allowed are those listed,
 * with their reason, in allowed-differences-toc.ts. Where mkdocs is not installed, the
 * checked-in output (npx tsx scripts/refresh-mkdocs-parity-toc.ts) stands in for it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDocs } from '@portalkit/techdocs';
import { allowedTocDifferences } from './allowed-differences-toc.js';
import { lineDiff } from './line-diff.js';
import { mkdocsAvailable } from './mkdocs-build.js';
import { articleLines } from './normalise-html.js';
import { buildTocSiteWithMkdocs, pageFile, tocFixture, tocLines, tocOutputDir, tocPages, tocSites } from './toc-sites.js';

const live = mkdocsAvailable();
const pages = tocSites().flatMap((site) => tocPages(site).map((page) => `${site}/${page}`));
const checkedIn = new Map(pages.map((page) => [page, readFileSync(join(tocOutputDir, `${page}.html`), 'utf8')]));

describe(`toc options parity with mkdocs (${live ? 'live mkdocs build' : 'checked-in mkdocs output: mkdocs is not installed'})`, () => {
  const output = mkdtempSync(join(tmpdir(), 'pk-parity-toc-'));
  const mkdocs = new Map<string, string>();
  beforeAll(async () => {
    for (const site of tocSites()) {
      const result = await buildDocs({ source: join(tocFixture, site), output: join(output, site) });
      expect(result.warnings).toEqual([]);
      if (live) for (const [page, html] of buildTocSiteWithMkdocs(site)) mkdocs.set(`${site}/${page}`, html);
    }
    if (!live) for (const [page, html] of checkedIn) mkdocs.set(page, html);
  }, 120_000);
  afterAll(() => rmSync(output, { recursive: true, force: true }));

  const portalkitPage = (name: string) => {
    const [site = '', page = ''] = name.split('/');
    return readFileSync(pageFile(join(output, site), page), 'utf8');
  };
  const lines = (html: string) => [...articleLines(html), '--- toc', ...tocLines(html)];

  it.skipIf(!live)('the checked-in mkdocs output is what mkdocs builds now (else: npx tsx scripts/refresh-mkdocs-parity-toc.ts)', () => {
    for (const page of pages) expect(lines(mkdocs.get(page) ?? ''), page).toEqual(lines(checkedIn.get(page) ?? ''));
  });

  it.each(pages)('%s: same article and table of contents as mkdocs, or only the listed difference', (page) => {
    const diff = lineDiff(lines(mkdocs.get(page) ?? ''), lines(portalkitPage(page)));
    const allowed = allowedTocDifferences[page];
    if (!allowed) {
      expect(diff, `${page} differs from mkdocs`).toEqual([]);
      return;
    }
    expect(allowed.reason.length).toBeGreaterThan(20);
    expect(diff, `${page}: the difference changed; review it and update allowed-differences-toc.ts`).toEqual(allowed.diff);
  });

  it('lists differences only for pages of the fixture', () => {
    for (const page of Object.keys(allowedTocDifferences)) expect(pages).toContain(page);
  });
});
