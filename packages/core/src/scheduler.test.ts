import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { ConflictError, InputError, NotFoundError } from './errors.js';
import { createLogger, memorySink } from './logger.js';
import { createScheduler } from './scheduler.js';
import type { SchedulerLock } from './scheduler-lock.js';

const setup = () => {
  const sink = memorySink();
  const logger = createLogger({ sink, level: 'debug' });
  return { sink, scheduler: createScheduler({ logger }) };
};

describe('createScheduler', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs after the initial delay, then at the frequency', async () => {
    const { scheduler } = setup();
    let runs = 0;
    scheduler.schedule({ id: 'a', frequencyMs: 1000, initialDelayMs: 500, fn: () => void runs++ });
    await vi.advanceTimersByTimeAsync(499);
    expect(runs).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(runs).toBe(1);
    await vi.advanceTimersByTimeAsync(3000);
    expect(runs).toBe(4);
    await scheduler.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(runs).toBe(4);
  });

  it('skips a tick while the previous run is still going', async () => {
    const { scheduler, sink } = setup();
    let started = 0;
    let active = 0;
    let maxActive = 0;
    scheduler.schedule({
      id: 'slow',
      frequencyMs: 100,
      fn: async () => {
        started++;
        active++;
        maxActive = Math.max(maxActive, active);
        await new Promise((resolve) => setTimeout(resolve, 250));
        active--;
      },
    });
    await vi.advanceTimersByTimeAsync(1000);
    expect(maxActive).toBe(1);
    // Runs at 0, 300, 600, 900: the ticks in between were skipped.
    expect(started).toBe(4);
    expect(sink.records.some((r) => r.message.includes('skipping'))).toBe(true);
    // The run started at 900 ignores its signal: stop() waits until it ends at 1150.
    let stopped = false;
    const stopping = scheduler.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(100);
    expect(stopped).toBe(false);
    await vi.advanceTimersByTimeAsync(100);
    await stopping;
    expect(active).toBe(0);
    expect(started).toBe(4);
  });

  it('logs errors instead of throwing and keeps the schedule', async () => {
    const { scheduler, sink } = setup();
    let runs = 0;
    scheduler.schedule({
      id: 'failing',
      frequencyMs: 100,
      fn: () => {
        runs++;
        throw new Error('boom');
      },
    });
    await vi.advanceTimersByTimeAsync(250);
    expect(runs).toBe(3);
    const errors = sink.records.filter((r) => r.level === 'error');
    expect(errors).toHaveLength(3);
    expect(errors[0]!.fields).toMatchObject({ task: 'failing', component: 'scheduler' });
    await scheduler.stop();
  });

  it('aborts the signal after timeoutMs', async () => {
    const { scheduler, sink } = setup();
    let aborted: unknown;
    scheduler.schedule({
      id: 't',
      frequencyMs: 10_000,
      timeoutMs: 50,
      fn: (signal) =>
        new Promise<void>((resolve) => {
          signal.addEventListener('abort', () => {
            aborted = signal.reason;
            resolve();
          });
        }),
    });
    await vi.advanceTimersByTimeAsync(60);
    expect(String(aborted)).toMatch(/timed out after 50 ms/);
    expect(sink.records.some((r) => r.level === 'warn' && r.message.includes('timed out'))).toBe(true);
    await scheduler.stop();
  });

  it('rejects duplicate ids, bad options and unknown triggers', async () => {
    const { scheduler } = setup();
    scheduler.schedule({ id: 'a', frequencyMs: 1000, fn: () => {} });
    expect(() => scheduler.schedule({ id: 'a', frequencyMs: 1000, fn: () => {} })).toThrow(ConflictError);
    expect(() => scheduler.schedule({ id: 'b', frequencyMs: 0, fn: () => {} })).toThrow(InputError);
    expect(() => scheduler.schedule({ id: 'c', frequencyMs: 10, initialDelayMs: -1, fn: () => {} })).toThrow(InputError);
    expect(() => scheduler.schedule({ id: '', frequencyMs: 10, fn: () => {} })).toThrow(InputError);
    await expect(scheduler.trigger('nope')).rejects.toBeInstanceOf(NotFoundError);
    await scheduler.stop();
    expect(() => scheduler.schedule({ id: 'late', frequencyMs: 10, fn: () => {} })).toThrow(ConflictError);
  });
});

describe('createScheduler with real timers', () => {
  it('trigger runs now and waits; a second trigger while running conflicts', async () => {
    const { scheduler } = setup();
    let release!: () => void;
    let runs = 0;
    scheduler.schedule({
      id: 'manual',
      frequencyMs: 60_000,
      initialDelayMs: 60_000,
      fn: () => {
        runs++;
        return new Promise<void>((resolve) => (release = resolve));
      },
    });
    const first = scheduler.trigger('manual');
    await expect(scheduler.trigger('manual')).rejects.toBeInstanceOf(ConflictError);
    release();
    await first;
    expect(runs).toBe(1);
    await scheduler.stop();
  });

  it('stop() aborts running tasks and waits for them', async () => {
    const { scheduler } = setup();
    let finished = false;
    scheduler.schedule({
      id: 'long',
      frequencyMs: 60_000,
      fn: (signal) =>
        new Promise<void>((resolve) => {
          signal.addEventListener('abort', () => {
            setTimeout(() => {
              finished = true;
              resolve();
            }, 20);
          });
        }),
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await scheduler.stop();
    expect(finished).toBe(true);
  });
  it('with a lock, runs only when the lease is granted, aborts a run whose renewal is refused and gives the lease back', async () => {
    vi.useFakeTimers();
    onTestFinished(() => void vi.useRealTimers());
    const sink = memorySink();
    const calls: string[] = [];
    let grant = false;
    const lock: SchedulerLock = {
      tryAcquire: async (taskId, ttlMs) => {
        calls.push(`acquire ${taskId} ${ttlMs}`);
        return grant;
      },
      release: async (taskId) => void calls.push(`release ${taskId}`),
    };
    const scheduler = createScheduler({ logger: createLogger({ sink }), lock });
    let runs = 0;
    let aborted: unknown;
    scheduler.schedule({
      id: 'sync',
      frequencyMs: 900,
      initialDelayMs: 10_000,
      fn: (signal) =>
        new Promise<void>((resolve) => {
          runs++;
          signal.addEventListener('abort', () => {
            aborted = signal.reason;
            resolve();
          });
        }),
    });
    await scheduler.trigger('sync');
    expect(runs).toBe(0);
    grant = true;
    const running = scheduler.trigger('sync');
    await vi.advanceTimersByTimeAsync(0);
    expect(runs).toBe(1);
    grant = false; // another process took the lease over
    await vi.advanceTimersByTimeAsync(300);
    await running;
    expect(String(aborted)).toMatch(/lost its lease/);
    expect(calls).toEqual(['acquire sync 900', 'acquire sync 900', 'acquire sync 900', 'release sync']);
    await scheduler.stop();
  });
});
