import type { Root } from 'hast';
import { headingLevel, isScreenReaderOnly } from './heading-level.js';
import { forEachElement } from './walk.js';

/**
 * rehype plugin adding MkDocs' `toc` permalinks: `<a class="headerlink" href="#id">¶</a>`
 * at the end of every heading that has an id.
 *
 * @example
 * ```ts
 * processor.use(rehypePermalinks, { symbol: '#' });
 * ```
 */
export function rehypePermalinks(options: { symbol?: string } = {}) {
  const symbol = options.symbol ?? '¶';
  return (tree: Root) => {
    forEachElement(tree, (node) => {
      if (headingLevel(node.tagName) === 0) return;
      const id = node.properties.id;
      if (typeof id !== 'string' || isScreenReaderOnly(node)) return;
      node.children.push({
        type: 'element',
        tagName: 'a',
        properties: { className: ['headerlink'], href: `#${id}`, title: 'Permanent link' },
        children: [{ type: 'text', value: symbol }],
      });
    });
  };
}
