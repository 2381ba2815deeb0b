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

function collect(tree: Root) {
  const data = { toc: [], sections: [], text: '', warnings: [] } as unknown as PageData;
  rehypeCollectPage()(tree, { data: { techdocs: data } });
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
        { depth: 2, id: 'use', title: 'Use it' },
        { depth: 3, id: 'deep', title: 'Deep' },
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
});
