import { createScheduler } from '@portalkit/core';
import type { Logger, Scheduler, SchedulerLock } from '@portalkit/core';

/** Options of {@link createRefreshLoop}. */
export interface RefreshLoopOptions {
  /** One scheduled refresh of everything; its failures are logged, never thrown. */
  refresh(): Promise<void>;
  intervalMs: number;
  logger: Logger;
  /** Shared with other processes: each period's refresh runs where the lease was taken. */
  lock?: SchedulerLock;
}

/** The catalog's scheduled refresh: started once, stopped by `stop()`, startable again. */
export interface RefreshLoop {
  /** Schedule the refresh every `intervalMs` (the first one after a full interval); no-op when running. */
  start(): void;
  /** Stop scheduling and wait for a run in progress under the lock to settle. */
  stop(): Promise<void>;
}

/**
 * The catalog's refresh loop: a plain unref'd timer in one process, or a scheduler task that
 * holds a lease when `lock` is given, so several processes on one database refresh once per period.
 *
 * @example
 * ```ts
 * const loop = createRefreshLoop({ refresh: () => catalog.refresh(), intervalMs: 100_000, logger });
 * loop.start();
 * await loop.stop();
 * ```
 */
export function createRefreshLoop(options: RefreshLoopOptions): RefreshLoop {
  const { refresh, intervalMs, logger, lock } = options;
  let timer: ReturnType<typeof setInterval> | undefined;
  let scheduler: Scheduler | undefined;
  return {
    start() {
      if (timer || scheduler) return;
      if (lock) {
        scheduler = createScheduler({ logger, lock });
        scheduler.schedule({ id: 'catalog-refresh', frequencyMs: intervalMs, initialDelayMs: intervalMs, fn: refresh });
        return;
      }
      timer = setInterval(() => {
        refresh().catch((error) => logger.error('catalog refresh failed', { error }));
      }, intervalMs);
      timer.unref?.();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      const running = scheduler;
      scheduler = undefined;
      await running?.stop();
    },
  };
}
