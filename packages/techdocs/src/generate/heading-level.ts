import type { Element } from 'hast';

/**
 * The level of a heading element's tag name (`h1` -> 1 … `h6` -> 6), 0 for any other tag.
 * Checked by character: the walks over every element of every page ask this of each one, and a
 * regular expression or a lookup object that misses for most tags costs more than the answer.
 *
 * @example
 * ```ts
 * headingLevel('h2'); // 2
 * headingLevel('p'); // 0
 * ```
 */
export function headingLevel(tagName: string): number {
  if (tagName.length !== 2 || tagName.charCodeAt(0) !== 104 /* h */) return 0;
  const level = tagName.charCodeAt(1) - 48;
  return level >= 1 && level <= 6 ? level : 0;
}

/**
 * True for a heading marked screen-reader only (`class="sr-only"`), such as GFM's hidden
 * "Footnotes" heading: it is no section of the page and gets no permalink.
 *
 * @example
 * ```ts
 * isScreenReaderOnly(footnotesHeading); // true
 * ```
 */
export function isScreenReaderOnly(node: Element): boolean {
  const classes = node.properties.className;
  return Array.isArray(classes) && classes.includes('sr-only');
}
