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

const quick = process.argv.includes('--quick');
const pageCount = quick ? 100 : 1000;
const sections = 10;
const incrementalRuns = quick ? 3 : 5;

// The home page plus `pageCount - 1` pages spread over the sections.
function sectionSize(section: number): number {
  const rest = pageCount - 1;
  return Math.floor(rest / sections) + (section < rest % sections ? 1 : 0);
}

function pageMarkdown(section: number, index: number, perSection: number): string {
  const next = (index + 1) % perSection;
  const otherSection = (section + 1) % sections;
  return `# Page ${section}-${index}

Intro paragraph for page ${index} of section ${section} with **bold**, _emphasis_ and \`code\`.
See [the next page](page-${next}.md), [another section](../section-${otherSection}/page-0.md#usage)
and the [home page](../index.md).

![diagram](../images/diagram.png)

## Usage

!!! note "Remember"
    Admonitions render as styled blocks. This one links to [the next page](page-${next}.md).

\`\`\`ts
export function handler${index}(input: string): number {
  return input.length * ${index};
}
\`\`\`

| Option | Default | Description |
|--------|---------|-------------|
| alpha  | 1       | The first option |
| beta   | two     | The second option |

## Details

${'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore. '.repeat(4)}

### Notes

- first item
- second item with a [link](page-${next}.md)
`;
}

async function generateSite(root: string): Promise<string[]> {
  const docs = path.join(root, 'docs');
  await mkdir(path.join(docs, 'images'), { recursive: true });
  await writeFile(
    path.join(root, 'mkdocs.yml'),
    [
      'site_name: Benchmark Site',
      'site_description: Generated pages for the techdocs benchmark',
      'markdown_extensions:',
      '  - admonition',
      '  - tables',
      '  - fenced_code',
      '  - toc:',
      '      permalink: true',
      '',
    ].join('\n'),
  );
  await writeFile(path.join(docs, 'index.md'), '# Benchmark Site\n\nWelcome. Start with [section 0](section-0/page-0.md).\n');
  await writeFile(
    path.join(docs, 'images', 'diagram.png'),
    Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64'),
  );
  const files: string[] = [];
  for (let s = 0; s < sections; s++) {
    await mkdir(path.join(docs, `section-${s}`), { recursive: true });
    for (let i = 0; i < sectionSize(s); i++) {
      const rel = `section-${s}/page-${i}.md`;
      await writeFile(path.join(docs, rel), pageMarkdown(s, i, sectionSize(s)));
      files.push(rel);
    }
  }
  return files;
}

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
    const pages = await generateSite(site);
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
        pageMarkdown(s, i, sectionSize(s)) + `\nEdited in run ${run}.\n`,
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
    await writeFile(path.join(site, 'docs', target), `${pageMarkdown(0, 1, sectionSize(0))}\nEdited for mkdocs.\n`);
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
