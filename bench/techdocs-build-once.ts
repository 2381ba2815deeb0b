/**
 * One cold full build in a fresh process, for bench/techdocs.bench.ts (which starts one per
 * round, as `mkdocs build` is one process per build): prints `{"ms":…,"rendered":…}`.
 *
 *   node --import tsx bench/techdocs-build-once.ts <site> <output>
 */
import { performance } from 'node:perf_hooks';
import { buildDocs } from '../packages/techdocs/src/index.js';

const [source, output] = process.argv.slice(2);
if (!source || !output) throw new Error('usage: techdocs-build-once.ts <site> <output>');
const start = performance.now();
const result = await buildDocs({ source, output });
const ms = performance.now() - start;
if (result.warnings.length) throw new Error(`unexpected warnings: ${JSON.stringify(result.warnings.slice(0, 3))}`);
console.log(JSON.stringify({ ms, rendered: result.rendered.length }));
