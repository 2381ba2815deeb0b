/**
 * HTML serialisation of the TechDocs pages: hast-util-to-html (what rehype-stringify runs) against
 * the docs processor's own serialiser, on the hast of the 1000 benchmark pages (100 with --quick),
 * alternated in one process; then the whole docs processor with either stringifier. The first
 * round is cold (`--new-first` swaps who goes first in it), the rest warm.
 *
 *   npx tsx bench/techdocs-stringify.bench.ts [--quick] [--new-first]
 */
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { createHtmlSerializer, rehypeStringifyFast } from '../packages/techdocs/src/generate/hast-html.js';
import { createDocsProcessor } from '../packages/techdocs/src/generate/processor.js';
import { benchPageMarkdown, benchSectionSize, benchSections } from '../test/support/techdocs-pages.js';

// The techdocs package's own dependencies (pnpm does not hoist them to the root).
const techdocs = createRequire(new URL('../packages/techdocs/package.json', import.meta.url));
const load = async <T>(name: string): Promise<T> => (await import(pathToFileURL(techdocs.resolve(name)).href)) as T;
type Tree = Parameters<ReturnType<typeof createHtmlSerializer>>[0];
type Processor = ReturnType<typeof createDocsProcessor>;
const { toHtml } = await load<{ toHtml: (tree: Tree) => string }>('hast-util-to-html');
const { default: rehypeStringify } = await load<{ default: unknown }>('rehype-stringify');
const { unified } = await load<{ unified: () => Processor }>('unified');

const quick = process.argv.includes('--quick');
const newFirst = process.argv.includes('--new-first');
const pageCount = quick ? 100 : 1000;
const rounds = quick ? 5 : 11;

function pages(): string[] {
  const out = ['# Benchmark Site\n\nWelcome. Start with [section 0](section-0/page-0.md).\n'];
  for (let s = 0; s < benchSections; s++) {
    const size = benchSectionSize(pageCount, s);
    for (let i = 0; i < size; i++) out.push(benchPageMarkdown(s, i, size));
  }
  return out;
}

/** The docs processor with rehype-stringify in place of its own stringifier. */
function withRehypeStringify(processor: Processor): Processor {
  const old = unified();
  for (const [plugin, ...options] of processor.attachers) {
    old.use((plugin === rehypeStringifyFast ? rehypeStringify : plugin) as never, ...(options as never[]));
  }
  return old.freeze() as unknown as Processor;
}

function time(run: () => void): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Runs `old` and `fresh` alternately; round 0 is cold. */
function compare(label: string, old: () => void, fresh: () => void): void {
  const times = { old: [] as number[], fresh: [] as number[] };
  for (let round = 0; round < rounds; round++) {
    const freshFirst = round === 0 ? newFirst : round % 2 === 1;
    if (freshFirst) {
      times.fresh.push(time(fresh));
      times.old.push(time(old));
    } else {
      times.old.push(time(old));
      times.fresh.push(time(fresh));
    }
  }
  const row = (name: string, cold: number, warm: number[]) =>
    console.log(
      `  ${name.padEnd(22)} ${cold.toFixed(1).padStart(8)} ms cold ${median(warm).toFixed(1).padStart(8)} ms warm (median of ${warm.length}, min ${Math.min(...warm).toFixed(1)})`,
    );
  console.log(`${label} (${pageCount} pages${newFirst ? ', new first when cold' : ''})`);
  const [oldCold, ...oldWarm] = times.old;
  const [freshCold, ...freshWarm] = times.fresh;
  row('hast-util-to-html', oldCold!, oldWarm);
  row('fast serialiser', freshCold!, freshWarm);
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
  console.log(
    `  ratio (old / new)      ${ratio(oldCold!, freshCold!)} cold, ${ratio(median(oldWarm), median(freshWarm))} warm median, ${ratio(Math.min(...oldWarm), Math.min(...freshWarm))} warm min`,
  );
}

const features = { admonition: true, details: true, permalink: '¶', highlight: true } as const;
const markdown = pages();
const processor = createDocsProcessor({ features });
const trees = markdown.map((page) => processor.runSync(processor.parse(page)) as Tree);

const serialize = createHtmlSerializer();
// Serialisers only, on the same trees; neither has run before the cold round.
compare(
  'hast -> HTML',
  () => {
    for (const tree of trees) toHtml(tree);
  },
  () => {
    for (const tree of trees) serialize(tree);
  },
);

const oldProcessor = withRehypeStringify(processor);
compare(
  'whole docs processor',
  () => {
    for (const page of markdown) oldProcessor.processSync(page);
  },
  () => {
    for (const page of markdown) processor.processSync(page);
  },
);

let differing = 0;
for (const tree of trees) if (serialize(tree) !== toHtml(tree)) differing++;
if (differing) throw new Error(`${differing} pages serialise differently`);
console.log('  (both serialisers give identical HTML for every page)');
