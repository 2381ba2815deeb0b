/**
 * Per-key delivery lanes: events of one key (an entity ref) reach subscribers one at a time and
 * in log order, whether published here or read from the log; events of different keys overlap.
 * A key remembers the newest id delivered, so an older event of that key arriving later (a
 * slow write, or the log catching up behind a local publish) is recognised as superseded.
 *
 * @example
 * ```ts
 * await lanes.run('component:default/a', 42, () => deliver(event));
 * ```
 */
export interface KeyLanes {
  /** Run `fn` after the key's earlier work, unless an id above `id` was already delivered for it. Resolves false when skipped. */
  run(key: string | null, id: number, fn: () => Promise<void>): Promise<boolean>;
  /** Forget keys whose newest id is below `floor`: nothing older can arrive for them any more. */
  prune(floor: number): void;
}

/**
 * Create {@link KeyLanes}.
 * @example
 * ```ts
 * const lanes = createKeyLanes();
 * ```
 */
export function createKeyLanes(): KeyLanes {
  const tails = new Map<string, Promise<unknown>>();
  const newest = new Map<string, number>();
  return {
    run(key, id, fn) {
      // Unkeyed events share one lane, so they too keep their order.
      const lane = key ?? '';
      const previous = tails.get(lane) ?? Promise.resolve();
      const mine = previous.then(async () => {
        if (key !== null && (newest.get(key) ?? 0) >= id) return false;
        if (key !== null) newest.set(key, id);
        await fn();
        return true;
      });
      const tail = mine.catch(() => false);
      tails.set(lane, tail);
      void tail.then(() => {
        if (tails.get(lane) === tail) tails.delete(lane);
      });
      return mine;
    },
    prune(floor) {
      for (const [key, id] of newest) if (id < floor) newest.delete(key);
    },
  };
}
