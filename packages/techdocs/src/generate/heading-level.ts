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
