/**
 * Differential test on a real public project's TechDocs site (test/fixtures/techdocs-real, see
 * its README.md), as its authors wrote it for Backstage's techdocs-core: built by portalkit the
 * way a user would (`buildDocs` on the folder holding its `mkdocs.yaml`) and by Debian's mkdocs
 * with techdocs-core written out (real-site.ts). Each page's article is normalised and compared;
 * the only differences allowed are those listed, with their reasons, in
 * allowed-differences-real.ts. Where mkdocs is not installed (scripts/ensure-mkdocs.sh), the
 * checked-in mkdocs output (scripts/refresh-mkdocs-parity.ts) stands in for it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDocs } from '@portalkit/techdocs';
import { allowedDifferencesReal } from './allowed-differences-real.js';
import { lineDiff } from './line-diff.js';
import { mkdocsAvailable } from './mkdocs-build.js';
import { articleLines } from './normalise-html.js';
import { buildRealWithMkdocs, pageFile, realMkdocsOutputDir, realPages, realSite } from './real-site.js';

const live = mkdocsAvailable();
const pages = realPages();
const checkedIn = new Map(pages.map((page) => [page, readFileSync(join(realMkdocsOutputDir, `${page}.html`), 'utf8')]));

describe(`a real techdocs-core site against mkdocs (${live ? 'live mkdocs build' : 'checked-in mkdocs output: mkdocs is not installed'})`, () => {
  let output: string;
  let warnings: string[];
  let mkdocs: Map<string, string>;
  beforeAll(async () => {
    output = mkdtempSync(join(tmpdir(), 'pk-real-'));
    const result = await buildDocs({ source: realSite, output });
    expect(result.failed).toEqual([]);
    warnings = result.warnings.map((w) => `${w.file}:${w.line}: ${w.message}`);
    mkdocs = live ? buildRealWithMkdocs() : checkedIn;
  }, 120_000);
  afterAll(() => rmSync(output, { recursive: true, force: true }));

  it('warns only about the link that is broken in the project itself (mkdocs warns about it too)', () => {
    expect(warnings).toEqual(["mkdocs-extensions.md:215: broken link './images/backstage-logo-cncf.svg': images/backstage-logo-cncf.svg does not exist"]);
  });

  it('builds every page, also those left out of the nav, with the nav of its mkdocs.yaml', () => {
    for (const page of pages) expect(() => readFileSync(pageFile(output, page)), page).not.toThrow();
    const nav = readFileSync(pageFile(output, 'index'), 'utf8');
    expect(nav).toContain('Why Choose VMware® Tanzu Developer Portal™?');
    expect(nav).toContain('FAQs For VMware® Tanzu Developer Portal™');
  });

  it.skipIf(!live)('the checked-in mkdocs output is what mkdocs builds now (else: npx tsx scripts/refresh-mkdocs-parity.ts)', () => {
    for (const page of pages) expect(articleLines(mkdocs.get(page) ?? ''), page).toEqual(articleLines(checkedIn.get(page) ?? ''));
  });

  it.each(pages)('%s: same article as mkdocs, or only the listed differences', (page) => {
    const diff = lineDiff(articleLines(mkdocs.get(page) ?? ''), articleLines(readFileSync(pageFile(output, page), 'utf8')));
    const allowed = allowedDifferencesReal[page];
    if (!allowed) {
      expect(diff, `${page} differs from mkdocs`).toEqual([]);
      return;
    }
    for (const reason of allowed.reasons) expect(reason.length).toBeGreaterThan(20);
    expect(diff, `${page}: the difference changed; review it and update allowed-differences-real.ts`).toEqual(allowed.diff);
  });

  it('lists differences only for pages of the site', () => {
    for (const page of Object.keys(allowedDifferencesReal)) expect(pages).toContain(page);
  });
});
