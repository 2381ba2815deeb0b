import type { Root } from 'mdast';
import MarkdownIt, { type MarkdownItOptions } from 'markdown-it';
import markdownItFootnote from 'markdown-it-footnote';
import remarkParse from 'remark-parse';
import type { Processor } from 'unified';
import { type MarkdownExtension, useMarkdownExtensions } from './markdown-extensions.js';
import { type HeadingSourceTexts, markdownItHeadingText } from './markdown-it-heading-text.js';
import { markdownItToMdast } from './markdown-it-mdast.js';
import { markdownItGfmStrikethrough } from './markdown-it-strikethrough.js';
import { MAX_NESTING_DEPTH, nestingError } from './nesting.js';

/**
 * Which parser turns Markdown into mdast. `'auto'` (default): markdown-it, unless a remark
 * plugin extends the Markdown syntax (registers micromark or mdast-util-from-markdown
 * extensions), then `remark-parse`. `'remark'`: always `remark-parse` (micromark).
 * `'markdown-it'`: always markdown-it, ignoring syntax extensions.
 */
export type MarkdownParser = 'auto' | 'remark' | 'markdown-it';

interface ExtensionCounts {
  micromark: number;
  fromMarkdown: number;
}

interface TransformHolder {
  transforms?: Array<(tree: Root) => Root | undefined | void>;
}

/** The two plugins {@link createMarkdownParser} returns, used in that order around GFM. */
export interface MarkdownParserPlugins {
  /** Use first, instead of `remark-parse`. */
  parse: (this: Processor) => undefined;
  /** Use right after the pipeline's own syntax plugins (GFM), before user remark plugins. */
  baseline: (this: Processor) => undefined;
}

/**
 * A Markdown parser for the docs pipeline: markdown-it (about 15x faster than micromark on
 * typical pages) producing the mdast `remark-parse` + `remark-gfm` would, with `remark-parse`
 * kept as the fallback for plugins that extend the syntax. The choice is made at the first
 * parse, when the frozen processor holds every plugin's extensions: `baseline` records what the
 * pipeline itself registered, and anything beyond that came from a user plugin.
 *
 * @example
 * ```ts
 * const parser = createMarkdownParser('auto');
 * unified().use(parser.parse).use(remarkGfm).use(parser.baseline).use(userPlugins);
 * ```
 */
export function createMarkdownParser(
  mode: MarkdownParser = 'auto',
  extensions: readonly MarkdownExtension[] = [],
): MarkdownParserPlugins {
  let baseline: ExtensionCounts = { micromark: 0, fromMarkdown: 0 };
  const counts = (processor: Processor): ExtensionCounts => {
    const data = processor.data() as { micromarkExtensions?: unknown[]; fromMarkdownExtensions?: unknown[] };
    return { micromark: data.micromarkExtensions?.length ?? 0, fromMarkdown: data.fromMarkdownExtensions?.length ?? 0 };
  };
  return {
    parse(this: Processor) {
      const processor = this;
      remarkParse.call(processor as never);
      const remark = processor.parser;
      if (!remark) throw new TypeError('remark-parse did not set a parser');
      let fast: ((document: string, file: { data: object }) => Root) | undefined;
      let probe: MarkdownIt | undefined;
      let useRemark: boolean | undefined;
      processor.parser = (document, file) => {
        useRemark ??= mode === 'remark' || (mode === 'auto' && extended(counts(processor), baseline));
        if (useRemark) {
          // micromark takes time quadratic in the nesting (a minute for 100,000 `>`): a page
          // that would fail the nesting limit anyway is measured by markdown-it first.
          probe ??= createMarkdownIt(extensions);
          if (tokenDepth(probe.parse(document, footnoteEnv())) > MAX_NESTING_DEPTH) throw nestingError(file.path);
          return remark(document, file);
        }
        fast ??= createFastParser(processor, extensions);
        return fast(document, file);
      };
      return undefined;
    },
    baseline(this: Processor) {
      baseline = counts(this);
      return undefined;
    },
  };
}

function extended(now: ExtensionCounts, baseline: ExtensionCounts): boolean {
  return now.micromark > baseline.micromark || now.fromMarkdown > baseline.fromMarkdown;
}

// Autolink literals are found in text by remark-gfm's tree transform; every one needs a
// `http(s)://`, `www.` or an `@`, so pages without any skip that walk over their tree.
const mayHaveLiteral = /https?:\/\/|www\.|@/i;

function createMarkdownIt(extensions: readonly MarkdownExtension[]): MarkdownIt {
  // markdown-it silently drops what nests deeper than maxNesting (100 by default), where
  // remark-parse keeps it: one level past the pipeline's limit, a page fails the nesting check
  // (remarkNestingLimit) the same way with either parser instead of losing its tail.
  const options: MarkdownItOptions & { maxNesting: number } = {
    html: true,
    linkify: false,
    typographer: false,
    maxNesting: MAX_NESTING_DEPTH + 1,
  };
  const md = new MarkdownIt('default', options);
  md.use(markdownItFootnote).use(markdownItGfmStrikethrough, { single: !extensions.includes('tilde') });
  // Definitions stay where they were written (as footnoteDefinition nodes), and `^[inline]`
  // footnotes are not GFM.
  md.disable(['footnote_tail', 'footnote_inline']);
  useMarkdownExtensions(md, extensions);
  md.use(markdownItHeadingText);
  return md;
}

/**
 * The depth of the mdast markdown-it's tokens become: a block token at level `l` is a node at
 * depth `l + 1`, an inline token's child at level `c` a node at depth `l + 1 + c + 1`.
 */
function tokenDepth(tokens: ReturnType<MarkdownIt['parse']>): number {
  let depth = 0;
  for (const token of tokens) {
    depth = Math.max(depth, token.level + 1);
    for (const child of token.children ?? []) depth = Math.max(depth, token.level + child.level + 2);
  }
  return depth;
}

function createFastParser(
  processor: Processor,
  extensions: readonly MarkdownExtension[],
): (document: string, file: { data: object }) => Root {
  const md = createMarkdownIt(extensions);
  const hilite = extensions.includes('inlinehilite');
  // mdast keeps URLs as written (decoded): remark-rehype normalises them, and unsafe ones are
  // left to the sanitiser, as with remark-parse. markdown-it would percent-encode and drop them.
  md.normalizeLink = (url) => url;
  md.normalizeLinkText = (text) => text;
  md.validateLink = () => true;
  const data = processor.data() as { fromMarkdownExtensions?: unknown[] };
  const transforms = collectTransforms(data.fromMarkdownExtensions ?? []);
  return (document, file) => {
    const env: ReturnType<typeof footnoteEnv> & { headingSourceTexts?: HeadingSourceTexts } = footnoteEnv();
    let tree = markdownItToMdast(md.parse(document, env), document, md.utils.unescapeAll, hilite);
    // For rehypeHeadingIds: headings Python-Markdown slugs from other text than they show.
    if (env.headingSourceTexts) (file.data as { headingSourceTexts?: HeadingSourceTexts }).headingSourceTexts = env.headingSourceTexts;
    if (transforms.length > 0 && mayHaveLiteral.test(document)) {
      // micromark ends a literal at `<` while tokenizing; the transform only sees text, so the
      // text is cut there for it and joined again after.
      const cut = document.includes('<');
      if (cut) splitText(tree, '<');
      for (const transform of transforms) tree = transform(tree) ?? tree;
      if (cut) joinText(tree);
    }
    return tree;
  };
}

/**
 * markdown-it-footnote matches labels as written; GFM matches them like link labels (case and
 * inner whitespace ignored). Its label table lives in the parse's env, so that table normalises.
 */
function footnoteEnv(): { footnotes: { refs: Record<string, number> } } {
  const normal = (key: string | symbol) =>
    typeof key === 'string' ? key.replace(/[\t\n\r ]+/g, ' ').toLowerCase().toUpperCase() : key;
  const refs = new Proxy({} as Record<string, number>, {
    get: (target, key) => Reflect.get(target, normal(key)),
    set: (target, key, value) => Reflect.set(target, normal(key), value),
    has: (target, key) => Reflect.has(target, normal(key)),
  });
  return { footnotes: { refs } };
}

interface TextParent {
  type: string;
  value?: string;
  children?: TextParent[];
}

function splitText(node: TextParent, at: string): void {
  const children = node.children;
  if (!children) return;
  for (let i = 0; i < children.length; i++) {
    const child = children[i] as TextParent;
    if (child.type === 'text' && child.value !== undefined && child.value.indexOf(at, 1) > 0) {
      const parts = child.value.split(new RegExp(`(?=${at})`));
      children.splice(i, 1, ...parts.map((value) => ({ type: 'text', value })));
      i += parts.length - 1;
    } else splitText(child, at);
  }
}

function joinText(node: TextParent): void {
  const children = node.children;
  if (!children) return;
  for (let i = 0; i < children.length; i++) {
    const child = children[i] as TextParent;
    const prev = children[i - 1];
    if (child.type === 'text' && prev?.type === 'text') {
      prev.value = (prev.value ?? '') + (child.value ?? '');
      children.splice(i--, 1);
    } else joinText(child);
  }
}

function collectTransforms(extensions: unknown[]): Array<(tree: Root) => Root | undefined | void> {
  const out: Array<(tree: Root) => Root | undefined | void> = [];
  for (const extension of extensions) {
    if (Array.isArray(extension)) out.push(...collectTransforms(extension));
    else if (extension && typeof extension === 'object') out.push(...((extension as TransformHolder).transforms ?? []));
  }
  return out;
}
