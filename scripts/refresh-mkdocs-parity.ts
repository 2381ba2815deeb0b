// Rebuilds the TechDocs parity fixture's mkdocs output (test/fixtures/techdocs-parity/
// mkdocs-output/*.html, the <article> of each page) with Debian's mkdocs, so the parity test
// still runs where mkdocs is absent. Run: npx tsx scripts/refresh-mkdocs-parity.ts
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildWithMkdocs, mkdocsAvailable, mkdocsOutputDir } from '../test/techdocs-parity/mkdocs-build.js';

if (!mkdocsAvailable()) {
  console.error('refresh-mkdocs-parity: mkdocs is not installed (bash scripts/ensure-mkdocs.sh)');
  process.exit(1);
}
rmSync(mkdocsOutputDir, { recursive: true, force: true });
mkdirSync(mkdocsOutputDir, { recursive: true });
for (const [page, html] of buildWithMkdocs()) writeFileSync(join(mkdocsOutputDir, `${page}.html`), html);
console.log(`refresh-mkdocs-parity: wrote ${mkdocsOutputDir}`);
