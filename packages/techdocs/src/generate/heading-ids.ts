import type { Element, Root } from 'hast';
import { toString } from 'hast-util-to-string';
import { headingLevel, isScreenReaderOnly } from './heading-level.js';
import type { HeadingSourceTexts } from './markdown-it-heading-text.js';
import { createSlugify, pyStrip } from './slugify.js';
import type { TocOptions } from './toc-options.js';
import { createUniqueIds } from './unique-ids.js';
import { forEachElement } from './walk.js';

/**
 * rehype plugin giving headings their ids as Python-Markdown's `toc` does: every id already on
 * the page is taken first (an `attr_list` `{#id}`, raw HTML), then each heading without one
 * gets the slug of its text (`## Get started` -> `id="get-started"`), repeats `_1`, `_2`. The
 * text is Python-Markdown's where the Markdown parser noted it differs (see markdownItHeadingText).
 * `slugify` and `separator` choose the slug; `baselevel` moves every heading down first.
 *
 * @example
 * ```ts
 * processor.use(rehypeSanitizeFast, docsSanitizeSchema).use(rehypeHeadingIds, { separator: '_' });
 * ```
 */
export function rehypeHeadingIds(options: Pick<TocOptions, 'slugify' | 'separator' | 'baselevel'> = {}) {
  const slugify = createSlugify(options.slugify);
  const separator = options.separator ?? '-';
  const shift = Math.max(0, (options.baselevel ?? 1) - 1);
  return (tree: Root, file: { data: object }) => {
    const sources = (file.data as { headingSourceTexts?: HeadingSourceTexts }).headingSourceTexts;
    const ids = createUniqueIds();
    const headings: Element[] = [];
    forEachElement(tree, (node) => {
      const id = node.properties.id;
      if (typeof id === 'string' && id !== '') ids.add(id);
      if (headingLevel(node.tagName) > 0) headings.push(node);
    });
    for (const node of headings) {
      if (shift > 0 && !isScreenReaderOnly(node)) node.tagName = `h${Math.min(headingLevel(node.tagName) + shift, 6)}`;
      if (node.properties.id) continue;
      const text = toString(node);
      const source = sources?.get(text)?.shift() ?? text;
      node.properties.id = ids.unique(slugify(pyStrip(source), separator));
    }
  };
}
