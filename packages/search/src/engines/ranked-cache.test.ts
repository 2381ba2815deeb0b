import { describe, expect, it } from 'vitest';
import { createRankedCache } from './ranked-cache.js';

describe('createRankedCache', () => {
  it('drops the least recently used list beyond its capacity', () => {
    const cache = createRankedCache<number[]>(2);
    cache.set('a', [1]);
    cache.set('b', [2]);
    expect(cache.get('a')).toEqual([1]);
    cache.set('c', [3]);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toEqual([1]);
    expect(cache.get('c')).toEqual([3]);
  });

  it('replaces a list set again and forgets everything on clear', () => {
    const cache = createRankedCache<number[]>(2);
    cache.set('a', [1]);
    cache.set('a', [9]);
    expect(cache.get('a')).toEqual([9]);
    cache.clear();
    expect(cache.get('a')).toBeUndefined();
  });
});
