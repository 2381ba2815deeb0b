import { describe, expect, it } from 'vitest';
import { createKeyLanes } from './key-lanes.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('key lanes', () => {
  it('runs one key in order and one at a time, other keys alongside', async () => {
    const lanes = createKeyLanes();
    const log: string[] = [];
    const work = (name: string) => async () => {
      log.push(`start ${name}`);
      await tick();
      log.push(`end ${name}`);
    };
    await Promise.all([lanes.run('a', 1, work('a1')), lanes.run('b', 2, work('b2')), lanes.run('a', 3, work('a3'))]);
    expect(log.indexOf('end a1')).toBeLessThan(log.indexOf('start a3'));
    expect(log.indexOf('start b2')).toBeLessThan(log.indexOf('end a1'));
  });

  it('skips an event older than one already delivered for its key', async () => {
    const lanes = createKeyLanes();
    const seen: number[] = [];
    expect(await lanes.run('a', 5, async () => void seen.push(5))).toBe(true);
    expect(await lanes.run('a', 3, async () => void seen.push(3))).toBe(false);
    expect(await lanes.run(null, 1, async () => void seen.push(1))).toBe(true);
    expect(await lanes.run(null, 0, async () => void seen.push(0))).toBe(true);
    expect(seen).toEqual([5, 1, 0]);
    lanes.prune(6);
    expect(await lanes.run('a', 3, async () => void seen.push(3))).toBe(true);
  });

  it('a failing run rejects its caller but not the lane', async () => {
    const lanes = createKeyLanes();
    await expect(lanes.run('a', 1, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await lanes.run('a', 2, async () => {})).toBe(true);
  });
});
