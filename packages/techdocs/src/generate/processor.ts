import { defaultSchema } from 'hast-util-sanitize';
import remarkGfm from 'remark-gfm';
import { unified, type PluggableList, type Processor } from 'unified';
import { remarkAdmonitions } from './admonition.js';
import { rehypeCollectPage } from './collect.js';
import type { MarkdownFeatures } from './config.js';
import { rehypeStringifyFast } from './hast-html.js';
import { remarkSnippets } from './snippets.js';
import { rehypeTabbedInputs } from './tabbed-inputs.js';
import { rehypeTaskListControls } from './task-list-controls.js';
import { rehypeHighlightCode } from './highlight.js';
import { rehypeHeadingIds } from './heading-ids.js';
import { rehypeDocsLinks } from './links.js';
import { createMarkdownParser, type MarkdownParser } from './markdown-parser.js';
import { remarkToHastFast } from './mdast-hast.js';
import { remarkNestingLimit } from './nesting.js';
import { rehypePermalinks } from './permalink.js';
import { rehypeRawWhenNeeded } from './raw.js';
import { rehypeSafeUrls } from './safe-urls.js';
import { rehypeSanitizeFast } from './sanitize.js';

/** A sanitisation schema, as taken by `rehype-sanitize` and `hast-util-sanitize`. */
export type SanitizeSchema = typeof defaultSchema;

/** Options of {@link createDocsProcessor}. */
export interface DocsProcessorOptions {
  features: MarkdownFeatures;
  /** `true` (default) sanitises with {@link docsSanitizeSchema}; `false` keeps raw HTML as written; or a schema. */
  sanitize?: boolean | SanitizeSchema;
  /** Extra remark plugins, run after GFM and admonitions, before conversion to HTML. */
  remarkPlugins?: PluggableList;
  /**
   * Extra rehype plugins, run after links were rewritten and the page was indexed, before the
   * final URL check (every URL they leave must still use an allowed protocol).
   */
  rehypePlugins?: PluggableList;
  /** Markdown parser; default `'auto'` (see {@link MarkdownParser}). */
  markdownParser?: MarkdownParser;
}

/**
 * The admonition types of Python-Markdown (rST) and mkdocs-material, with their aliases and
 * material's `inline`/`end` modifiers: the classes `!!! type` and `??? type` may carry.
 */
const admonitionClasses = [
  'note', 'abstract', 'summary', 'tldr', 'info', 'todo', 'tip', 'hint', 'important', 'success', 'check', 'done',
  'question', 'help', 'faq', 'warning', 'caution', 'attention', 'failure', 'fail', 'missing', 'danger', 'error',
  'bug', 'example', 'snippet', 'quote', 'cite', 'seealso', 'inline', 'end',
];

/** pymdownx.tabbed's alternate style: the set, its labels row, its content and each tab. */
const tabbedClasses = ['tabbed-set', 'tabbed-alternate', 'tabbed-labels', 'tabbed-content', 'tabbed-block'];

/**
 * GitHub-style sanitisation (no scripts, event handlers, `javascript:` URLs or styles), plus
 * what the docs pipeline itself produces: admonition and details classes.
 *
 * Classes are an allow-list: those of admonitions (`admonition`, `admonition-title` and the
 * known types), code languages (`language-*`), task lists and footnotes survive; any other
 * class an author writes is dropped, so a page cannot borrow the portal's own classes to paint
 * fake chrome (a custom `!!! type` keeps `admonition` and renders as a plain admonition).
 * Classes added after sanitising (`hljs-*` highlighting, `headerlink` permalinks) are the
 * pipeline's own. Ids are not prefixed: heading ids are added after sanitising and anchors
 * (`page/#section`) must work as in MkDocs; footnote ids are already prefixed by remark-rehype.
 * A viewer that puts docs into its own document should namespace ids (the example portal does).
 *
 * @example
 * ```ts
 * buildDocs({ source, output, sanitize: { ...docsSanitizeSchema, tagNames: [...(docsSanitizeSchema.tagNames ?? []), 'kbd'] } });
 * ```
 */
export const docsSanitizeSchema: SanitizeSchema = {
  ...defaultSchema,
  clobber: [],
  // The elements of abbr, mark, critic marks and tab labels (pymdownx / Python-Markdown extra),
  // and material's image captions (`<figure markdown>` with a `<figcaption>`).
  tagNames: [...(defaultSchema.tagNames ?? []), 'abbr', 'mark', 'label', 'figure', 'figcaption'],
  attributes: {
    ...defaultSchema.attributes,
    div: [
      ...(defaultSchema.attributes?.div ?? []),
      ['className', 'admonition', ...admonitionClasses, ...tabbedClasses],
      ['dataTabs', /^\d+:\d+(?::\d+)?$/],
    ],
    p: [...(defaultSchema.attributes?.p ?? []), ['className', 'admonition-title']],
    details: [...(defaultSchema.attributes?.details ?? []), 'open', ['className', ...admonitionClasses]],
    code: [['className', /^language-./, 'highlight']],
    span: [['className', 'keys', 'critic', 'comment']],
    kbd: [['className', /^key-[a-z0-9-]+$/]],
    ins: [...(defaultSchema.attributes?.ins ?? []), ['className', 'critic', 'break']],
    del: [...(defaultSchema.attributes?.del ?? []), ['className', 'critic', 'break']],
    mark: [['className', 'critic']],
    img: [...(defaultSchema.attributes?.img ?? []), ['className', 'twemoji']],
    pre: [['className', 'mermaid']],
  },
};

/**
 * Build the unified pipeline that turns one Markdown page into an HTML fragment, then freeze it:
 * a parser (markdown-it, or remark-parse when a user plugin extends the syntax or
 * `markdownParser: 'remark'`), admonitions, GFM (tables, task lists, footnotes, strikethrough),
 * the nesting limit, user remark plugins, remark-rehype, raw HTML (whose nesting is checked
 * too), sanitising, heading ids, highlighting, link rewriting, indexing, permalinks, user
 * rehype plugins, the final URL check, stringify. Per-page input is `file.data.techdocs`.
 *
 * @example
 * ```ts
 * const processor = createDocsProcessor({ features: { admonition: true, details: true, permalink: false, highlight: true } });
 * const file = await processor.process({ value: '# Hi', data: { techdocs: pageContext } });
 * ```
 */
export function createDocsProcessor(options: DocsProcessorOptions): Processor {
  const { features } = options;
  const sanitize = options.sanitize ?? true;
  const parser = createMarkdownParser(options.markdownParser, features.extensions ?? []);
  const plugins: PluggableList = [
    parser.parse,
    [remarkAdmonitions, { admonition: features.admonition, details: features.details, tabbed: features.tabbed ?? false }],
    // After admonitions (so it runs first): included text takes part in admonitions and tabs.
    ...(features.snippetsRoot ? [[remarkSnippets, { root: features.snippetsRoot }] as PluggableList[number]] : []),
    remarkGfm,
    parser.baseline,
    // First transform: nothing that recurses per level sees a tree nested too deep.
    remarkNestingLimit,
    ...(options.remarkPlugins ?? []),
    [remarkToHastFast, { allowDangerousHtml: true }],
    rehypeRawWhenNeeded,
  ];
  if (sanitize !== false) plugins.push([rehypeSanitizeFast, sanitize === true ? docsSanitizeSchema : sanitize]);
  // After sanitising: radio inputs are the pipeline's, never an author's (see tabbed-inputs.ts).
  if (features.tabbed) plugins.push(rehypeTabbedInputs);
  if (features.taskListControls) plugins.push(rehypeTaskListControls);
  plugins.push([rehypeHeadingIds, features.toc ?? {}]);
  if (features.highlight) plugins.push(rehypeHighlightCode);
  plugins.push(rehypeDocsLinks, [rehypeCollectPage, { depth: features.toc?.depth }]);
  if (features.permalink !== false) {
    const title = features.toc?.permalinkTitle;
    plugins.push([rehypePermalinks, title === undefined ? { symbol: features.permalink } : { symbol: features.permalink, title }]);
  }
  plugins.push(...(options.rehypePlugins ?? []));
  // Last: a link rewritten after sanitising (by the pipeline or a host plugin) may have become
  // a `javascript:` URL; every URL of the finished page passes the schema's protocols.
  if (sanitize !== false) plugins.push([rehypeSafeUrls, sanitize === true ? docsSanitizeSchema : sanitize]);
  plugins.push(rehypeStringifyFast);
  // Frozen: configuring it further would throw, and every page reuses the same attached plugins.
  return unified().use(plugins).freeze() as unknown as Processor;
}
