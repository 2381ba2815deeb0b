import type { Root } from 'hast';
import { headingLevel, isScreenReaderOnly } from './heading-level.js';
import { forEachElement } from './walk.js';

/**
 * rehype plugin adding MkDocs' `toc` permalinks: `<a class="headerlink" href="#id"
 * title="Permanent link">¶</a>` at the end of every heading that has an id (whatever
 * `toc_depth` lists, as Python-Markdown does). `title: ''` leaves the title out.
 *
 * @example
 * ```ts
 * processor.use(rehypePermalinks, { symbol: '#', title: 'Link here' });
 * ```
 */
export function rehypePermalinks(options: { symbol?: string; title?: string } = {}) {
  const symbol = options.symbol ?? '¶';
  const title = options.title ?? 'Permanent link';
  return (tree: Root) => {
    forEachElement(tree, (node) => {
      if (headingLevel(node.tagName) === 0) return;
      const id = node.properties.id;
      if (typeof id !== 'string' || isScreenReaderOnly(node)) return;
      node.children.push({
        type: 'element',
        tagName: 'a',
        properties: title === '' ? { className: ['headerlink'], href: `#${id}` } : { className: ['headerlink'], href: `#${id}`, title },
        children: [{ type: 'text', value: symbol }],
      });
    });
  };
}
