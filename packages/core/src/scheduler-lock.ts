/**
 * Who runs a scheduled task when several processes schedule it: before each run the scheduler
 * asks for the task's lease, and only the process that gets it runs the task. A lease expires
 * after `ttlMs` unless its holder renews it (by acquiring again), so a killed holder's task comes
 * free by itself. `@portalkit/sql` has a PostgreSQL implementation (`createSqlSchedulerLock`).
 *
 * @example
 * ```ts
 * const lock: SchedulerLock = createSqlSchedulerLock({ client, schema: 'portalkit_scheduler' });
 * const scheduler = createScheduler({ logger, lock });
 * ```
 */
export interface SchedulerLock {
  /**
   * Take (or, when this lock already holds it, extend) the lease of `taskId` for `ttlMs`.
   * Resolves true when this lock now holds it, false when another holder does.
   */
  tryAcquire(taskId: string, ttlMs: number): Promise<boolean>;
  /** Give the lease up early, if this lock holds it, so another process may run the task now. */
  release(taskId: string): Promise<void>;
}
