import rehypeStringify from 'rehype-stringify';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';
import { describe, expect, it } from 'vitest';
import { all, attr, one, parseHtml, text } from '../test-utils.js';
import { remarkAdmonitions, type AdmonitionOptions } from './admonition.js';

function render(markdown: string, options?: AdmonitionOptions) {
  const html = String(
    unified()
      .use(remarkParse)
      .use(remarkAdmonitions, options)
      .use(remarkGfm)
      .use(remarkRehype)
      .use(rehypeStringify)
      .processSync(markdown),
  );
  return parseHtml(html);
}

describe('remarkAdmonitions', () => {
  it('renders a titled admonition with a multi-block body', () => {
    const tree = render('!!! danger "Do not"\n    First *para*.\n\n        code block\n\n    - item\n\nAfter.\n');
    const div = one(tree, 'div.admonition.danger');
    expect(text(one(div, 'p.admonition-title'))).toBe('Do not');
    expect(text(one(div, 'em'))).toBe('para');
    expect(all(div, 'li').length).toBe(1);
    expect(text(one(div, 'pre code'))).toBe('code block');
    expect(text(one(tree, ':root > p, body > p'))).toBe('After.');
  });

  it('defaults the title to the type, allows no title and extra classes', () => {
    const tree = render('!!! tip inline end\n    Body.\n\n!!! info ""\n    No title.\n');
    const [tip, info] = all(tree, 'div.admonition');
    expect(attr(tip!, 'className')).toBe('admonition tip inline end');
    expect(text(one(tip!, '.admonition-title'))).toBe('Tip');
    expect(all(info!, '.admonition-title')).toEqual([]);
    expect(text(info!)).toBe('No title.');
  });

  it('reads a title as inline Markdown, as Python-Markdown does', () => {
    const tree = render(
      [
        '!!! tip "**Reason \\#1** – see [docs](https://example.com) `code`"',
        '    Body.',
        '',
        '???+ success "[Platform](https://example.com/p) #"',
        '    Open.',
        '',
      ].join('\n'),
    );
    const title = one(tree, 'div.admonition.tip > p.admonition-title');
    expect(text(one(title, 'strong'))).toBe('Reason #1');
    expect(attr(one(title, 'a'), 'href')).toBe('https://example.com');
    expect(text(one(title, 'code'))).toBe('code');
    expect(text(title)).toBe('Reason #1 – see docs code');
    // A trailing `#` stays part of the title (it is not an ATX heading's closing sequence).
    const summary = one(tree, 'details.success > summary');
    expect(attr(one(summary, 'a'), 'href')).toBe('https://example.com/p');
    expect(text(summary)).toBe('Platform #');
    expect(all(tree, 'h1')).toEqual([]);
    expect(text(one(tree, 'details.success > p'))).toBe('Open.');
  });

  it('keeps a title whose markup never closes as text, without leaking its marker', () => {
    const tree = render('!!! note "<span title=\'x"\n    Body.\n\n!!! note "*a*  "\n    B.\n');
    const [first, second] = all(tree, 'div.admonition');
    expect(text(first!)).not.toMatch(/PKADMONITION/);
    expect(text(one(second!, '.admonition-title'))).toBe('a');
    expect(text(tree)).not.toMatch(/PKADMONITION/);
  });

  it('nests admonitions and collapsible details', () => {
    const tree = render('??? note "Outer"\n    Outer body.\n\n    ???+ example "Inner"\n        Inner body.\n');
    const outer = one(tree, 'details.note');
    expect(outer.properties.open).toBeFalsy();
    expect(text(one(outer, ':scope > summary'))).toBe('Outer');
    const inner = one(outer, 'details.example');
    expect(inner.properties.open).toBe(true);
    expect(text(one(inner, 'p'))).toBe('Inner body.');
  });

  it('leaves fenced code, block quotes and disabled syntaxes alone', () => {
    const tree = render('```\n!!! note\n    not an admonition\n```\n\n> quoted\n');
    expect(text(one(tree, 'pre code'))).toContain('!!! note');
    expect(all(tree, 'div.admonition')).toEqual([]);
    expect(text(one(tree, 'blockquote'))).toBe('quoted');
    const off = render('??? note\n    body\n', { details: false });
    expect(all(off, 'details')).toEqual([]);
  });

  it('keeps source positions so warnings point at the right line', () => {
    const parsed = unified().use(remarkParse).use(remarkAdmonitions).parse('intro\n\n!!! note\n    body\n\n    [x](y.md)\n');
    const quote = parsed.children[1] as { position?: { start: { line: number } }; children: Array<{ position?: { start: { line: number } } }> };
    expect(quote.position?.start.line).toBe(3);
    expect(quote.children.at(-1)?.position?.start.line).toBe(6);
  });
});
