import { describe, expect, it } from 'vitest';
import { InputError, mapLimit } from './index.js';

/** A promise with its resolve/reject handles, so a test decides when each call finishes. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('mapLimit', () => {
  it('keeps the input order, whatever the completion order', async () => {
    const gates = [deferred(), deferred(), deferred()];
    const run = mapLimit([0, 1, 2], 3, async (n) => {
      await gates[n]!.promise;
      return n * 10;
    });
    gates[2]!.resolve();
    gates[0]!.resolve();
    gates[1]!.resolve();
    expect(await run).toEqual([0, 10, 20]);
  });

  it('never has more than `limit` calls in flight, and keeps `limit` busy', async () => {
    const gates = Array.from({ length: 7 }, () => deferred());
    const started: number[] = [];
    let inFlight = 0;
    let most = 0;
    const run = mapLimit(gates, 3, async (gate, index) => {
      started.push(index);
      most = Math.max(most, ++inFlight);
      await gate.promise;
      inFlight--;
      return index;
    });
    await flush();
    expect(started).toEqual([0, 1, 2]);
    gates[1]!.resolve();
    await flush();
    expect(started).toEqual([0, 1, 2, 3]);
    for (const gate of gates) gate.resolve();
    expect(await run).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(most).toBe(3);
  });

  it('passes the index, accepts plain (non-promise) results and an empty list', async () => {
    expect(await mapLimit(['a', 'b'], 1, (item, index) => `${item}${index}`)).toEqual(['a0', 'b1']);
    expect(await mapLimit([], 4, () => 1)).toEqual([]);
    expect(await mapLimit([1, 2], Number.POSITIVE_INFINITY, (n) => n + 1)).toEqual([2, 3]);
  });

  it('after a failure starts nothing more, waits for the calls in flight, then rejects with the first error', async () => {
    const gates = Array.from({ length: 6 }, () => deferred());
    const started: number[] = [];
    const finished: number[] = [];
    const run = mapLimit(gates, 2, async (gate, index) => {
      started.push(index);
      await gate.promise;
      finished.push(index);
    });
    let settled = false;
    run.catch(() => {}).finally(() => (settled = true));
    await flush();
    gates[0]!.reject(new Error('first'));
    await flush();
    // Item 1 is still running: mapLimit has not settled, and nothing new has started.
    expect(started).toEqual([0, 1]);
    expect(settled).toBe(false);
    gates[1]!.reject(new Error('second'));
    await expect(run).rejects.toThrow('first');
    expect(started).toEqual([0, 1]);
    expect(finished).toEqual([]);
  });

  it('treats a synchronous throw like a rejection', async () => {
    const started: number[] = [];
    const run = mapLimit([0, 1, 2, 3], 1, (n) => {
      started.push(n);
      if (n === 1) throw new Error('boom');
      return n;
    });
    await expect(run).rejects.toThrow('boom');
    expect(started).toEqual([0, 1]);
  });

  it('refuses a limit that is not a positive integer (it would silently run nothing)', async () => {
    for (const limit of [0, -1, 1.5, Number.NaN]) {
      await expect(mapLimit([1], limit, (n) => n), String(limit)).rejects.toBeInstanceOf(InputError);
    }
  });
});
