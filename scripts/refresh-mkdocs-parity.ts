// Rebuilds the TechDocs parity fixtures' mkdocs output with Debian's mkdocs (the <article> of
// each page), so the parity tests still run where mkdocs is absent: the hand-written site
// (test/fixtures/techdocs-parity/mkdocs-output/*.html) and the real project's site
// (test/fixtures/techdocs-real/*/mkdocs-output/*.html). Run: npx tsx scripts/refresh-mkdocs-parity.ts
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildWithMkdocs, mkdocsAvailable, mkdocsOutputDir } from '../test/techdocs-parity/mkdocs-build.js';
import { buildRealWithMkdocs, realMkdocsOutputDir } from '../test/techdocs-parity/real-site.js';

if (!mkdocsAvailable()) {
  console.error('refresh-mkdocs-parity: mkdocs is not installed (bash scripts/ensure-mkdocs.sh)');
  process.exit(1);
}
for (const [dir, build] of [
  [mkdocsOutputDir, buildWithMkdocs],
  [realMkdocsOutputDir, buildRealWithMkdocs],
] as const) {
  rmSync(dir, { recursive: true, force: true });
  for (const [page, html] of build()) {
    mkdirSync(dirname(join(dir, `${page}.html`)), { recursive: true });
    writeFileSync(join(dir, `${page}.html`), html);
  }
  console.log(`refresh-mkdocs-parity: wrote ${dir}`);
}
