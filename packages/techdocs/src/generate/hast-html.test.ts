import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import type { Element, ElementContent, Nodes, Properties, Root } from 'hast';
import { toHtml } from 'hast-util-to-html';
import { html } from 'property-information';
import rehypeStringify from 'rehype-stringify';
import { unified, type Processor } from 'unified';
import { afterAll, describe, expect, it } from 'vitest';
import { generateBenchSite } from '../../../../test/support/techdocs-pages.js';
import { commonmarkExamples, fixturesDir, removeAll, tempDir } from '../test-utils.js';
import { buildDocs } from './build.js';
import type { MarkdownFeatures } from './config.js';
import { createHtmlSerializer, rehypeStringifyFast } from './hast-html.js';
import { createDocsProcessor } from './processor.js';

// The fast serialiser must write exactly what hast-util-to-html writes with default options (as
// rehype-stringify calls it): every case compares the two byte for byte on the same tree.

const serialize = createHtmlSerializer();

function expectSame(tree: Nodes): void {
  expect(serialize(tree)).toBe(toHtml(tree));
}

const features: MarkdownFeatures = { admonition: true, details: true, permalink: '¶', highlight: true };

const processors: Processor[] = [true, false].flatMap((sanitize) =>
  (['markdown-it', 'remark'] as const).map((markdownParser) => createDocsProcessor({ features, sanitize, markdownParser })),
);

/** The hast each docs processor variant makes of `markdown` (everything but the stringifier). */
function docsTrees(markdown: string): Root[] {
  return processors.map((processor) => processor.runSync(processor.parse(markdown)) as Root);
}


describe('fast HTML serialiser: docs processor trees', () => {
  it('serialises every CommonMark spec example as hast-util-to-html does, sanitised and not', () => {
    expect(commonmarkExamples.length).toBeGreaterThan(600);
    const different: number[] = [];
    for (const example of commonmarkExamples) {
      for (const tree of docsTrees(example.markdown.replace(/→/g, '\t'))) {
        if (serialize(tree) !== toHtml(tree)) different.push(example.number);
      }
    }
    expect(different).toEqual([]);
  });

  const cases: Record<string, string> = {
    'table with alignment': '| a | b | c |\n|:-:|---|:--|\n| 1 | 2 |\n| x | y | z | w |\n',
    'table right aligned, escaped pipes': '| a | b |\n|:--|--:|\n| `x \\| y` | \\| |\n',
    'task list': '- [ ] todo\n- [x] done\n- [X] Done\n\n1. [x] one\n2. [ ] two\n\n   more\n',
    footnotes: 'Text[^1] and again[^1] and[^note].\n\n[^1]: First.\n[^note]: Second\n    with more.\n\n    And a paragraph.\n',
    'footnote in a table, undefined footnote': '| a |\n|---|\n| b[^f] |\n\n[^f]: note\n\nMissing[^nope].\n',
    strikethrough: '~~strike~~ and ~one~ tilde ~~a ~b~ c~~\n',
    'autolink literals': 'See https://example.com/path?q=1&b=2. and www.example.com, me@example.com\n',
    'titled admonition': '!!! note "Remember"\n    Admonitions render. [next](page.md).\n\n    Second para.\n',
    'admonition titles with quotes and ampersands': '!!! tip "A & B \'c\' <d>"\n    body\n\n!!! warning inline end\n    x\n',
    details: '??? info "Closed"\n    body\n\n???+ info "Open"\n    body\n',
    'nested admonition in a list': '- item\n\n    !!! note\n        !!! tip "Nested"\n            inner\n',
    'highlighted code': '```ts\nconst a: string = "x" + `y` && 1 < 2;\n```\n\n```python\ndef f(x):\n    return x & 1\n```\n\n```unknownlang\n<x>\n```\n\n```\nplain & <b>\n```\n',
    'headings, permalinks, duplicate ids': '# Title & <Co>\n\n## Sub *em*\n\n## Sub *em*\n\n### Ünïcödé 😀 heading\n',
    'links and images': '[a](page.md#x "t&q") ![alt "q" & <x>](img.png \'t\') <https://a.b/c?d=e&f=g> [j](javascript:alert(1))\n',
    entities: '&copy; &amp; &#123; &#x1F600; &nonsense; &lt;b&gt; &quot; \u00a0 \u2028 𝒜 \0 x\n',
    'raw HTML with script, style and handlers':
      '<div onclick="x(&quot;a&quot;)" data-x=\'a"b\' title="&amp; é 😀">hi <script>if (a < b && c) alert("</x>")</script></div>\n\n<style>a > b { content: "&"; }</style>\n\n<img src=x onerror=alert(1)>\n',
    'raw HTML comments, doctype, cdata': '<!-- comment -- x -->\n\ntext <!-- inline --> <!--> <!---> <span>x</span>\n\n<!DOCTYPE html>\n\n<![CDATA[ x ]]>\n\n<?php x ?>\n',
    'raw HTML svg and math':
      '<svg viewBox="0 0 10 10" xmlns="http://www.w3.org/2000/svg"><circle cx="5" cy="5" r="4"/><foreignObject><p class="a">x</p><br></foreignObject></svg>\n\n<math><mi>x</mi><mo>&lt;</mo></math>\n',
    'raw HTML forms and booleans':
      '<form><input type="checkbox" checked disabled><input value="a&b" readonly=""><select multiple><option selected>x</option></select><textarea>a < b & c</textarea><button disabled="disabled">b</button></form>\n\n<details open><summary>s</summary>x</details>\n\n<a download href="x">d</a> <a download="file.txt">e</a> <img srcset="a.png 1x, b.png 2x" sizes="1px" alt="">\n',
    'raw HTML template, title, iframe, voids with content':
      '<template><p>inside <b>t</b></p></template>\n\n<title>a & b < c</title>\n\n<iframe src="x" allowfullscreen></iframe>\n\n<p hidden>h</p><p hidden="until-found">u</p>\n\n<table><col span=2><tr><td colspan="2" rowspan=1 headers="a b">x</td></tr></table>\n',
    'raw HTML odd attribute names': '<div data-foo-bar="1" data-Foo="2" aria-describedby="x y" class="a  b" CLASS="c" xml:lang="en" accept-charset="utf-8">x</div>\n\n<p style="color: red" tabindex="0" contenteditable spellcheck="false">y</p>\n',
    'unclosed raw HTML': '<style>\nfoo\n\n<div>\n*x*\n',
  };

  for (const [name, markdown] of Object.entries(cases)) {
    it(name, () => {
      for (const tree of docsTrees(markdown)) expectSame(tree);
    });
  }

  it('is the docs processor stringifier', () => {
    for (const markdown of Object.values(cases)) {
      for (const processor of processors) {
        const tree = processor.runSync(processor.parse(markdown)) as Root;
        expect(String(processor.processSync(markdown))).toBe(toHtml(tree));
      }
    }
  });
});

describe('fast HTML serialiser: site builds', () => {
  const dirs: string[] = [];
  afterAll(() => removeAll(dirs));

  /** Build `source` with a last rehype plugin keeping every page's final tree, and compare. */
  async function expectSiteSame(source: string, pages: number): Promise<void> {
    for (const sanitize of [true, false]) {
      const trees: Root[] = [];
      const keep = () => (tree: Root) => void trees.push(structuredClone(tree));
      const output = await tempDir();
      dirs.push(output);
      await buildDocs({ source, output, sanitize, rehypePlugins: [keep] });
      expect(trees.length).toBe(pages);
      for (const tree of trees) expectSame(tree);
    }
  }

  async function markdownFiles(root: string): Promise<number> {
    const entries = await readdir(root, { recursive: true });
    return entries.filter((entry) => entry.endsWith('.md')).length;
  }

  it('serialises the fixture sites as hast-util-to-html does', async () => {
    for (const name of ['site', 'broken']) {
      const source = path.join(fixturesDir, name);
      await expectSiteSame(source, await markdownFiles(path.join(source, 'docs')));
    }
  });

  it('serialises the benchmark pages as hast-util-to-html does', async () => {
    const site = await tempDir();
    dirs.push(site);
    await generateBenchSite(site, 61);
    await expectSiteSame(site, 61);
    expect(await readFile(path.join(site, 'mkdocs.yml'), 'utf8')).toContain('admonition');
  });
});

/** Property values of any kind, beyond what the hast types allow per name. */
type LooseProperties = Record<string, unknown>;

function h(tagName: string, properties: LooseProperties = {}, children: ElementContent[] = []): Element {
  return { type: 'element', tagName, properties: properties as Properties, children };
}

function text(value: string): ElementContent {
  return { type: 'text', value };
}

describe('fast HTML serialiser: hand-built trees', () => {
  it('escapes `<` and `&` in text, nothing else, astral characters included', () => {
    for (const value of ['', 'plain', '<', '&', '&&<<', 'a < b & c > d " \' ` =', '😀 𝒜 \ud800 \udc00 é \u00a0 \0 \t\n\r\f', '&amp; &#x3C;']) {
      expectSame({ type: 'root', children: [text(value), h('p', {}, [text(value)])] });
    }
  });

  it('writes script and style text unescaped, but not textarea, title or template text', () => {
    const value = 'a < b && "c" </x>';
    for (const tagName of ['script', 'style', 'textarea', 'title', 'SCRIPT', 'noscript', 'xmp', 'plaintext']) {
      expectSame(h(tagName, {}, [text(value), { type: 'raw', value }]));
    }
    const template: Element = { ...h('template'), content: { type: 'root', children: [h('script', {}, [text(value)]), text(value)] } };
    expectSame({ type: 'root', children: [template, h('template'), h('template', {}, [text('children are ignored')])] });
    // A script's text is raw only as a direct child.
    expectSame(h('script', {}, [h('b', {}, [text(value)])]));
  });

  it('escapes raw nodes as text (allowDangerousHtml is off)', () => {
    expectSame({ type: 'root', children: [{ type: 'raw', value: '<b>&amp;</b>' }, h('div', {}, [{ type: 'raw', value: '<i>' }])] });
  });

  it('writes comments, escaping only what would end them early, and doctypes', () => {
    const values = ['', ' x ', '>', '->', 'a<!--b', 'a-->b', 'a--!>b', 'a<!-', '<!-- -->', '-->x', 'x<!-y', '<>&"'];
    expectSame({ type: 'root', children: [{ type: 'doctype' }, ...values.map((value) => ({ type: 'comment' as const, value }))] });
  });

  it('closes void elements only when they have content', () => {
    const voids = ['area', 'base', 'basefont', 'bgsound', 'br', 'col', 'command', 'embed', 'frame', 'hr', 'image', 'img', 'input', 'keygen', 'link', 'meta', 'param', 'source', 'track', 'wbr'];
    for (const tagName of [...voids, 'BR', 'Img', 'menuitem', 'div', 'p', 'span', 'math', 'mi']) {
      expectSame(h(tagName));
      expectSame(h(tagName, { id: 'x' }));
      expectSame(h(tagName, {}, [text('x')]));
      expectSame(h(tagName, {}, [text('')]));
    }
  });

  it('names attributes as property-information does', () => {
    const properties: LooseProperties = {
      className: ['a', 'b'],
      htmlFor: 'x',
      dataFootnoteRef: true,
      dataFootnoteBackref: '',
      ariaDescribedBy: 'fn-1',
      ariaHidden: 'true',
      acceptCharset: ['utf-8'],
      httpEquiv: 'refresh',
      dataFooBar: 1,
      'data-baz-qux': 2,
      dataX: 'y',
      data123: 'n',
      'data-': 'empty',
      data: 'plain',
      xmlLang: 'en',
      xLinkHref: '#a',
      CLASS: 'upper',
      class: 'lower',
      unknownProperty: 'u',
      'weird name': 'w',
      'a"b': 'q',
      'x&y': 'amp',
      'x=y': 'eq',
      'x/y>z`\t\n\f\r': 'more',
      '\0': 'nul',
      '': 'empty name',
      onClick: 'x()',
      tabIndex: 0,
      colSpan: 2,
      contentEditable: 'true',
      spellCheck: false,
      translate: true,
    };
    expectSame(h('div', properties, [text('x')]));
    for (const [key, value] of Object.entries(properties)) expectSame(h('span', { [key]: value }));
  });

  it('writes every kind of property value as hast-util-to-html does', () => {
    const values: unknown[] = [
      '',
      'x',
      'a "quoted" & \'single\' `tick` = < > \0 é 😀',
      0,
      -0,
      1.5,
      -2,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      true,
      false,
      null,
      undefined,
      [],
      [''],
      ['a'],
      ['a', 'b'],
      ['a', ''],
      ['', 'a'],
      ['a', '', ''],
      [' a ', 'b\t'],
      [1, 2],
      ['a"b', '&c'],
    ];
    const keys = [
      'className', 'id', 'title', 'checked', 'disabled', 'open', 'hidden', 'download', 'allowFullScreen', 'noModule',
      'accept', 'coords', 'sizes', 'srcSet', 'rel', 'headers', 'itemProp', 'value', 'tabIndex', 'span', 'colSpan',
      'ariaHidden', 'ariaDescribedBy', 'dataX', 'unknownThing', 'autoCapitalize', 'contentEditable', 'draggable', 'spellCheck',
      'accessKey', 'style', 'start', 'reversed', 'selected', 'multiple', 'readOnly', 'required', 'async', 'defer', 'capture',
    ];
    for (const key of keys) {
      for (const value of values) expectSame(h('input', { [key]: value }));
      // A boolean property given its own name or another string.
      expectSame(h('input', { [key]: key.toLowerCase() }));
      expectSame(h('input', { [key]: 'Other' }));
    }
    // A task-list checkbox, as remark-rehype makes it.
    expectSame(h('li', { className: ['task-list-item'] }, [h('input', { type: 'checkbox', checked: true, disabled: true }), text(' done')]));
    expectSame(h('details', { open: true, className: ['note'] }, [h('summary', {}, [text('s')])]));
    expectSame(h('p', { id: 'x', className: [], title: null, lang: undefined, hidden: false }, [text('no attributes')]));
  });

  it('serialises nested roots, fragments and lone nodes', () => {
    expectSame({ type: 'root', children: [] });
    expectSame({ type: 'root', children: [{ type: 'root', children: [text('<')] } as never, h('p', {}, [{ type: 'root', children: [text('&')] } as never])] });
    expectSame(text('a<b'));
    expectSame({ type: 'comment', value: '-->' });
    expectSame({ type: 'doctype' });
    expectSame({ type: 'raw', value: '<x>' });
    expectSame({ type: 'element', tagName: 'p', properties: {}, children: undefined } as never);
    expectSame({ type: 'element', tagName: 'p', children: [text('no properties')] } as never);
  });

  it('hands svg subtrees to hast-util-to-html', () => {
    const svg = h('svg', { viewBox: '0 0 1 1', className: ['icon'] }, [
      h('path', { d: 'M0 0', strokeWidth: 2, fillRule: 'evenodd' }),
      h('foreignObject', {}, [h('p', { className: ['x'] }, [text('a < b')]), h('br')]),
      h('br'),
      h('title', {}, [text('t')]),
    ]);
    expectSame(h('div', { className: ['wrap'] }, [svg, h('br'), text('after')]));
    expectSame({ type: 'root', children: [svg] });
    expectSame(h('SVG', { viewBox: '0 0 1 1' }, [h('path', { d: 'M0 0' })]));
  });

  it('throws what hast-util-to-html throws on trees it cannot serialise', () => {
    const bad: unknown[] = [
      { type: 'root', children: [{ type: 'mdxJsxFlowElement' }] },
      { type: 'root', children: [null] },
      { type: 'root', children: [h('p', {}, [{ type: 'text', value: 1 } as never])] },
      { type: 'root', children: [{ type: 'element', properties: {}, children: [] }] },
      { type: 'unknown' },
    ];
    for (const tree of bad) {
      const expected = (() => {
        try {
          return toHtml(tree as Nodes);
        } catch (error) {
          return String(error);
        }
      })();
      const actual = (() => {
        try {
          return serialize(tree as Nodes);
        } catch (error) {
          return String(error);
        }
      })();
      expect(actual).toBe(expected);
    }
  });

  it('matches hast-util-to-html on random trees', () => {
    const characters = fc.constantFrom('a', ' ', '<', '>', '&', '"', "'", '`', '=', '/', '\0', '\t', '\n', 'é', '😀', '\ud800', '-', '!', 'x');
    const string = fc.array(characters, { maxLength: 8 }).map((parts) => parts.join(''));
    const value = fc.oneof(string, fc.constantFrom<unknown>('', true, false, null, undefined, 0, 1, Number.NaN), fc.array(string, { maxLength: 3 }), fc.integer(), fc.double());
    // Every HTML property and attribute name property-information knows, and some it does not.
    const known = Object.values(html.property).flatMap((info) => [info.property, info.attribute]);
    const key = fc.constantFrom(...new Set([...known, 'dataFootnoteRef', 'data-x-y', 'data-', 'unknown', 'Weird"Name', 'CLASS']));
    const tagName = fc.constantFrom('div', 'p', 'br', 'img', 'input', 'script', 'style', 'textarea', 'title', 'template', 'svg', 'code', 'span', 'IMG');
    const { node } = fc.letrec<{ node: ElementContent }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        string.map((v): ElementContent => ({ type: 'text', value: v })),
        string.map((v): ElementContent => ({ type: 'comment', value: v })),
        string.map((v): ElementContent => ({ type: 'raw', value: v })),
        fc.constant({ type: 'doctype' } as unknown as ElementContent),
        fc
          .record({ tagName, properties: fc.dictionary(key, value, { maxKeys: 4 }), children: fc.array(tie('node'), { maxLength: 4 }) })
          .map((e): ElementContent => {
            const element = h(e.tagName, e.properties, e.children);
            return e.tagName === 'template' ? { ...element, content: { type: 'root', children: e.children } } : element;
          }),
      ),
    }));
    fc.assert(
      fc.property(fc.array(node, { maxLength: 5 }), (children) => {
        const tree: Root = { type: 'root', children };
        expect(serialize(tree)).toBe(toHtml(tree));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('rehypeStringifyFast', () => {
  const tree: Root = {
    type: 'root',
    children: [h('p', { className: ['a'], title: 'x"y' }, [text('a < b'), h('br')]), h('ul', {}, [h('li', {}, [text('x')])])],
  };

  it('stringifies as rehype-stringify does', () => {
    const fast = unified().use(rehypeStringifyFast).freeze();
    const slow = unified().use(rehypeStringify).freeze();
    expect(fast.stringify(tree)).toBe(slow.stringify(tree));
  });

  it('falls back to hast-util-to-html for non-default options and settings', () => {
    const options = [{ omitOptionalTags: true }, { quote: "'" as const }, { closeSelfClosing: true }, { allowDangerousHtml: true }, { characterReferences: { useNamedReferences: true } }];
    for (const option of options) {
      expect(unified().use(rehypeStringifyFast, option).stringify(tree)).toBe(toHtml(tree, option));
      expect(unified().data('settings', option).use(rehypeStringifyFast).stringify(tree)).toBe(toHtml(tree, option));
    }
    expect(unified().use(rehypeStringifyFast, { quote: '"', space: 'html' }).stringify(tree)).toBe(toHtml(tree));
  });
});
