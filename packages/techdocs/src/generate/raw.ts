import type { Root } from 'hast';
import rehypeRaw from 'rehype-raw';
import type { Processor } from 'unified';
import { visit, EXIT } from 'unist-util-visit';

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
    let hasRaw = false;
    visit(tree, 'raw', () => {
      hasRaw = true;
      return EXIT;
    });
    return hasRaw ? transform(tree, file) : tree;
  };
}
