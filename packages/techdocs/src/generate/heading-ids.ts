import GithubSlugger from 'github-slugger';
import type { Root } from 'hast';
import { toString } from 'hast-util-to-string';
import { headingLevel } from './heading-level.js';
import { forEachElement } from './walk.js';

/**
 * rehype plugin giving every heading without an id one made from its text, GitHub style
 * (`## Get started` -> `id="get-started"`, repeats get `-1`, `-2`): the ids `rehype-slug`
 * gives, walking elements only (rehype-slug's generic visit over every node cost more than
 * the slugs themselves).
 *
 * @example
 * ```ts
 * processor.use(rehypeSanitizeFast, docsSanitizeSchema).use(rehypeHeadingIds);
 * ```
 */
export function rehypeHeadingIds() {
  return (tree: Root) => {
    const slugs = new GithubSlugger();
    forEachElement(tree, (node) => {
      if (headingLevel(node.tagName) > 0 && !node.properties.id) node.properties.id = slugs.slug(toString(node));
    });
  };
}
