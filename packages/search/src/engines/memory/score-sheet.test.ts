import { describe, expect, it } from 'vitest';
import { createScoreSheet } from './score-sheet.js';

describe('createScoreSheet', () => {
  it('sums per id and starts every sheet at zero', () => {
    const sheet = createScoreSheet();
    sheet.begin(10);
    sheet.add(3, 1.5);
    sheet.add(3, 2);
    sheet.add(7, 1);
    expect([sheet.get(3), sheet.get(7), sheet.get(5)]).toEqual([3.5, 1, 0]);
    sheet.begin(10);
    sheet.add(7, 4);
    expect([sheet.get(3), sheet.get(7)]).toEqual([0, 4]);
  });

  it('grows for larger ids, dropping nothing of the new sheet', () => {
    const sheet = createScoreSheet();
    sheet.begin(4);
    sheet.add(2, 1);
    sheet.begin(5000);
    sheet.add(4999, 2);
    expect([sheet.get(2), sheet.get(4999)]).toEqual([0, 2]);
  });
});
