import type { Element, ElementContent, Root } from 'hast';
import { describe, expect, it } from 'vitest';
import { rehypeCollectPage } from './collect.js';
import type { PageData } from './page-data.js';

const text = (value: string) => ({ type: 'text' as const, value });
const el = (tagName: string, properties: Element['properties'], ...children: ElementContent[]): Element => ({
  type: 'element',
  tagName,
  properties,
  children,
});

function collect(tree: Root, depth?: [number, number]) {
  const data = { toc: [], sections: [], text: '', warnings: [] } as unknown as PageData;
  rehypeCollectPage({ depth })(tree, { data: { techdocs: data } });
  return { toc: data.toc, sections: data.sections, text: data.text };
}

describe('rehypeCollectPage', () => {
  it('indexes text by section, titles from headings, without scripts, styles or hidden headings', () => {
    const tree: Root = {
      type: 'root',
      children: [
        el('h1', { id: 'top' }, text('Title '), el('code', {}, text('x'))),
        el('p', {}, text('Intro'), el('em', {}, text('word')), text('\n  more')),
        el('script', {}, text('var secret = 1;')),
        el('style', {}, text('p { color: red }')),
        el('h2', { id: 'use' }, text('Use  it')),
        el('ul', {}, el('li', {}, text('one')), el('li', {}, text('two'))),
        el('h4', {}, text('No id')),
        el('p', {}, text('still use')),
        el('h3', { id: 'deep' }, text('Deep')),
        el('div', {}, text('a'), el('br', {}), text('b')),
        el('h2', { id: 'footnote-label', className: ['sr-only'] }, text('Footnotes')),
        el('p', {}, text('note')),
        el('h4', { id: 'four' }, text('Four')),
      ],
    };
    expect(collect(tree)).toEqual({
      toc: [
        { depth: 1, id: 'top', title: 'Title x' },
        { depth: 2, id: 'use', title: 'Use it' },
        { depth: 3, id: 'deep', title: 'Deep' },
        { depth: 4, id: 'four', title: 'Four' },
      ],
      sections: [
        { id: 'top', title: 'Title x', text: 'Introword more' },
        { id: 'use', title: 'Use it', text: 'one two still use' },
        { id: 'deep', title: 'Deep', text: 'a b note' },
        { id: 'four', title: 'Four', text: '' },
      ],
      text: 'Title x Introword more Use it one two No id still use Deep a b note Four',
    });
  });

  it('lists only the levels of toc_depth in the table of contents, and every heading in the sections', () => {
    const tree: Root = {
      type: 'root',
      children: [1, 2, 3, 4, 5, 6].map((level) => el(`h${level}`, { id: `h${level}` }, text(`H${level}`))),
    };
    expect(collect(tree, [2, 4]).toc.map((entry) => entry.id)).toEqual(['h2', 'h3', 'h4']);
    expect(collect(tree, [1, 1]).toc.map((entry) => entry.id)).toEqual(['h1']);
    expect(collect(tree, [4, 2]).toc).toEqual([]);
    expect(collect(tree, [4, 2]).sections).toHaveLength(6);
  });
});
