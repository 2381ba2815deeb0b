import { ConflictError, InputError, NotFoundError, ServiceUnavailableError } from './errors.js';
import type { Logger } from './logger.js';
import type { SchedulerLock } from './scheduler-lock.js';

/**
 * A recurring job given to {@link Scheduler.schedule}.
 * @example
 * ```ts
 * const task: ScheduledTask = { id: 'refresh', frequencyMs: 60_000, timeoutMs: 30_000, fn: (signal) => refresh(signal) };
 * ```
 */
export interface ScheduledTask {
  /** Unique id, used in logs and by `trigger`. */
  id: string;
  /** The work. Should stop promptly when `signal` aborts (on timeout or `stop()`). */
  fn: (signal: AbortSignal) => Promise<void> | void;
  /** Time between runs. A run still going when the next one is due is skipped, never overlapped. */
  frequencyMs: number;
  /** Delay before the first run; default 0 (as soon as possible). */
  initialDelayMs?: number;
  /** Abort the run's signal after this long; the run still counts as running until `fn` settles. */
  timeoutMs?: number;
}

// A lease held while running is renewed this often (relative to its length).
const RENEW_FRACTION = 3;

/**
 * Runs recurring tasks in-process.
 *
 * @example
 * ```ts
 * const scheduler = createScheduler({ logger });
 * scheduler.schedule({ id: 'catalog-refresh', frequencyMs: 60_000, fn: (signal) => catalog.refresh({ signal }) });
 * await scheduler.trigger('catalog-refresh'); // run now and wait for it
 * await scheduler.stop();
 * ```
 */
export interface Scheduler {
  /** Start running a task on its schedule. Duplicate ids are a `ConflictError`. */
  schedule(task: ScheduledTask): void;
  /**
   * Run a task now and resolve when that run ends (its errors are logged, not thrown).
   * `NotFoundError` for an unknown id, `ConflictError` when it is already running. With a
   * `lock`, a task whose lease another process holds is not run (the call resolves).
   */
  trigger(id: string): Promise<void>;
  /** Stop all timers, abort running tasks' signals and wait for them to settle. */
  stop(): Promise<void>;
}

/**
 * Options of {@link createScheduler}.
 * @example
 * ```ts
 * createScheduler({ logger: createLogger({ level: 'debug' }) });
 * ```
 */
export interface SchedulerOptions {
  /** Where task failures, timeouts and skipped runs are reported. */
  logger: Logger;
  /**
   * Share tasks with other processes: a run happens only where the task's lease was acquired.
   * The lease lasts `frequencyMs` (at least `timeoutMs`) from the start of a run and is renewed
   * while the run goes on, so a task runs once per period across every process that schedules
   * it; a failed or aborted run gives the lease back so another process may retry at once, and a
   * killed holder's lease simply expires. Without a lock every process runs every task.
   */
  lock?: SchedulerLock;
}

interface TaskState {
  task: ScheduledTask;
  timers: Array<ReturnType<typeof setTimeout>>;
  running?: { promise: Promise<void>; controller: AbortController };
}

/**
 * Create a {@link Scheduler}. Task errors are logged through `logger` and never thrown.
 *
 * @example
 * ```ts
 * const scheduler = createScheduler({ logger: createLogger() });
 * scheduler.schedule({ id: 'cleanup', frequencyMs: 3_600_000, initialDelayMs: 60_000, fn: cleanup });
 * ```
 */
export function createScheduler(options: SchedulerOptions): Scheduler {
  if (!options?.logger) throw new InputError('createScheduler: `logger` is required');
  const logger = options.logger.child({ component: 'scheduler' });
  const tasks = new Map<string, TaskState>();
  let stopped = false;

  const lock = options.lock;

  /** Run once if this process gets the task's lease (always without a lock). */
  const leased = async (task: ScheduledTask, controller: AbortController): Promise<void> => {
    const { signal } = controller;
    if (!lock) {
      await task.fn(signal);
      return;
    }
    const ttlMs = Math.max(task.frequencyMs, task.timeoutMs ?? 0);
    if (!(await lock.tryAcquire(task.id, ttlMs))) {
      logger.debug('scheduled task leased by another process; skipping this run', { task: task.id });
      return;
    }
    const renew = setInterval(() => {
      lock.tryAcquire(task.id, ttlMs).then(
        (held) => {
          if (!held) controller.abort(new ServiceUnavailableError(`task ${task.id} lost its lease to another process`));
        },
        (error) => logger.warn('could not renew a scheduled task lease', { task: task.id, error }),
      );
    }, Math.max(1, Math.floor(ttlMs / RENEW_FRACTION)));
    let ok = false;
    try {
      await task.fn(signal);
      ok = !signal.aborted;
    } finally {
      clearInterval(renew);
      // A completed run keeps the lease for the rest of its period; anything else frees it.
      if (!ok) await lock.release(task.id).catch((error) => logger.warn('could not release a scheduled task lease', { task: task.id, error }));
    }
  };

  const run = (state: TaskState): Promise<void> => {
    const { task } = state;
    const controller = new AbortController();
    const timeout =
      task.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            logger.warn('scheduled task timed out', { task: task.id, timeoutMs: task.timeoutMs });
            controller.abort(new ServiceUnavailableError(`task ${task.id} timed out after ${task.timeoutMs} ms`));
          }, task.timeoutMs);
    const execute = async () => {
      try {
        await leased(task, controller);
      } catch (error) {
        logger.error('scheduled task failed', { task: task.id, error });
      }
    };
    // `finally` always runs after this function returns, so `running` is set before it is cleared
    // even when `fn` throws synchronously.
    const promise = execute().finally(() => {
      if (timeout) clearTimeout(timeout);
      state.running = undefined;
    });
    state.running = { promise, controller };
    return promise;
  };

  const tick = (state: TaskState) => {
    if (state.running) {
      logger.debug('scheduled task still running; skipping this run', { task: state.task.id });
      return;
    }
    void run(state);
  };

  return {
    schedule(task) {
      if (stopped) throw new ConflictError(`cannot schedule ${task?.id}: the scheduler is stopped`);
      if (!task?.id || typeof task.id !== 'string') throw new InputError('schedule: task `id` must be a non-empty string');
      if (typeof task.fn !== 'function') throw new InputError(`schedule ${task.id}: \`fn\` must be a function`);
      for (const key of ['frequencyMs', 'initialDelayMs', 'timeoutMs'] as const) {
        const value = task[key];
        if (value === undefined && key !== 'frequencyMs') continue;
        if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (key === 'frequencyMs' && value === 0)) {
          throw new InputError(`schedule ${task.id}: \`${key}\` must be a ${key === 'frequencyMs' ? 'positive' : 'non-negative'} number`);
        }
      }
      if (tasks.has(task.id)) throw new ConflictError(`a task with id ${task.id} is already scheduled`);
      const state: TaskState = { task, timers: [] };
      tasks.set(task.id, state);
      state.timers.push(
        setTimeout(() => {
          tick(state);
          state.timers.push(setInterval(() => tick(state), task.frequencyMs));
        }, task.initialDelayMs ?? 0),
      );
    },

    async trigger(id) {
      const state = tasks.get(id);
      if (!state) throw new NotFoundError(`no scheduled task ${id}`);
      if (stopped) throw new ConflictError(`cannot trigger ${id}: the scheduler is stopped`);
      if (state.running) throw new ConflictError(`task ${id} is already running`);
      await run(state);
    },

    async stop() {
      stopped = true;
      const running: Promise<void>[] = [];
      for (const state of tasks.values()) {
        // clearTimeout and clearInterval share one id space in Node.
        for (const timer of state.timers) clearTimeout(timer);
        state.timers = [];
        if (state.running) {
          state.running.controller.abort(new ServiceUnavailableError('the scheduler is stopping'));
          running.push(state.running.promise);
        }
      }
      await Promise.all(running);
    },
  };
}
