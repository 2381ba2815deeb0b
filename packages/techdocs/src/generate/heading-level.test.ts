import { describe, expect, it } from 'vitest';
import { headingLevel, isScreenReaderOnly } from './heading-level.js';

describe('headingLevel', () => {
  it('gives h1-h6 their level and every other tag 0', () => {
    expect(['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map(headingLevel)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const tag of ['h0', 'h7', 'h', 'hr', 'head', 'H1', 'p', '', 'h10', 'constructor', 'toString']) {
      expect(headingLevel(tag)).toBe(0);
    }
  });

  it('recognises screen-reader-only headings by their class', () => {
    const heading = (className?: string[]) => ({ type: 'element' as const, tagName: 'h2', properties: className ? { className } : {}, children: [] });
    expect(isScreenReaderOnly(heading(['sr-only']))).toBe(true);
    expect(isScreenReaderOnly(heading(['x', 'sr-only']))).toBe(true);
    expect(isScreenReaderOnly(heading(['sr-only-not']))).toBe(false);
    expect(isScreenReaderOnly(heading())).toBe(false);
  });
});
