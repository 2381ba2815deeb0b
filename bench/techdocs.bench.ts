/**
 * TechDocs build benchmark: generates an N-page MkDocs site (1000 pages, 100 with --quick) and
 * times a full build, a no-op rebuild and a one-page incremental rebuild with @portalkit/techdocs,
 * and — when the `mkdocs` CLI is installed (Debian: `apt-get install -y mkdocs`) — `mkdocs build`
 * and `mkdocs build --dirty` on the same sources in the same run, printed as ratios.
 *
 *   npx tsx bench/techdocs.bench.ts [--quick]
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildDocs } from '../packages/techdocs/src/index.js';
import { benchPageMarkdown, benchSectionSize, generateBenchSite } from './techdocs-pages.js';

const quick = process.argv.includes('--quick');
const pageCount = quick ? 100 : 1000;
const incrementalRuns = quick ? 3 : 5;

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

function mkdocsAvailable(): string | undefined {
  const probe = spawnSync('mkdocs', ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout.trim() : undefined;
}

function runMkdocs(site: string, out: string, dirty = false): number {
  const start = performance.now();
  const args = ['build', '-q', '-f', path.join(site, 'mkdocs.yml'), '-d', out];
  if (dirty) args.push('--dirty');
  const result = spawnSync('mkdocs', args, { encoding: 'utf8' });
  const ms = performance.now() - start;
  if (result.status !== 0) throw new Error(`mkdocs build failed: ${result.stderr}`);
  return ms;
}

const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

async function main() {
  const work = await mkdtemp(path.join(os.tmpdir(), 'techdocs-bench-'));
  try {
    const site = path.join(work, 'site');
    const pages = await generateBenchSite(site, pageCount);
    const output = path.join(work, 'out');
    console.log(`techdocs bench: ${pageCount} pages${quick ? ' (--quick)' : ''}, node ${process.version}`);

    let rendered = 0;
    const full = await time(async () => {
      const result = await buildDocs({ source: site, output });
      rendered = result.rendered.length;
      if (result.warnings.length) throw new Error(`unexpected warnings: ${JSON.stringify(result.warnings.slice(0, 3))}`);
    });
    const noop = await time(() => buildDocs({ source: site, output }));

    const incremental: number[] = [];
    for (let run = 0; run < incrementalRuns; run++) {
      const target = pages[(run * 37) % pages.length]!;
      const [s, i] = /section-(\d+)\/page-(\d+)/.exec(target)!.slice(1).map(Number) as [number, number];
      await writeFile(
        path.join(site, 'docs', target),
        benchPageMarkdown(s, i, benchSectionSize(pageCount, s)) + `\nEdited in run ${run}.\n`,
      );
      let renderedNow = 0;
      incremental.push(
        await time(async () => {
          renderedNow = (await buildDocs({ source: site, output })).rendered.length;
        }),
      );
      if (renderedNow !== 1) throw new Error(`incremental build rendered ${renderedNow} pages, expected 1`);
    }
    const inc = median(incremental);

    console.log(`portalkit full build      ${fmt(full)}  (${rendered} pages, ${(full / rendered).toFixed(2)} ms/page)`);
    console.log(`portalkit no-op rebuild   ${fmt(noop)}`);
    console.log(
      `portalkit 1-page rebuild  ${fmt(inc)}  (median of ${incrementalRuns}; goal < 100 ms: ${inc < 100 ? 'met' : 'NOT met'})`,
    );

    const version = mkdocsAvailable();
    if (!version) {
      console.log('mkdocs: not installed (try `apt-get install -y mkdocs`); no baseline in this run');
      return;
    }
    const mkOut = path.join(work, 'mkdocs-out');
    const mkFull = runMkdocs(site, mkOut);
    const target = pages[1]!;
    await writeFile(path.join(site, 'docs', target), `${benchPageMarkdown(0, 1, benchSectionSize(pageCount, 0))}\nEdited for mkdocs.\n`);
    const mkDirty = runMkdocs(site, mkOut, true);
    console.log(`baseline: ${version}`);
    console.log(`mkdocs build              ${fmt(mkFull)}`);
    console.log(`mkdocs build --dirty      ${fmt(mkDirty)}  (after one page changed)`);
    const ratio = mkFull / full;
    console.log(`full build ratio          ${ratio.toFixed(1)}x faster than mkdocs (goal >= 10x: ${ratio >= 10 ? 'met' : 'NOT met'})`);
    console.log(`incremental ratio         ${(mkDirty / inc).toFixed(1)}x faster than mkdocs --dirty`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

await main();
