/**
 * mdast -> hast on the 1000 benchmark pages: remark-rehype against the docs pipeline's own
 * converter (remarkToHastFast), alternated in one process; the first round of each runs cold.
 * With `--processor PATH`, instead the whole docs processor against the one exported from PATH
 * (e.g. a copy of processor.ts from before the converter was swapped in).
 *
 *   npx tsx bench/techdocs-to-hast.ts [--rounds 6] [--first old|new] [--processor packages/techdocs/src/generate/processor-before.ts]
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { MarkdownFeatures } from '../packages/techdocs/src/generate/config.js';
import { remarkToHastFast } from '../packages/techdocs/src/generate/mdast-hast.js';
import type { PageContext } from '../packages/techdocs/src/generate/page-data.js';
import type { PageInfo } from '../packages/techdocs/src/generate/pages.js';
import { createDocsProcessor } from '../packages/techdocs/src/generate/processor.js';
import { benchPageMarkdown, benchSectionSize, benchSections } from '../test/support/techdocs-pages.js';

const arg = (name: string) => {
  const at = process.argv.indexOf(name);
  return at === -1 ? undefined : process.argv[at + 1];
};
const rounds = Number(arg('--rounds') ?? 6);
const before = arg('--processor');
// Which runs first in each even round (the very first run of all pays for loading and compiling).
const first = arg('--first') === 'new' ? 'new' : 'old';
const second = first === 'new' ? 'old' : 'new';
const features: MarkdownFeatures = { admonition: true, details: true, permalink: '¶', highlight: true };
const pageCount = 1000;

// mdast and unified are not dependencies of bench/: their types are read off the converter.
type Root = Parameters<ReturnType<typeof remarkToHastFast>>[0];
type Processor = ThisParameterType<typeof remarkToHastFast>;
const noProcessor = undefined as unknown as Processor;

function sitePages(): Array<{ info: PageInfo; markdown: string }> {
  const out = [
    {
      info: { src: 'index.md', url: '', output: 'index.html', title: 'Benchmark Site' },
      markdown: '# Benchmark Site\n\nWelcome. Start with [section 0](section-0/page-0.md).\n',
    },
  ];
  for (let s = 0; s < benchSections; s++) {
    const size = benchSectionSize(pageCount, s);
    for (let i = 0; i < size; i++) {
      const src = `section-${s}/page-${i}.md`;
      const url = `section-${s}/page-${i}/`;
      out.push({ info: { src, url, output: url + 'index.html', title: `Page ${s}-${i}` }, markdown: benchPageMarkdown(s, i, size) });
    }
  }
  return out;
}

const pages = sitePages();
const pageMap = new Map(pages.map((p) => [p.info.src, p.info]));
const files = new Set([...pageMap.keys(), 'images', 'images/diagram.png']);
const context = (info: PageInfo): PageContext & Record<string, unknown> => ({
  page: info,
  pages: pageMap,
  files,
  warnings: [],
  toc: [],
  sections: [],
  text: '',
});

/** The trees the docs processor hands to its converter, read by a plugin placed right before it. */
function mdastTrees(): Root[] {
  const trees: Root[] = [];
  const stop = new Error('captured');
  // Stops the run there, so that neither converter has run (warmed up) before the first round.
  const capture = () => (tree: Root) => {
    trees.push(tree);
    throw stop;
  };
  const processor = createDocsProcessor({ features, remarkPlugins: [capture] });
  for (const page of pages) {
    try {
      processor.runSync(processor.parse(page.markdown));
    } catch (error) {
      if (error !== stop) throw error;
    }
  }
  return trees;
}

type Transform = (tree: Root, file?: unknown) => unknown;

const ms = (value: number) => `${value.toFixed(1)} ms`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

function converters(): void {
  const trees = mdastTrees();
  // An option the fast path does not port hands the whole conversion to remark-rehype (the
  // default clobber prefix, so the same hast); remark-rehype itself is not a dependency of bench/.
  const old = remarkToHastFast.call(noProcessor, {
    allowDangerousHtml: true,
    clobberPrefix: 'user-content-',
  }) as Transform;
  const fresh = remarkToHastFast.call(noProcessor, { allowDangerousHtml: true }) as Transform;
  const times: Record<'old' | 'new', number[]> = { old: [], new: [] };
  for (let round = 0; round < rounds; round++) {
    const order: Array<'old' | 'new'> = round % 2 === 0 ? [first, second] : [second, first];
    for (const which of order) {
      const copies = trees.map((tree) => structuredClone(tree));
      const convert = which === 'old' ? old : fresh;
      const start = performance.now();
      for (const tree of copies) convert(tree);
      times[which].push(performance.now() - start);
    }
  }
  console.log(`mdast -> hast, ${trees.length} pages, ${rounds} rounds (old = remark-rehype, new = remarkToHastFast)`);
  for (const which of ['old', 'new'] as const) console.log(`  ${which}: ${times[which].map(ms).join(', ')}`);
  const warmOld = median(times.old.slice(1));
  const warmNew = median(times.new.slice(1));
  console.log(`  cold: ${ms(times.old[0] ?? NaN)} -> ${ms(times.new[0] ?? NaN)} (${((times.old[0] ?? NaN) / (times.new[0] ?? NaN)).toFixed(2)}x)`);
  console.log(`  warm median: ${ms(warmOld)} -> ${ms(warmNew)} (${(warmOld / warmNew).toFixed(2)}x)`);
}

async function processors(beforePath: string): Promise<void> {
  const module = (await import(pathToFileURL(path.resolve(beforePath)).href)) as { createDocsProcessor: typeof createDocsProcessor };
  const make = { old: () => module.createDocsProcessor({ features }), new: () => createDocsProcessor({ features }) };
  const times: Record<'old' | 'new', number[]> = { old: [], new: [] };
  const outputs: Record<'old' | 'new', string[]> = { old: [], new: [] };
  for (let round = 0; round < rounds; round++) {
    const order: Array<'old' | 'new'> = round % 2 === 0 ? [first, second] : [second, first];
    for (const which of order) {
      const processor = make[which]();
      const html: string[] = [];
      const start = performance.now();
      for (const page of pages) {
        const file = await processor.process({ value: page.markdown, path: page.info.src, data: { techdocs: context(page.info) } });
        html.push(String(file));
      }
      times[which].push(performance.now() - start);
      outputs[which] = html;
    }
  }
  const same = outputs.old.every((html, i) => html === outputs.new[i]);
  console.log(`whole docs processor, ${pages.length} pages, ${rounds} rounds (same HTML: ${same})`);
  for (const which of ['old', 'new'] as const) console.log(`  ${which}: ${times[which].map(ms).join(', ')}`);
  const warmOld = median(times.old.slice(1));
  const warmNew = median(times.new.slice(1));
  console.log(`  cold: ${ms(times.old[0] ?? NaN)} -> ${ms(times.new[0] ?? NaN)}`);
  console.log(`  warm median: ${ms(warmOld)} -> ${ms(warmNew)} (${(warmOld / warmNew).toFixed(2)}x, ${ms(warmOld - warmNew)} saved)`);
}

// One or the other per process, so that the first round of each runs cold.
if (before) await processors(before);
else converters();
