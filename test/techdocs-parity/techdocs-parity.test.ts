/**
 * Differential test of the docs pipeline against the real thing: the fixture site (one page per
 * extension techdocs-core enables, with each extension's documented examples) is built by
 * portalkit and by Debian's mkdocs 1.4 + mkdocs-material 8.2 + pymdownx 9.5 with techdocs-core's
 * Markdown configuration. Each page's article is normalised (normalise-html.ts) and compared;
 * the only differences allowed are those listed, with their reason, in allowed-differences.ts.
 * Where mkdocs is not installed (scripts/ensure-mkdocs.sh), the checked-in mkdocs output
 * (scripts/refresh-mkdocs-parity.ts) stands in for it.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDocs } from '@portalkit/techdocs';
import { allowedDifferences } from './allowed-differences.js';
import { lineDiff } from './line-diff.js';
import { buildWithMkdocs, mkdocsAvailable, mkdocsOutputDir, paritySite } from './mkdocs-build.js';
import { articleLines } from './normalise-html.js';

const live = mkdocsAvailable();
const pages = readdirSync(join(paritySite, 'docs'))
  .filter((name) => name.endsWith('.md'))
  .map((name) => name.slice(0, -3))
  .sort();
const checkedIn = new Map(pages.map((page) => [page, readFileSync(join(mkdocsOutputDir, `${page}.html`), 'utf8')]));

describe(`techdocs-core parity with mkdocs (${live ? 'live mkdocs build' : 'checked-in mkdocs output: mkdocs is not installed'})`, () => {
  let output: string;
  let mkdocs: Map<string, string>;
  beforeAll(async () => {
    output = mkdtempSync(join(tmpdir(), 'pk-parity-'));
    const result = await buildDocs({ source: paritySite, output });
    expect(result.warnings).toEqual([]);
    mkdocs = live ? buildWithMkdocs() : checkedIn;
  }, 120_000);
  afterAll(() => rmSync(output, { recursive: true, force: true }));

  const portalkitPage = (page: string) =>
    readFileSync(page === 'index' ? join(output, 'index.html') : join(output, page, 'index.html'), 'utf8');

  it.skipIf(!live)('the checked-in mkdocs output is what mkdocs builds now (else: npx tsx scripts/refresh-mkdocs-parity.ts)', () => {
    for (const page of pages) expect(articleLines(mkdocs.get(page) ?? ''), page).toEqual(articleLines(checkedIn.get(page) ?? ''));
  });

  it.each(pages)('%s: same article as mkdocs, or only the listed difference', (page) => {
    const diff = lineDiff(articleLines(mkdocs.get(page) ?? ''), articleLines(portalkitPage(page)));
    const allowed = allowedDifferences[page];
    if (!allowed) {
      expect(diff, `${page} differs from mkdocs`).toEqual([]);
      return;
    }
    expect(allowed.reason.length).toBeGreaterThan(20);
    expect(diff, `${page}: the difference changed; review it and update allowed-differences.ts`).toEqual(allowed.diff);
  });

  it('lists differences only for pages of the fixture', () => {
    for (const page of Object.keys(allowedDifferences)) expect(pages).toContain(page);
  });
});
