import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor.js';

const text = (json: string) => Buffer.from(json, 'utf8').toString('base64url');

describe('decodeCursor', () => {
  it('reads back what encodeCursor wrote', () => {
    const state = { order: [{ field: 'metadata.name', order: 'asc' as const }], direction: 'next' as const, totalItems: true, after: { values: ['a'], uid: 'u' } };
    expect(decodeCursor(encodeCursor(state))).toEqual(state);
  });

  it('refuses NUL and lone surrogates spelled as JSON escapes, naming the cursor', () => {
    for (const bad of ['\\u0000', '\\ud800', '\\udc00x']) {
      const cursor = text(`{"v":1,"order":[],"direction":"next","after":{"values":["a${bad}"],"uid":"u"}}`);
      expect(() => decodeCursor(cursor)).toThrow(/^Invalid cursor: /);
    }
    const inKey = text('{"v":1,"order":[],"direction":"next","filter":{"key":"a\\u0000"}}');
    expect(() => decodeCursor(inKey)).toThrow(/^Invalid cursor: .*NUL/);
  });

  it('refuses bytes that are not UTF-8 instead of patching them', () => {
    const json = Buffer.from('{"v":1,"order":[],"direction":"next","after":{"values":["a\xff"],"uid":"u"}}', 'latin1');
    expect(() => decodeCursor(json.toString('base64url'))).toThrow('Malformed cursor, could not be parsed');
  });
});
