import fc from 'fast-check';
import type { Nodes, Root } from 'hast';
import { defaultSchema, sanitize, type Schema } from 'hast-util-sanitize';
import rehypeParse from 'rehype-parse';
import type { Processor } from 'unified';
import { unified } from 'unified';
import { describe, expect, it } from 'vitest';
import { benchPageMarkdown } from '../../../../test/support/techdocs-pages.js';
import { createDocsProcessor, docsSanitizeSchema } from './processor.js';
import { rehypeSanitizeFast } from './sanitize.js';
import { commonmarkExamples } from '../test-utils.js';

// Checking a tree in place and sanitising only what would change must give exactly what
// hast-util-sanitize gives, for any tree and schema.

const schemas: Record<string, Schema | undefined> = {
  none: undefined,
  default: defaultSchema,
  docs: docsSanitizeSchema,
  strip: { strip: ['script', 'style'], tagNames: ['p', 'a', 'em', 'table', 'tr', 'td', 'div', 'code', 'pre', 'span', 'h1', 'h2'] },
  comments: { allowComments: true, allowDoctypes: true },
  clobber: { clobberPrefix: 'x-', clobber: ['id', 'name', 'className'] },
  required: { required: { input: { type: 'checkbox', disabled: true }, a: { rel: 'nofollow' } } },
  everything: { tagNames: undefined, attributes: { '*': ['data*', 'className', 'id', 'title', ['data*', 'x'], ['className', 'a']] } },
  lists: {
    ancestors: { li: ['ul', 'ol'], td: ['table'] },
    protocols: { href: ['https'], src: [] },
    clobber: [],
    attributes: {
      '*': ['dataX', ['className', 'a', 'b'], 'id'],
      a: [['href', /^https:/], 'data*', ['data*', 'only'], 'dataFootnoteRef'],
      input: [['type', 'checkbox', 'radio'], ['checked', true], 'value'],
      code: [['className', /^language-/]],
    },
  },
};

function expectSameAsLibrary(tree: Nodes, schema: Schema | undefined): void {
  const expected = sanitize(structuredClone(tree), schema);
  const actual = rehypeSanitizeFast(schema)(structuredClone(tree) as Root);
  expect(actual).toStrictEqual(expected);
}

/** The hast the docs processor hands to its sanitiser, for Markdown. */
function hastBeforeSanitizing(markdownParser: 'markdown-it' | 'remark'): (markdown: string) => Root {
  let captured: Root | undefined;
  const capture = () => (tree: Root) => {
    captured = structuredClone(tree);
  };
  // Unsanitised, with a plugin keeping the tree right after raw HTML was parsed.
  const processor = createDocsProcessor({
    features: { admonition: true, details: true, permalink: false, highlight: false },
    sanitize: false,
    markdownParser,
    rehypePlugins: [capture],
  }) as Processor;
  return (markdown) => {
    processor.processSync(markdown);
    return captured as Root;
  };
}

const htmlToHast = unified().use(rehypeParse, { fragment: true });

const html = [
  '<a href="javascript:alert(1)" onclick="x()">x</a><a href="https://a.b/?q=1:2">y</a><a href="#x:y">z</a>',
  '<img src="data:text/html,x" alt="a" longdesc="l"><img src="/i.png" title="t">',
  '<table><tr><td align="left">c</td></tr></table><td>loose cell</td><tr><th>x</th></tr>',
  '<ul><li class="task-list-item other"><input type="checkbox" checked disabled> done</li></ul><li>loose</li>',
  '<script>alert(1)</script><style>p{}</style><!-- comment --><p id="x" name="y" aria-describedby="z">t</p>',
  '<div class="admonition note" data-x="1" data-foo-bar="2" itemscope itemtype="t"><p class="admonition-title">N</p></div>',
  '<details class="tip" open><summary>S</summary><svg><circle r="1"/></svg><math><mi>x</mi></math></details>',
  '<h2 class="sr-only" id="footnote-label">Footnotes</h2><sup><a href="#fn-1" id="fnref-1" data-footnote-ref aria-describedby="footnote-label">1</a></sup>',
  '<code class="language-ts hljs">x</code><code class="lang">y</code><kbd>k</kbd><iframe src="https://e"></iframe>',
  '<form><input type="text" value="v"><input type="radio"><button>b</button></form><q cite="https://c">q</q>',
  '<p>plain <em>text</em> with <a href="page/">a link</a> and <code>code</code></p>',
];

describe('rehypeSanitizeFast: same result as hast-util-sanitize', () => {
  it('on the docs pipeline hast of every CommonMark spec example, both parsers, every schema', () => {
    expect(commonmarkExamples.length).toBeGreaterThan(600);
    for (const parser of ['markdown-it', 'remark'] as const) {
      const toHast = hastBeforeSanitizing(parser);
      for (const example of commonmarkExamples) {
        const tree = toHast(example.markdown);
        for (const schema of Object.values(schemas)) expectSameAsLibrary(tree, schema);
      }
    }
  });

  it('on GFM, admonitions and footnotes, which are clean under the docs schema', () => {
    const toHast = hastBeforeSanitizing('markdown-it');
    const markdown = [
      '# Title\n\n| a | b |\n|:--|--:|\n| 1 | 2 |\n\n- [x] done\n- [ ] todo\n\n~~gone~~ [link](other.md#x "t") ![i](i.png)',
      '!!! note "Hi"\n    Body with a footnote[^1].\n\n??? tip\n    Hidden.\n\n[^1]: The note.',
      '```ts\nconst a = 1;\n```\n\n> quote\n\n***\n\nline  \nbreak `code`',
    ];
    for (const text of markdown) {
      const tree = toHast(text);
      for (const schema of Object.values(schemas)) expectSameAsLibrary(tree, schema);
      // These pages are the common case the check exists for: nothing to copy.
      const copy = structuredClone(tree);
      expect(rehypeSanitizeFast(docsSanitizeSchema)(copy)).toBe(copy);
    }
  });

  it('on every page of the benchmark site', () => {
    const toHast = hastBeforeSanitizing('markdown-it');
    for (let section = 0; section < 3; section++) {
      for (let index = 0; index < 5; index++) {
        const tree = toHast(benchPageMarkdown(section, index, 5));
        for (const schema of Object.values(schemas)) expectSameAsLibrary(tree, schema);
      }
    }
  });

  it('on HTML with scripts, handlers, protocols, tables out of context, forms and footnotes', () => {
    for (const text of html) {
      const tree = htmlToHast.runSync(htmlToHast.parse(text)) as Root;
      for (const schema of Object.values(schemas)) expectSameAsLibrary(tree, schema);
    }
  });

  it('on hand-built trees that are clean but for one thing', () => {
    const text = (value: string) => ({ type: 'text', value });
    const element = (tagName: string, properties: Record<string, unknown>, children: unknown[] = []) => ({ type: 'element', tagName, properties, children });
    const trees = [
      // Out of context: a cell without a table, an item without a list (for the `lists` schema).
      [element('td', {}, [text('cell')])],
      [element('table', {}, [element('tr', {}, [element('td', {}, [text('cell')])])])],
      [element('li', {}, [text('item')]), element('ul', {}, [element('li', {}, [text('in a list')])])],
      // Lists of values: items that are not strings or numbers, or not allowed.
      [element('code', { className: ['language-ts', true] }, [text('x')])],
      [element('code', { className: ['language-ts', 'other'] }, [text('x')])],
      [element('code', { className: ['language-ts'] }, [text('x')])],
      // Allowed by the global list but not by the tag's own, which is the one that counts.
      [element('code', { className: ['a'] }, [text('x')])],
      [element('div', { className: [] }, [])],
      // Protocols, clobbering, required properties, empty values.
      [element('a', { href: 'javascript:alert(1)' }, [text('x')]), element('a', { href: 'https://x' }, [text('y')])],
      [element('p', { id: 'x' }, [text('x')])],
      [element('input', { type: 'checkbox' }, [])],
      [element('input', { type: 'checkbox', disabled: true }, [])],
      [element('details', { open: undefined, className: ['tip'] }, [text('x')])],
      // Node fields sanitising drops or fills in.
      [{ type: 'element', tagName: 'p', children: [] }],
      [{ ...element('p', {}, []), data: { x: 1 } }],
      [{ type: 'text', value: 'x', position: undefined }],
      [{ type: 'text', value: 'x', position: { start: { line: 1, column: 1 }, end: { line: 1, column: 2, offset: -1 } } }],
      [{ type: 'text', value: 'x', position: { start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 2, offset: 1 } } }],
      [{ type: 'text', value: 'x', position: { start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 2, offset: 1 }, source: 'a.md' } }],
      [{ type: 'text', value: 'x', position: { start: { line: 1, column: 1, offset: 0, x: 1 }, end: { line: 1, column: 2, offset: 1 } } }],
    ];
    for (const children of trees) {
      for (const schema of Object.values(schemas)) expectSameAsLibrary({ type: 'root', children } as Root, schema);
    }
  });

  it('on arbitrary trees, including malformed nodes, positions and data', () => {
    const value = fc.oneof(
      fc.constantFrom('', 'x', 'javascript:alert(1)', 'https://a', 'mailto:a@b', '/a:b', '?q:1', '#a:b', 'a', 'b', 'only', 'checkbox', 'language-ts', 'task-list-item'),
      fc.integer({ min: -2, max: 3 }),
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
      fc.constant({ nested: true }),
    );
    const properties = fc.dictionary(
      fc.constantFrom('className', 'id', 'name', 'href', 'src', 'title', 'dataX', 'dataFooBar', 'data', 'datax', 'DATAy', 'ariaLabel', 'type', 'checked', 'disabled', 'align', 'open', 'onClick', 'rel', 'value', 'data*'),
      fc.oneof(value, fc.array(value, { maxLength: 3 })),
      { maxKeys: 4 },
    );
    const point = fc.record({ line: fc.integer({ min: -1, max: 3 }), column: fc.integer({ min: 0, max: 3 }), offset: fc.oneof(fc.integer({ min: -1, max: 9 }), fc.constant(undefined)) }, { requiredKeys: ['line', 'column'] });
    const position = fc.oneof(
      fc.record({ start: point, end: point }),
      fc.record({ start: point }),
      fc.constantFrom(null, 3, undefined),
    );
    const node = fc.letrec<{ node: unknown }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.record({ type: fc.constant('text'), value: fc.oneof(fc.string({ maxLength: 4 }), fc.constant(undefined)), position, data: fc.constantFrom(undefined, { a: 1 }) }, { requiredKeys: ['type', 'value'] }),
        fc.record({ type: fc.constantFrom('comment', 'doctype', 'raw', 'unknown', 7), value: fc.constantFrom('c', 'a-->b', undefined) }),
        fc.record(
          {
            type: fc.constant('element'),
            tagName: fc.constantFrom('p', 'a', 'img', 'input', 'li', 'ul', 'table', 'tr', 'td', 'div', 'script', 'svg', 'unknown', '', '*', 'h2', 'code', 'span', undefined),
            properties: fc.oneof(properties, properties, fc.constant(undefined), fc.constant([]), fc.constant('nope')),
            children: fc.oneof(fc.array(tie('node'), { maxLength: 4 }), fc.constant(undefined)),
            position,
            extra: fc.constant('dropped'),
          },
          { requiredKeys: ['type', 'tagName', 'properties', 'children'] },
        ),
        fc.record({ type: fc.constant('root'), children: fc.array(tie('node'), { maxLength: 4 }) }),
      ),
    })).node;
    const root = fc.record({ type: fc.constant('root'), children: fc.array(node, { maxLength: 5 }), position });
    fc.assert(
      fc.property(root, fc.constantFrom(...Object.keys(schemas)), (tree, name) => {
        expectSameAsLibrary(tree as Nodes, schemas[name]);
      }),
      { numRuns: 3000 },
    );
  });
});
