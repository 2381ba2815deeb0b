import { describe, expect, it } from 'vitest';
import { hasLoneSurrogate, toStorableText } from './storable-text.js';

describe('storable text', () => {
  it('finds lone high and low surrogates, never a whole pair', () => {
    for (const lone of ['\ud800', 'a\udbffb', '\udc00', 'x\udfff', '\udc00\ud800']) expect(hasLoneSurrogate(lone), JSON.stringify(lone)).toBe(true);
    for (const fine of ['', 'plain', '😀', 'a😀b', 'é\u0000']) expect(hasLoneSurrogate(fine), JSON.stringify(fine)).toBe(false);
  });

  it('drops NUL (or replaces it) and turns lone surrogates into U+FFFD, leaving pairs and clean text alone', () => {
    expect(toStorableText('a\u0000b\ud800c')).toBe('ab\ufffdc');
    expect(toStorableText('a\u0000b', '\ufffd')).toBe('a\ufffdb');
    expect(toStorableText('😀\udc00')).toBe('😀\ufffd');
    const clean = 'nothing to change';
    expect(toStorableText(clean)).toBe(clean);
  });
});
