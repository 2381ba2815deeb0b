import type { Root } from 'hast';
import rehypeRaw from 'rehype-raw';
import type { Processor } from 'unified';
import { checkNesting } from './nesting.js';
import { containsType } from './walk.js';

/**
 * `rehype-raw`, skipped for pages without raw HTML: re-parsing a whole page through parse5 is
 * the most expensive step of rendering, and most Markdown pages contain no HTML at all. Raw
 * HTML nests on its own (`<div>` x 100,000 on one line), so the parsed tree is held to the
 * nesting limit before any later stage recurses through it.
 *
 * @example
 * ```ts
 * processor.use(remarkRehype, { allowDangerousHtml: true }).use(rehypeRawWhenNeeded);
 * ```
 */
export function rehypeRawWhenNeeded(this: Processor) {
  const transform = rehypeRaw.call(this as never, {}) as unknown as (tree: Root, file: unknown) => Root;
  return (tree: Root, file: unknown): Root => {
    if (!containsType(tree, 'raw')) return tree;
    const parsed = transform(tree, file);
    checkNesting(parsed, file as { path?: string });
    return parsed;
  };
}
