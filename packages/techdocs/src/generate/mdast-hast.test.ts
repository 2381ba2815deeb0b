import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import type { Root as HastRoot } from 'hast';
import type { Root } from 'mdast';
import remarkParse from 'remark-parse';
import remarkRehype, { type Options } from 'remark-rehype';
import { unified, type Processor } from 'unified';
import { describe, expect, it } from 'vitest';
import { benchPageMarkdown, benchSectionSize, benchSections } from '../../../../test/support/techdocs-pages.js';
import { commonmarkExamples, fixturesDir } from '../test-utils.js';
import type { MarkdownFeatures } from './config.js';
import type { MarkdownParser } from './markdown-parser.js';
import { mdastToHast, remarkToHastFast } from './mdast-hast.js';
import { createDocsProcessor } from './processor.js';

// remarkToHastFast must give exactly the hast remark-rehype (mdast-util-to-hast) gives, positions
// and all: each case converts the mdast the docs processor hands to it through both and compares.

const features: MarkdownFeatures = { admonition: true, details: true, permalink: '¶', highlight: true };

type Transform = (tree: Root, file?: unknown) => HastRoot;

const reference = remarkRehype({ allowDangerousHtml: true }) as unknown as Transform;
// The fast path itself, so that a silent fallback cannot pass for a match.
const fast: Transform = (tree) => {
  const hast = mdastToHast(tree, true);
  if (!hast) throw new Error('not converted by the fast path');
  return hast;
};
const plugin = remarkToHastFast.call(unified() as unknown as Processor, { allowDangerousHtml: true }) as Transform;

/** The mdast the docs processor converts to hast, read by a remark plugin placed right before it. */
function mdastReader(markdownParser: MarkdownParser): (markdown: string) => Root {
  let captured: Root | undefined;
  const capture = () => (tree: Root) => {
    captured = structuredClone(tree);
  };
  const processor = createDocsProcessor({ features, sanitize: false, markdownParser, remarkPlugins: [capture] });
  return (markdown) => {
    captured = undefined;
    processor.runSync(processor.parse(markdown));
    if (!captured) throw new Error('no mdast captured');
    return captured;
  };
}

const readers = { 'markdown-it': mdastReader('markdown-it'), remark: mdastReader('remark') };

function convertBoth(tree: Root, slow: Transform = reference, quick: Transform = fast) {
  // Each gets its own copy: neither may see what the other did to the tree.
  return { expected: slow(structuredClone(tree)), actual: quick(structuredClone(tree)) };
}

function expectSame(markdown: string): void {
  for (const [name, read] of Object.entries(readers)) {
    const { expected, actual } = convertBoth(read(markdown));
    expect(actual, `${name}: ${JSON.stringify(markdown)}`).toStrictEqual(expected);
  }
}

function differs(markdown: string): string[] {
  const out: string[] = [];
  for (const [name, read] of Object.entries(readers)) {
    const { expected, actual } = convertBoth(read(markdown));
    try {
      expect(actual).toStrictEqual(expected);
    } catch {
      out.push(name);
    }
  }
  return out;
}


describe('remarkToHastFast: CommonMark spec examples', () => {
  it('converts every example as mdast-util-to-hast does, from both parsers', () => {
    expect(commonmarkExamples.length).toBeGreaterThan(600);
    const different: string[] = [];
    for (const example of commonmarkExamples) {
      for (const name of differs(example.markdown.replace(/→/g, '\t'))) different.push(`${example.number} (${name})`);
    }
    expect(different).toEqual([]);
  });
});

const cases: Record<string, string> = {
  'table with alignment': '| a | b | c |\n|:-:|---|:--|\n| 1 | 2 |\n| x | y | z | w |\n',
  'table right aligned': '| a | b |\n|:--|--:|\n| 1 | 2 |\n',
  'table with a header only': '| a |\n|---|\n',
  'table with inline content': '| *a* | [l](b.md) |\n| --- | --- |\n| **x** | ![i](p.png) |\n',
  'task list': '- [ ] todo\n- [x] done\n- [X] Done\n',
  'task list edge cases': '- [ ]\n- [x]\n- [ ]  \n- [ ] a\n  b\n',
  'ordered loose task list': '1. [x] one\n2. [ ] two\n\n   more\n',
  'nested task list': '* a\n  * [x] nested\n',
  'nested loose and tight lists': '- a\n\n  - b\n  - c\n- d\n\n1. x\n   - y\n\n     z\n2. w\n',
  footnotes: 'Text[^1] and again[^1] and[^note].\n\n[^1]: First.\n[^note]: Second\n    with more.\n\n    And a paragraph.\n',
  'footnote referenced three times': 'a[^x] b[^x] c[^x]\n\n[^x]: note\n',
  'footnote ending in a list': 'a[^x]\n\n[^x]: - item\n',
  'footnote ending in code': 'a[^x]\n\n[^x]:\n        code\n',
  'footnote with markup, unused definition': 'Ref[^a].\n\n[^a]: Def *em*\n\n[^unused]: never\n',
  'footnote defined before use': '[^x]: before\n\nUse[^x].\n',
  'undefined footnote': 'Missing[^nope].\n',
  'footnote labels ignore case': '[^A]: upper\n\nUse[^a] and[^A].\n',
  'footnote label needing encoding': 'a[^ü ß]\n\n[^ü ß]: umlaut\n',
  'footnote referencing another': 'a[^1]\n\n[^1]: see[^2]\n[^2]: two[^1]\n',
  'duplicate footnote definitions': 'a[^1]\n\n[^1]: first\n[^1]: second\n',
  'footnote in a table': 'Footnote in table\n\n| a |\n|---|\n| b[^f] |\n\n[^f]: note\n',
  strikethrough: '~~strike~~ and ~~two words~~ a ~~b~~c ~~ d ~~\n',
  'single tilde strikethrough': 'H~2~O and ~one~ tilde\n',
  'autolink literals': 'See https://example.com/path?q=1. and www.example.com, and http://x.org/a_(b).\n',
  'email literals and autolinks': 'mail me@example.com or <me@example.com> or <https://a.b/c>\n',
  'URLs needing encoding': '[a](<ü ß>) [b](%zz%41) [c](a\\`b) [d](\uD800) ![e](😀.png "t") [f](a"b\'c)\n',
  'raw HTML': '<div onclick="x()">hi <script>alert(1)</script></div>\n\n<img src=x onerror=alert(1)>\n\ntext <b>x</b>\n',
  'unclosed raw HTML block': '<style>\nfoo\n',
  comments: '<!-- comment -->\n\ntext <!-- inline --> <span>x</span>\n',
  references: '[ref]\n\n[ref]: ./page.md "Title"\n\n![img][i] [full][ref] [coll][] ![coll][]\n\n[i]: img.png\n[coll]: c.md\n',
  'unresolved references': '[a][nope] ![b][nope] [*c*][] [d]\n',
  'code info strings': '```ts title="x.ts" linenums="1"\nconst a = 1;\n```\n\n```unknownlang\nx\n```\n\n```\nplain\n```\n',
  'empty fences': '```js\n```\n\n```\n\n\n```\n',
  'indented code': '    indented\n    code\n\n\ttab\n',
  'hard breaks': 'line  \nbreak\\\n  *break*\\\n   text  \n`code`\n',
  'soft breaks with spaces': 'a   \n   b\t\n\tc\n',
  'inline code with line endings': '`a\nb`  and ``c\r\nd``\n',
  'thematic breaks and setext': 'a\n***\nb\n---\n\nSetext\n======\n\nOther\n------\n',
  'ordered list starts': '1. one\n1. two\n\n5. five\n6. six\n\n0. zero\n',
  entities: '&copy; &amp; &#123; &#x1F600; &nonsense;\n',
  'image alt text': '![alt *em* `code`](a.png "t")\n',
  'links across lines': '[a\nb](x.md "T")\n\nline1\n[c](broken.md)\n',
  blockquotes: '> a\n>\n> > b\n\n>\n',
  'empty document': '',
  'only definitions': '[a]: b\n',
};

const admonitionCases: Record<string, string> = {
  'titled admonition': '!!! note "Remember"\n    Admonitions render. [next](page.md).\n\n    Second para.\n\ntext\n',
  'admonition without title': '!!! warning\n    No title.\n',
  'admonition with empty title': '!!! danger ""\n    Empty title.\n',
  'admonition with extra classes': '!!! tip inline end\n    Body.\n',
  'admonition with lists and code': '!!! tip "A" \n    - list\n    - items\n\n    ```py\n    x = 1\n    ```\n',
  details: '??? info "Closed"\n    body\n\n???+ info "Open"\n    body\n',
  'nested admonition': '!!! note\n    !!! tip "Nested"\n        inner\n',
  'admonition in a list': '- item\n\n    !!! note\n        in list\n',
  'empty admonition': '!!! note\n\nafter\n',
};

describe('remarkToHastFast: GFM, admonitions and the rest of the docs syntax', () => {
  for (const [name, markdown] of Object.entries({ ...cases, ...admonitionCases })) {
    it(name, () => expectSame(markdown));
  }
});

// Pieces of Markdown that interact in the converter (breaks before text, task items whose first
// child is no paragraph, footnotes in footnotes, references, raw HTML), joined at random.
const pieces = [
  'text',
  ' *em* ',
  '**strong**',
  '~~del~~',
  '`code`',
  'a  \n  b',
  'c\\\n*d*',
  '  \n',
  '\n',
  '\n\n',
  '- ',
  '1. ',
  '- [ ] ',
  '- [x] ',
  '  ',
  '    ',
  '> ',
  '# ',
  '[^1]',
  '[^2]',
  '\n\n[^1]: note',
  '\n\n[^2]: two[^1]',
  '[ref]',
  '![img][ref]',
  '[x][missing]',
  '\n\n[ref]: /u "t"',
  '[l](/a b)',
  '<b>',
  '<div>\n',
  '| a | b |\n|:-|-:|\n| 1 |',
  '```js m\nx\n```',
  '!!! note "T"\n    body',
  '??? tip\n    - [ ] t',
  '***',
  'https://example.com',
];

describe('remarkToHastFast: random documents', () => {
  it('converts documents made of interacting pieces as mdast-util-to-hast does', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 24 }), (parts) => {
        expectSame(parts.join(''));
      }),
      { numRuns: 400, seed: 42 },
    );
  });
});

async function markdownFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.md')) out.push(path.join(entry.parentPath, entry.name));
  }
  return out.sort();
}

describe('remarkToHastFast: sites', () => {
  it('converts the fixture sites’ pages', async () => {
    const files = await markdownFiles(fixturesDir);
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) expectSame(await readFile(file, 'utf8'));
  });

  it('converts the benchmark pages', () => {
    expectSame('# Benchmark Site\n\nWelcome. Start with [section 0](section-0/page-0.md).\n');
    for (let section = 0; section < benchSections; section++) {
      const size = benchSectionSize(100, section);
      for (let index = 0; index < size; index += 4) expectSame(benchPageMarkdown(section, index, size));
    }
  });
});

describe('remarkToHastFast: data and trees no parser makes', () => {
  function expectSameTree(tree: Root): void {
    const { expected, actual } = convertBoth(tree);
    expect(actual).toStrictEqual(expected);
  }
  const at = (line: number) => ({ start: { line, column: 1, offset: 0 }, end: { line, column: 5, offset: 4 } });

  it('applies hName, hProperties and hChildren to every kind of node', () => {
    const data = { hName: 'span', hProperties: { className: ['x'], dataY: undefined, open: true } };
    const tree: Root = {
      type: 'root',
      children: [
        {
          type: 'paragraph',
          data,
          children: [
            { type: 'text', value: 'a', data: { hName: 'b' } },
            { type: 'text', value: 'plain', data: { hProperties: { id: 'ignored' } } },
            { type: 'html', value: '<i>', data: { hName: 'u' } },
            { type: 'inlineCode', value: 'c', data: { hChildren: [{ type: 'text', value: 'replaced' }] } },
            { type: 'break', data: { hName: 'wbr' } },
            { type: 'emphasis', children: [{ type: 'text', value: '  after break' }] },
          ],
        },
        { type: 'code', lang: 'js  x', meta: 'm', value: 'x', data: { hProperties: { dataCode: 1 } } },
        { type: 'code', lang: ' js', meta: null, value: '' },
        { type: 'thematicBreak', data: { hName: 'div', hChildren: [{ type: 'text', value: 'hr' }] } },
      ],
      data: { hProperties: { id: 'root-not-element' } },
    };
    expectSameTree(tree);
  });

  it('copies positions like unist-util-position, including invalid and partial ones', () => {
    const tree = {
      type: 'root',
      position: at(1),
      children: [
        { type: 'paragraph', position: { start: { line: 0, column: 1 }, end: { line: 1, column: 1 } }, children: [] },
        { type: 'paragraph', position: { start: { line: 2, column: 1 }, end: { line: 2, column: 3, offset: -1 } }, children: [] },
        { type: 'paragraph', position: {}, children: [{ type: 'text', value: 'x', position: at(3) }] },
        {
          type: 'table',
          align: ['left', null],
          position: at(4),
          children: [
            { type: 'tableRow', position: at(4), children: [{ type: 'tableCell', position: at(4), children: [] }] },
            { type: 'tableRow', children: [] },
            { type: 'tableRow', position: at(6), children: [] },
          ],
        },
        { type: 'table', align: null, children: [{ type: 'tableRow', children: [{ type: 'tableCell', children: [] }] }] },
        { type: 'tableRow', children: [{ type: 'tableCell', children: [] }] },
        { type: 'listItem', spread: null, checked: true, children: [{ type: 'code', value: 'x' }] },
        { type: 'list', spread: null, start: 3, ordered: true, children: [{ type: 'listItem', spread: null, children: [] }] },
        { type: 'yaml', value: 'a: b' },
        { type: 'toml', value: 'a = 1' },
      ],
    } as unknown as Root;
    expectSameTree(tree);
  });

  it('trims spaces and tabs around line endings of text as trim-lines does', () => {
    const values = ['a \r\n b', 'a\r b', 'a\t\n\tb', 'a\nb', ' \n ', '\n', '\r\n\r\n', ' a\n\n b ', 'x  ', '\t\tx\n', '😀 \n😀'];
    const tree: Root = {
      type: 'root',
      children: values.map((value) => ({ type: 'paragraph' as const, children: [{ type: 'text' as const, value }] })),
    };
    const { expected, actual } = convertBoth(tree);
    expect(actual).toStrictEqual(expected);
  });

  it('converts html as nothing without allowDangerousHtml', () => {
    const tree: Root = { type: 'root', children: [{ type: 'html', value: '<b>' }, { type: 'paragraph', children: [] }] };
    const slow = remarkRehype() as unknown as Transform;
    const quick: Transform = (input) => mdastToHast(input, false) as HastRoot;
    const { expected, actual } = convertBoth(tree, slow, quick);
    expect(actual.children.length).toBe(1);
    expect(actual).toStrictEqual(expected);
  });
});

describe('remarkToHastFast: fallback to mdast-util-to-hast', () => {
  // A remark plugin adding a node type mdast-util-to-hast has no handler for (its unknown handler
  // makes a text or a div of it).
  function remarkCustomNodes() {
    return (tree: Root) => {
      const children = tree.children as unknown as Array<Record<string, unknown>>;
      children.push({ type: 'custom', value: 'custom text' });
      children.push({ type: 'customParent', data: { hName: 'aside' }, children: [{ type: 'text', value: 'inside' }] });
    };
  }

  it('falls back for a tree with an unknown node type and still renders it', () => {
    const processor = createDocsProcessor({ features, sanitize: false, remarkPlugins: [remarkCustomNodes] });
    const html = String(processor.processSync('# Hi\n\ntext[^1]\n\n[^1]: note\n'));
    expect(html).toContain('custom text');
    expect(html).toContain('<aside>inside</aside>');
    expect(html).toContain('data-footnote-backref');
    const read = mdastReader('markdown-it');
    const tree = read('# Hi\n');
    remarkCustomNodes()(tree);
    expect(mdastToHast(structuredClone(tree), true)).toBeUndefined();
    const { expected, actual } = convertBoth(tree, reference, plugin);
    expect(actual).toStrictEqual(expected);
    // A tree the fast path takes, through the plugin.
    const plain = read('# Hi *there*\n');
    expect(plugin(structuredClone(plain))).toStrictEqual(reference(structuredClone(plain)));
  });

  it('leaves the tree as it was for the fallback, hChildren arrays included', () => {
    const hChildren = [{ type: 'text' as const, value: 'shared' }];
    const tree = {
      type: 'root',
      children: [
        {
          type: 'list',
          ordered: false,
          spread: false,
          children: [
            {
              type: 'listItem',
              checked: true,
              spread: false,
              children: [{ type: 'paragraph', data: { hChildren }, children: [] }],
            },
          ],
        },
        { type: 'custom', value: 'x' },
      ],
    } as unknown as Root;
    const pristine = structuredClone(tree);
    expect(mdastToHast(tree, true)).toBeUndefined();
    expect(tree).toStrictEqual(pristine);
    expect(plugin(tree)).toStrictEqual(reference(pristine));
  });

  it('takes trees whose unknown nodes mdast-util-to-hast never reaches', () => {
    const tree = {
      type: 'root',
      children: [
        { type: 'footnoteDefinition', identifier: 'unused', children: [{ type: 'custom', value: 'x' }] },
        {
          type: 'table',
          align: [null],
          children: [{ type: 'tableRow', children: [{ type: 'tableCell', children: [] }, { type: 'custom', value: 'dropped' }] }],
        },
      ],
    } as unknown as Root;
    const { expected, actual } = convertBoth(tree);
    expect(actual).toStrictEqual(expected);
  });

  it('clones hProperties that are not plain values as structuredClone does', () => {
    const hProperties = { dataX: [1, 'a'], dataY: [[1]], dataZ: { a: 1 }, sparse: [1, , 3], big: 1n } as never;
    const tree: Root = { type: 'root', children: [{ type: 'paragraph', data: { hProperties }, children: [] }] };
    const { expected, actual } = convertBoth(tree);
    expect(actual).toStrictEqual(expected);
    const plainTree: Root = {
      type: 'root',
      children: [{ type: 'paragraph', data: { hProperties: { className: ['a', 'b'], n: -0, t: true } }, children: [] }],
    };
    const { expected: plainExpected, actual: plainActual } = convertBoth(plainTree);
    expect(plainActual).toStrictEqual(plainExpected);
  });

  it('hands options it does not port (and a destination processor) to remark-rehype', () => {
    const options: Options = {
      allowDangerousHtml: true,
      clobberPrefix: 'x-',
      footnoteLabel: 'Notes',
      handlers: { thematicBreak: () => ({ type: 'text', value: 'HR' }) },
    };
    const tree = readers['markdown-it']('a[^1]\n\n***\n\n[^1]: b\n');
    const slow = remarkRehype(options) as unknown as Transform;
    const quick = remarkToHastFast.call(unified() as unknown as Processor, options) as Transform;
    const { expected, actual } = convertBoth(tree, slow, quick);
    expect(actual).toStrictEqual(expected);
    expect(JSON.stringify(actual)).toContain('x-fn-1');

    const destination = unified().use(remarkParse) as unknown as Processor;
    const bridge = remarkToHastFast.call(unified() as unknown as Processor, destination);
    expect(typeof bridge).toBe('function');
  });
});
