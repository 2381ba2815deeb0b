import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Paragraph } from 'mdast';
import type { Processor } from 'unified';
import { afterAll, describe, expect, it } from 'vitest';
import { generateBenchSite } from '../../../../test/support/techdocs-pages.js';
import { commonmarkExamples, fixturesDir, removeAll, tempDir } from '../test-utils.js';
import { buildDocs, type BuildDocsOptions } from './build.js';
import type { MarkdownFeatures } from './config.js';
import { createDocsProcessor } from './processor.js';

// The fast parser (markdown-it) must give the docs pipeline the same trees as remark-parse: every
// case below renders the whole docs processor through both and compares the HTML as a string.

const features: MarkdownFeatures = { admonition: true, details: true, permalink: '¶', highlight: true };

function processors(sanitize: boolean): { fast: Processor; remark: Processor } {
  return {
    fast: createDocsProcessor({ features, sanitize, markdownParser: 'markdown-it' }),
    remark: createDocsProcessor({ features, sanitize, markdownParser: 'remark' }),
  };
}

const sanitized = processors(true);
const unsanitized = processors(false);

function differs(markdown: string): boolean {
  for (const { fast, remark } of [sanitized, unsanitized]) {
    if (String(fast.processSync(markdown)) !== String(remark.processSync(markdown))) return true;
  }
  return false;
}

function expectSame(markdown: string): void {
  for (const { fast, remark } of [sanitized, unsanitized]) {
    expect(String(fast.processSync(markdown))).toBe(String(remark.processSync(markdown)));
  }
}


/**
 * CommonMark spec examples where markdown-it and micromark disagree, by example number, with
 * the reason. None at present (markdown-it 15, micromark 4, spec 0.31.2); an entry must name
 * an example that really differs (checked below).
 */
const commonmarkDifferences = new Map<number, string>();

describe('markdown-it parser: CommonMark spec examples', () => {
  it('has the spec examples', () => {
    expect(commonmarkExamples.length).toBeGreaterThan(600);
  });

  it('renders every example as remark-parse does, sanitised and not', () => {
    const different: number[] = [];
    for (const example of commonmarkExamples) {
      // The spec writes tabs as arrows.
      if (differs(example.markdown.replace(/→/g, '\t'))) different.push(example.number);
    }
    expect(different).toEqual([...commonmarkDifferences.keys()]);
  });
});

const gfmCases: Record<string, string> = {
  'table with alignment': '| a | b | c |\n|:-:|---|:--|\n| 1 | 2 |\n| x | y | z | w |\n',
  'table right aligned': '| a | b |\n|:--|--:|\n| 1 | 2 |\n',
  'table with escaped pipes and code': '| a |\n|---|\n| `x \\| y` |\n| \\| |\n',
  'table without outer pipes, ended by a paragraph': 'a | b\n--|--\n1 | 2\nnot a row\n\npara\n',
  'table with a header only': '| a |\n|---|\n',
  'table with inline content': '| *a* | [l](b.md) |\n| --- | --- |\n| **x** | ![i](p.png) |\n',
  'task list': '- [ ] todo\n- [x] done\n- [X] Done\n',
  'task list edge cases': '- [ ]\n- [x]\n- [ ]  \n- [ ] a\n  b\n',
  'ordered loose task list': '1. [x] one\n2. [ ] two\n\n   more\n',
  'not task list items': '- \\[ ] escaped\n- [ ]not\n- [y] no\n',
  'spread task list': '- [x] a\n\n- [ ] b\n',
  'nested task list': '* a\n  * [x] nested\n',
  'task list with inline markup': '- [ ] *em* start\n- [x] `code`\n- [ ] [link](a.md)\n',
  'task list in a quote': '> - [x] quoted\n',
  footnotes: 'Text[^1] and again[^1] and[^note].\n\n[^1]: First.\n[^note]: Second\n    with more.\n\n    And a paragraph.\n',
  'footnote with markup, unused definition': 'Ref[^a].\n\n[^a]: Def *em*\n\n[^unused]: never\n',
  'footnote defined before use': '[^x]: before\n\nUse[^x].\n',
  'undefined footnote': 'Missing[^nope].\n',
  'footnote labels ignore case': '[^A]: upper\n\nUse[^a] and[^A].\n',
  'footnote in a table': 'Footnote in table\n\n| a |\n|---|\n| b[^f] |\n\n[^f]: note\n',
  strikethrough: '~~strike~~ and ~~two words~~ a ~~b~~c ~~ d ~~\n',
  'single tilde strikethrough': 'H~2~O and ~one~ tilde\n',
  'tilde runs': '~~a~ b~ ~~~c~~~ ~~d~~~ ~e~~ a~~b~~c ~ f ~ ~**g**~ **~h~**\n',
  'nested strikethrough': '~~a ~b~ c~~ ~a ~~b~~ c~\n',
  'tilde fence': '~~~\ncode\n~~~\n',
  'autolink literals': 'See https://example.com/path?q=1. and www.example.com, and http://x.org/a_(b).\n',
  'email literals and autolinks': 'mail me@example.com or <me@example.com> or <https://a.b/c>\n',
  'autolink literal ends at <': 'https://example.com/<b>\n\nwww.commonmark.org/he<lp\n',
  'autolink literal punctuation': 'www.example.com/path)\n\n(www.example.com)\n\nhttp://example.com?a=1&b=2\n',
  'email literal edges': 'x@y.z_ and a.b-c_d@a.b and foo@bar.baz. _www.x.com_\n',
  'no literal inside links or code': '[link](https://example.com) and [www.example.com](x.md) `http://x.y` **https://bold.example**\n',
};

const admonitionCases: Record<string, string> = {
  'titled admonition': '!!! note "Remember"\n    Admonitions render. [next](page.md).\n\n    Second para.\n\ntext\n',
  'admonition without title': '!!! warning\n    No title.\n',
  'admonition with empty title': '!!! danger ""\n    Empty title.\n',
  'admonition with lists and code': '!!! tip "A" \n    - list\n    - items\n\n    ```py\n    x = 1\n    ```\n',
  details: '??? info "Closed"\n    body\n\n???+ info "Open"\n    body\n',
  'nested admonition': '!!! note\n    !!! tip "Nested"\n        inner\n',
  'admonition syntax in a fence': '```\n!!! note\n    not an admonition\n```\n',
  'admonition in a list': '- item\n\n    !!! note\n        in list\n',
};

const otherCases: Record<string, string> = {
  'raw HTML with script and handlers': '<div onclick="x()">hi <script>alert(1)</script></div>\n\n<img src=x onerror=alert(1)>\n',
  'javascript: URLs': '[x](javascript:alert(1)) ![y](javascript:alert(2)) <javascript:alert(3)>\n',
  'raw HTML links and frames': '<a href="javascript:alert(1)">a</a> <iframe src="x"></iframe>\n',
  'unclosed raw HTML block': '<style>\nfoo\n',
  comments: '<!-- comment -->\n\ntext <!-- inline --> <span>x</span>\n',
  references: '[ref]\n\n[ref]: ./page.md "Title"\n\n![img][i]\n\n[i]: img.png\n',
  'code info strings': '```ts title="x.ts" linenums="1"\nconst a = 1;\n```\n\n```unknownlang\nx\n```\n\n```\nplain\n```\n',
  'empty fences': '```js\n```\n\n```\n\n\n```\n',
  'indented code': '    indented\n    code\n\n\ttab\n',
  'hard breaks': 'line  \nbreak\\\nbreak\n',
  'thematic breaks and setext': 'a\n***\nb\n---\n\nSetext\n======\n\nOther\n------\n',
  'ordered list starts': '1. one\n1. two\n\n5. five\n6. six\n\n0. zero\n',
  'loose and tight lists': '- a\n- b\n\n- c\n\n* a\n\n  b\n* c\n\n+ a\n  + b\n\n    c\n+ d\n',
  'headings with markup': '# Title {#custom}\n\n## Sub *em*\n\nText\n\n## Sub *em*\n',
  entities: '&copy; &amp; &#123; &#x1F600; &nonsense;\n',
  emphasis: '*a **b** c* __d__ _e_ ***f***\n',
  'image alt text': '![alt *em* `code`](a.png "t")\n',
  'links across lines': '[a\nb](x.md)\n\nline1\n[c](broken.md)\n',
};

describe('markdown-it parser: GFM, admonitions and the rest of the docs syntax', () => {
  for (const [name, markdown] of Object.entries({ ...gfmCases, ...admonitionCases, ...otherCases })) {
    it(name, () => expectSame(markdown));
  }

  it('still removes scripts, handlers and javascript: URLs when sanitising', () => {
    for (const name of ['raw HTML with script and handlers', 'javascript: URLs', 'raw HTML links and frames']) {
      const html = String(sanitized.fast.processSync(otherCases[name]));
      expect(html).not.toMatch(/<script|<iframe|onerror|onclick|="javascript:/i);
    }
  });
});

/**
 * Inputs on which the two parsers are known to disagree, with the reason; each is checked to
 * still differ, so a fixed one is noticed and moved to the cases above.
 */
const knownDifferences: Record<string, { markdown: string; reason: string }> = {
  'autolink literal over emphasis markers': {
    markdown: 'http://a.b/*c*\n',
    reason:
      'micromark reads the literal before emphasis (link to `http://a.b/*c`); markdown-it has made `*c*` emphasis before the literal is looked for in the text',
  },
  'crossed tilde and emphasis runs': {
    markdown: '*~a*~ ~*a~*\n',
    reason: 'overlapping `~` and `*` runs are paired in a different order',
  },
};

describe('markdown-it parser: known differences', () => {
  for (const [name, { markdown }] of Object.entries(knownDifferences)) {
    it(`${name} (documented in docs/docs-pipeline.md)`, () => expect(differs(markdown)).toBe(true));
  }
});

describe('markdown-it parser: fallback to remark-parse', () => {
  // A remark plugin extending the syntax the way remark-math or remark-directive do: a micromark
  // extension (empty here) and an mdast-util-from-markdown handler that marks paragraphs.
  function remarkMarkParagraphs(this: Processor) {
    const data = this.data() as { micromarkExtensions?: unknown[]; fromMarkdownExtensions?: unknown[] };
    (data.micromarkExtensions ??= []).push({});
    (data.fromMarkdownExtensions ??= []).push({
      exit: {
        paragraph(this: { stack: Paragraph[]; exit(token: unknown): void }, token: unknown) {
          const node = this.stack[this.stack.length - 1];
          if (node) node.data = { hProperties: { className: ['by-remark'] } };
          this.exit(token);
        },
      },
    });
  }
  // Renders `<del>` only through markdown-it (see knownDifferences).
  const probe = '*~a*~ ~*a~*\n';

  it('parses with markdown-it by default, also with plugins that only transform the tree', () => {
    const plain = createDocsProcessor({ features, sanitize: false });
    expect(String(plain.processSync(probe))).toContain('<del>');
    const transformer = () => () => undefined;
    const withTransformer = createDocsProcessor({ features, sanitize: false, remarkPlugins: [transformer] });
    expect(String(withTransformer.processSync(probe))).toContain('<del>');
  });

  it('falls back to remark-parse when a remark plugin registers syntax extensions', () => {
    const processor = createDocsProcessor({ features, sanitize: false, remarkPlugins: [remarkMarkParagraphs] });
    const html = String(processor.processSync('Hello.\n\n' + probe));
    expect(html).toContain('<p class="by-remark">Hello.</p>');
    expect(html).not.toContain('<del>');
  });

  it("uses remark-parse with markdownParser: 'remark'", () => {
    const processor = createDocsProcessor({ features, sanitize: false, markdownParser: 'remark' });
    expect(String(processor.processSync(probe))).not.toContain('<del>');
  });
});

describe('markdown-it parser: whole site builds', () => {
  const dirs: string[] = [];
  afterAll(() => removeAll(dirs));

  async function files(root: string): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const file = path.join(entry.parentPath, entry.name);
      const rel = path.relative(root, file);
      if (rel.startsWith('.techdocs-cache')) continue;
      let text = await readFile(file, 'utf8');
      // The etag hashes the build options too, the parser among them.
      if (rel === 'techdocs_metadata.json') text = text.replace(/"(build_timestamp|etag)": ("\w+"|\d+)/g, '');
      out.set(rel, text);
    }
    return out;
  }

  async function buildBoth(source: string, options: Partial<BuildDocsOptions> = {}) {
    const fastOut = await tempDir();
    const remarkOut = await tempDir();
    dirs.push(fastOut, remarkOut);
    const fast = await buildDocs({ ...options, source, output: fastOut, markdownParser: 'markdown-it' });
    const remark = await buildDocs({ ...options, source, output: remarkOut, markdownParser: 'remark' });
    expect(fast.warnings).toEqual(remark.warnings);
    const fastFiles = await files(fastOut);
    const remarkFiles = await files(remarkOut);
    expect([...fastFiles.keys()].sort()).toEqual([...remarkFiles.keys()].sort());
    for (const [name, text] of remarkFiles) expect(fastFiles.get(name), name).toBe(text);
    return fast;
  }

  it('builds the fixture sites identically, warnings and all', async () => {
    await buildBoth(path.join(fixturesDir, 'site'));
    const broken = await buildBoth(path.join(fixturesDir, 'broken'));
    expect(broken.warnings.length).toBeGreaterThan(0);
  });

  it('builds the benchmark pages identically', async () => {
    const site = await tempDir();
    dirs.push(site);
    // Over 50 pages: written by the background writer.
    await generateBenchSite(site, 61);
    const result = await buildBoth(site);
    expect(result.rendered.length).toBe(61);
  });

  it('reports broken links at their lines in paragraphs, lists, tables, quotes and admonitions', async () => {
    const site = await tempDir();
    dirs.push(site);
    await mkdir(path.join(site, 'docs'), { recursive: true });
    await writeFile(path.join(site, 'mkdocs.yml'), 'site_name: Lines\nmarkdown_extensions:\n  - admonition\n');
    const page = [
      '# Lines', // 1
      '',
      'First line', // 3
      'then [a](gone-a.md) on four', // 4
      '',
      '- item', // 6
      '- item with [b](gone-b.md)', // 7
      '',
      '| x |', // 9
      '|---|',
      '| [c](gone-c.md) |', // 11
      '',
      '> quote', // 13
      '> ![d](gone-d.png)', // 14
      '',
      '!!! note "N"', // 16
      '    body', // 17
      '    [e](gone-e.md)', // 18
      '',
    ].join('\n');
    await writeFile(path.join(site, 'docs', 'index.md'), page);
    const result = await buildBoth(site);
    expect(result.warnings.map((w) => w.line)).toEqual([4, 7, 11, 14, 18]);
  });
});
