import { describe, expect, it } from 'vitest';
import { topK } from './top-k.js';

describe('topK', () => {
  const byScoreThenName = (a: { score: number; name: string }, b: { score: number; name: string }) =>
    b.score - a.score || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

  it('returns the same first k items as a full sort, ties included', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    // Few distinct scores, so most comparisons are ties broken by name.
    const items = Array.from({ length: 1000 }, (_, i) => ({ score: Math.floor(rand() * 20), name: `doc-${i}` }));
    const names = items.map((item) => item.name);
    const sorted = [...items].sort(byScoreThenName);
    for (const k of [1, 10, 25, 249, 250, 999, 1000, 1500]) {
      expect(topK(items, k, byScoreThenName)).toEqual(sorted.slice(0, k));
    }
    expect(items.map((item) => item.name)).toEqual(names);
  });

  it('handles k of zero and empty input', () => {
    expect(topK([3, 1, 2], 0, (a, b) => a - b)).toEqual([]);
    expect(topK([], 5, (a: number, b: number) => a - b)).toEqual([]);
  });
});
