/*
 * End-to-end catalog ingestion: N generated entities written as YAML files (100 documents per
 * file), registered through one Location with a glob, processed (parse, validate, relations),
 * stitched and indexed in the memory store. Reports seconds, entities/s and peak RSS; the
 * baseline is plain YAML parsing of the same files in the same run, so the ratio says how much
 * the engine costs on top of reading.
 *
 *   npx tsx bench/catalog-ingest.bench.ts [--quick]      (100k entities; --quick: 10k)
 * Goals (100k): < 15 s and < 1.5 GB peak RSS.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseYamlDocuments } from '../packages/core/src/index.js';
import { builtinKinds, createCatalog } from '../packages/catalog/src/index.js';
import { writeGeneratedCatalog } from './generated-catalog.js';

// The generated org is the host's own catalog: every built-in kind may come from it.
const everyKind = [{ allow: builtinKinds.map((k) => k.kind) }];

const quick = process.argv.includes('--quick');
const count = quick ? 10_000 : 100_000;
const perFile = 100;

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 20);

const dir = mkdtempSync(join(tmpdir(), 'pk-ingest-'));
try {
  writeGeneratedCatalog(dir, count, perFile);
  if (global.gc) global.gc();

  const baseStart = performance.now();
  let parsed = 0;
  for (const file of readdirSync(join(dir, 'files'))) {
    parsed += parseYamlDocuments(readFileSync(join(dir, 'files', file), 'utf8'), { file }).length;
  }
  const baseSeconds = (performance.now() - baseStart) / 1000;

  const rssBefore = process.memoryUsage().rss;
  peakRss = rssBefore;
  const catalog = createCatalog({ rootDir: dir, rules: everyKind });
  const start = performance.now();
  await catalog.addLocation({ type: 'file', target: './catalog-info.yaml' });
  const seconds = (performance.now() - start) / 1000;
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  clearInterval(sampler);

  const { totalItems } = await catalog.query({ limit: 1 });
  const errors = await catalog.getProcessingErrors();
  const refreshStart = performance.now();
  await catalog.refresh();
  const refreshSeconds = (performance.now() - refreshStart) / 1000;

  const mb = (n: number) => `${Math.round(n / 1024 / 1024)} MB`;
  console.log(`catalog ingest: ${count} generated entities in ${count / perFile} files`);
  console.log(`  baseline  yaml parse only      ${baseSeconds.toFixed(2)} s (${parsed} docs)`);
  console.log(`  ingest    addLocation end-to-end ${seconds.toFixed(2)} s  (${Math.round(count / seconds)} entities/s, ${(seconds / baseSeconds).toFixed(1)}x baseline)`);
  console.log(`  refresh   full re-run, unchanged ${refreshSeconds.toFixed(2)} s`);
  console.log(`  peak RSS  ${mb(peakRss)} (before ingest ${mb(rssBefore)})`);
  console.log(`  stored    ${totalItems} final entities, ${errors.length} entities with errors`);
  const goalSeconds = quick ? 1.5 : 15;
  const goalRss = quick ? 1.5 * 1024 ** 3 : 1.5 * 1024 ** 3;
  console.log(`  goal      < ${goalSeconds} s: ${seconds < goalSeconds ? 'met' : 'MISSED'}; < 1.5 GB: ${peakRss < goalRss ? 'met' : 'MISSED'}`);
  if (errors.length) {
    console.error(JSON.stringify(errors.slice(0, 3), null, 1));
    process.exitCode = 1;
  }
} finally {
  clearInterval(sampler);
  rmSync(dir, { recursive: true, force: true });
}
