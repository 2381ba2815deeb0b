// Rebuilds the `toc` parity fixture's mkdocs output (test/fixtures/techdocs-parity-toc/
// mkdocs-output/<site>/<page>.html: each page's <article> and mkdocs-material's table of
// contents) with Debian's mkdocs, so the parity test still runs where mkdocs is absent.
// Run: npx tsx scripts/refresh-mkdocs-parity-toc.ts
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mkdocsAvailable } from '../test/techdocs-parity/mkdocs-build.js';
import { buildTocSiteWithMkdocs, tocOutputDir, tocSites } from '../test/techdocs-parity/toc-sites.js';

if (!mkdocsAvailable()) {
  console.error('refresh-mkdocs-parity-toc: mkdocs is not installed (bash scripts/ensure-mkdocs.sh)');
  process.exit(1);
}
rmSync(tocOutputDir, { recursive: true, force: true });
for (const site of tocSites()) {
  mkdirSync(join(tocOutputDir, site), { recursive: true });
  for (const [page, html] of buildTocSiteWithMkdocs(site)) writeFileSync(join(tocOutputDir, site, `${page}.html`), html);
}
console.log(`refresh-mkdocs-parity-toc: wrote ${tocOutputDir}`);
