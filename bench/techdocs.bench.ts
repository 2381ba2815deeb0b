/**
 * TechDocs build benchmark: generates an N-page MkDocs site (1000 pages, 100 with --quick) and
 * times a full build, a no-op rebuild and a one-page incremental rebuild with @portalkit/techdocs,
 * and — when the `mkdocs` CLI is installed (Debian: `apt-get install -y mkdocs`) — `mkdocs build`
 * and `mkdocs build --dirty` on the same sources in the same run, printed as ratios.
 *
 * Full builds are cold, one process each (`bench/techdocs-build-once.ts`), as `mkdocs build` is,
 * alternating with mkdocs over several rounds into fresh output folders: on a shared machine one
 * run of either varies by +-25% (mostly the disk), so the ratio is taken per round and of the
 * medians.
 *
 * With --core both build the same pages with techdocs-core's Markdown extensions switched on (the
 * `markdown_extensions` of test/fixtures/techdocs-parity/site/mkdocs.yml), as Backstage sites are.
 *
 *   npx tsx bench/techdocs.bench.ts [--quick] [--rounds N] [--no-baseline] [--core]
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { buildDocs } from '../packages/techdocs/src/index.js';
import { benchPageMarkdown, benchSectionSize, generateBenchSite } from '../test/support/techdocs-pages.js';

const quick = process.argv.includes('--quick');
const core = process.argv.includes('--core');

/** The `markdown_extensions:` block of the parity fixture: techdocs-core's extensions and options. */
function coreExtensions(): string {
  const config = readFileSync(fileURLToPath(new URL('../test/fixtures/techdocs-parity/site/mkdocs.yml', import.meta.url)), 'utf8');
  return `${config.slice(config.indexOf('markdown_extensions:'))}\ntheme:\n  name: material\n`;
}
const pageCount = quick ? 100 : 1000;
const incrementalRuns = quick ? 3 : 5;
const roundsAt = process.argv.indexOf('--rounds');
const rounds = roundsAt > 0 ? Number(process.argv[roundsAt + 1]) : quick ? 1 : 3;

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

// Every full build (either tool's) starts on a quiet disk: written-back sources and nothing
// left over from deleting the previous round's output, which would otherwise run in the kernel
// alongside the next build and slow whichever comes first.
async function settle(): Promise<void> {
  spawnSync('sync');
  await new Promise((resolve) => setTimeout(resolve, 1000));
}

async function main() {
  const work = await mkdtemp(path.join(os.tmpdir(), 'techdocs-bench-'));
  try {
    const site = path.join(work, 'site');
    const pages = await generateBenchSite(site, pageCount, core ? coreExtensions() : undefined);
    const output = path.join(work, 'out');
    console.log(`techdocs bench: ${pageCount} pages${quick ? ' (--quick)' : ''}${core ? ' (--core: techdocs-core extensions)' : ''}, node ${process.version}`);

    const version = process.argv.includes('--no-baseline') ? undefined : mkdocsAvailable();
    if (!version) console.log('mkdocs: not installed (try `apt-get install -y mkdocs`); no baseline in this run');
    const fulls: number[] = [];
    const mkFulls: number[] = [];
    let rendered = 0;
    for (let round = 0; round < rounds; round++) {
      await settle();
      const once = spawnSync(
        process.execPath,
        [...process.execArgv, fileURLToPath(new URL('techdocs-build-once.ts', import.meta.url)), site, path.join(work, `full-${round}`)],
        { encoding: 'utf8' },
      );
      if (once.status !== 0) throw new Error(`full build failed: ${once.stderr}`);
      const result = JSON.parse(once.stdout.trim().split('\n').pop() ?? '{}') as { ms: number; rendered: number };
      fulls.push(result.ms);
      rendered = result.rendered;
      const line = [`round ${round + 1}: portalkit ${fmt(result.ms)}`];
      if (version) {
        await settle();
        const mk = runMkdocs(site, path.join(work, `mkdocs-full-${round}`));
        mkFulls.push(mk);
        line.push(`mkdocs ${fmt(mk)}`, `${(mk / result.ms).toFixed(1)}x`);
      }
      console.log(line.join(', '));
      await rm(path.join(work, `full-${round}`), { recursive: true, force: true });
      await rm(path.join(work, `mkdocs-full-${round}`), { recursive: true, force: true });
    }
    const full = median(fulls);

    // The incremental builds run in this process, into an output a full build made.
    await buildDocs({ source: site, output });
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

    console.log(
      `portalkit full build      ${fmt(full)}  (median of ${rounds}, one process each; ${rendered} pages, ${(full / rendered).toFixed(2)} ms/page)`,
    );
    console.log(`portalkit no-op rebuild   ${fmt(noop)}`);
    console.log(
      `portalkit 1-page rebuild  ${fmt(inc)}  (median of ${incrementalRuns}; goal < 100 ms: ${inc < 100 ? 'met' : 'NOT met'})`,
    );
    if (!version) return;
    const mkFull = median(mkFulls);
    const mkOut = path.join(work, 'mkdocs-out');
    runMkdocs(site, mkOut);
    const target = pages[1]!;
    await writeFile(path.join(site, 'docs', target), `${benchPageMarkdown(0, 1, benchSectionSize(pageCount, 0))}\nEdited for mkdocs.\n`);
    const mkDirty = runMkdocs(site, mkOut, true);
    console.log(`baseline: ${version}`);
    console.log(`mkdocs build              ${fmt(mkFull)}  (median of ${rounds})`);
    console.log(`mkdocs build --dirty      ${fmt(mkDirty)}  (after one page changed)`);
    const ratio = mkFull / full;
    const perRound = fulls.map((ms, i) => (mkFulls[i]! / ms).toFixed(1)).join(', ');
    console.log(
      `full build ratio          ${ratio.toFixed(1)}x faster than mkdocs (medians; per round ${perRound}; goal >= 10x: ${ratio >= 10 ? 'met' : 'NOT met'})`,
    );
    console.log(`incremental ratio         ${(mkDirty / inc).toFixed(1)}x faster than mkdocs --dirty`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

await main();
