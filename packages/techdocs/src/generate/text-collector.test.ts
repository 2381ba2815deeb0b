import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collapseWhitespace, createTextCollector } from './text-collector.js';

// Every character `\s` matches, some that look like it but do not, and ordinary text.
const spaces = [' ', '\t', '\n', '\v', '\f', '\r', '\u00a0', '\u1680', '\u2000', '\u2005', '\u200a', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000', '\ufeff'];
const lookalikes = ['\u200b', '\u180e', '\u0085', '\u2060', 'x', 'é', '𝒳', '-'];
const piece = fc.array(fc.constantFrom(...spaces, ...lookalikes, 'word'), { maxLength: 12 }).map((p) => p.join(''));

const reference = (text: string) => text.replace(/\s+/g, ' ').trim();

describe('text collector', () => {
  it('collapses whitespace exactly like /\\s+/g -> " " and trim()', () => {
    fc.assert(fc.property(piece, (text) => collapseWhitespace(text) === reference(text)));
  });

  it('gives for many pieces what collapsing their concatenation gives', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (pieces) => {
        const collector = createTextCollector();
        for (const p of pieces) collector.add(p);
        return collector.text() === reference(pieces.join(''));
      }),
    );
  });

  it('keeps words split across pieces together', () => {
    const collector = createTextCollector();
    for (const p of ['  Hel', 'lo\n', '', ' \u00a0wor', 'ld  ']) collector.add(p);
    expect(collector.text()).toBe('Hello world');
    expect(collapseWhitespace(' \n\t ')).toBe('');
  });
});
