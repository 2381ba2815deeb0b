import { describe, expect, it, vi } from 'vitest';
import type { Logger } from '@portalkit/core';
import { memoryTaskStore } from '../tasks/memoryTaskStore.js';
import type { TaskStore } from '../tasks/taskStore.js';
import type { TaskEvent, TaskSpec } from '../types.js';
import { createTaskEventLog } from './taskEventLog.js';

const spec: TaskSpec = { apiVersion: 'scaffolder.backstage.io/v1beta3', parameters: {}, steps: [], output: {}, templateInfo: { entityRef: 'template:default/t' } };
const silent = (): Logger => {
  const logger: Logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn(), child: () => logger };
  return logger;
};
// A poll interval no test waits for: every wake-up below comes from `notify` or an append.
const longPoll = 60_000;

async function started(store: TaskStore) {
  const task = await store.createTask({ spec });
  await store.claimTask({ workerId: 'w', leaseMs: 60_000 });
  return task.id;
}

describe('createTaskEventLog', () => {
  it('stores one task’s appends in the order they were logged, even when the first write is slowest', async () => {
    const store = memoryTaskStore();
    const taskId = await started(store);
    const append = store.appendEvent.bind(store);
    let first = true;
    store.appendEvent = async (event) => {
      if (first) {
        first = false;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return append(event);
    };
    const log = createTaskEventLog({ logger: silent(), pollIntervalMs: longPoll });
    for (const message of ['one', 'two', 'three']) void log.append(store, taskId, 'log', { message });
    await log.flush(taskId);
    expect((await store.listEvents({ taskId })).map((e) => e.body.message)).toEqual(['one', 'two', 'three']);
  });

  it('logs a failed append instead of rejecting, and later appends still run', async () => {
    const store = memoryTaskStore();
    const taskId = await started(store);
    const logger = silent();
    const append = store.appendEvent.bind(store);
    store.appendEvent = vi.fn().mockRejectedValueOnce(new Error('disk full')).mockImplementation(append);
    const log = createTaskEventLog({ logger, pollIntervalMs: longPoll });
    await expect(log.append(store, taskId, 'log', { message: 'lost' })).resolves.toBeUndefined();
    await log.append(store, taskId, 'log', { message: 'kept' });
    expect(logger.error).toHaveBeenCalledWith('scaffolder: could not store a task event', expect.objectContaining({ taskId }));
    expect((await store.listEvents({ taskId })).map((e) => e.body.message)).toEqual(['kept']);
  });

  it('follows past then live events and ends after completion', async () => {
    const store = memoryTaskStore();
    const taskId = await started(store);
    const log = createTaskEventLog({ logger: silent(), pollIntervalMs: longPoll });
    await log.append(store, taskId, 'log', { message: 'before' });
    const seen: TaskEvent[] = [];
    const following = (async () => {
      for await (const event of log.follow(store, taskId)) {
        seen.push(event);
        if (event.body.message === 'before') {
          await log.append(store, taskId, 'log', { message: 'live' });
          await store.completeTask({ taskId, workerId: 'w', status: 'completed', message: 'done' });
          log.notify(taskId);
        }
      }
    })();
    await following;
    expect(seen.map((e) => e.type)).toEqual(['log', 'log', 'completion']);
    expect(seen[1]!.body.message).toBe('live');
  });

  it('ends at once for a finished task read past its completion, and for an unknown task', async () => {
    const store = memoryTaskStore();
    const taskId = await started(store);
    await store.completeTask({ taskId, workerId: 'w', status: 'failed', message: 'done' });
    const log = createTaskEventLog({ logger: silent(), pollIntervalMs: longPoll });
    const events = await store.listEvents({ taskId });
    const after: TaskEvent[] = [];
    for await (const event of log.follow(store, taskId, events.at(-1)!.id)) after.push(event);
    expect(after).toEqual([]);
    for await (const event of log.follow(store, 'no-such-task')) after.push(event);
    expect(after).toEqual([]);
  });
});
