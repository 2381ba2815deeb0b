import type { Root } from 'hast';
import rehypeRaw from 'rehype-raw';
import type { Processor } from 'unified';
import { containsType } from './walk.js';

/**
 * `rehype-raw`, skipped for pages without raw HTML: re-parsing a whole page through parse5 is
 * the most expensive step of rendering, and most Markdown pages contain no HTML at all.
 *
 * @example
 * ```ts
 * processor.use(remarkRehype, { allowDangerousHtml: true }).use(rehypeRawWhenNeeded);
 * ```
 */
export function rehypeRawWhenNeeded(this: Processor) {
  const transform = rehypeRaw.call(this as never, {}) as unknown as (tree: Root, file: unknown) => Root;
  return (tree: Root, file: unknown): Root => {
    return containsType(tree, 'raw') ? transform(tree, file) : tree;
  };
}
