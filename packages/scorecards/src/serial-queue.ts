/** Runs tasks one at a time, in the order they were queued; a failed task does not stop the queue. */
export interface SerialQueue {
  run<T>(fn: () => Promise<T>): Promise<T>;
  /** Resolves once everything queued so far has finished. */
  idle(): Promise<void>;
}

/** Create a {@link SerialQueue}: evaluations and their writes never interleave. */
export function createSerialQueue(): SerialQueue {
  let lock: Promise<unknown> = Promise.resolve();
  return {
    run<T>(fn: () => Promise<T>): Promise<T> {
      const run = lock.then(fn);
      lock = run.catch(() => undefined);
      return run;
    },
    async idle() {
      await lock;
    },
  };
}
