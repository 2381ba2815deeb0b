import { describe, expect, it } from 'vitest';
import { createUniqueIds } from './unique-ids.js';

describe('createUniqueIds', () => {
  it("hands out ids as Python-Markdown's unique() does", () => {
    // Expected: markdown.extensions.toc.unique over the same ids, in order, on Python-Markdown 3.4.1.
    const ids = createUniqueIds();
    for (const id of ['x_3', 'a_01', 'b_1_1', 'n_99999999999999999999', 'top']) ids.add(id);
    const asked = ['x', 'x', 'x', 'x', 'x_1', 'x_3', 'x_3', 'a_01', 'a_01', 'a', 'b_1', 'b_1', 'b', '', '', '_1'];
    asked.push('n_99999999999999999999', 'n_99999999999999999999', 'top', 'c_', 'c_');
    expect(asked.map((id) => ids.unique(id))).toEqual([
      'x', 'x_1', 'x_2', 'x_4', 'x_5', 'x_6', 'x_7', 'a_2', 'a_3', 'a', 'b_1', 'b_2', 'b', '_1', '_2', '_3',
      'n_100000000000000000000', 'n_100000000000000000001', 'top_1', 'c_', 'c__1',
    ]);
  });

  it('gives thousands of equal headings their numbers', () => {
    const ids = createUniqueIds();
    const out = Array.from({ length: 20_000 }, () => ids.unique('faq'));
    expect(out[0]).toBe('faq');
    expect(out[19_999]).toBe('faq_19999');
    expect(new Set(out).size).toBe(20_000);
  });

  it('counts on from numbers of any length', () => {
    const ids = createUniqueIds();
    const digits = '9'.repeat(200_000);
    for (let i = 0; i < 20; i++) ids.unique(`x_${digits}`);
    expect(ids.unique(`x_${digits}`)).toBe(`x_1${'0'.repeat(199_998)}19`);
  });

  it('stays fast when every number is taken from many starting points', () => {
    // `x_1` ... `x_N` are taken, then each of them asked again: Python walks from each one to the
    // end (N^2 / 2 steps); the pointers here jump over the taken run.
    const ids = createUniqueIds();
    const n = 50_000;
    for (let i = 1; i <= n; i++) ids.unique(`x_${i}`);
    const again = Array.from({ length: n }, (_, i) => ids.unique(`x_${i + 1}`));
    expect(again[0]).toBe(`x_${n + 1}`);
    expect(again[n - 1]).toBe(`x_${2 * n}`);
    expect(ids.unique('x')).toBe('x');
    expect(ids.unique('x')).toBe(`x_${2 * n + 1}`);
  });
});
