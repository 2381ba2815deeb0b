import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { builtinActions, createAction, createScaffolder, parseTemplate, postgresTaskStore, RECOVERED_MESSAGE } from './index.js';
import type { TaskStore } from './index.js';
import { dropSchema, pgUrl, postgresSkipReason, randomSchema } from '../../../test/support/postgres.js';
import { tempDir } from './test-support.js';

const skip = await postgresSkipReason();
const template = parseTemplate({
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: { name: 'pg' },
  spec: {
    parameters: { properties: { who: { type: 'string' } } },
    steps: [{ id: 'log', action: 'debug:log', input: { message: 'hello ${{ parameters.who }} ${{ secrets.pw }}' } }],
    output: { who: '${{ parameters.who }}' },
  },
});

(skip ? describe.skip : describe)(`scaffolder on PostgreSQL${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const store = (schema: string): TaskStore => {
    const s = postgresTaskStore({ connectionString: pgUrl, schema });
    cleanups.push(async () => s.close?.());
    return s;
  };

  it('runs tasks, keeps events across a restart and never stores secrets', async () => {
    const schema = randomSchema();
    cleanups.push(() => dropSchema(schema));
    const workingDirectory = path.join(await tempDir(), 'work');
    const first = createScaffolder({ actions: builtinActions(), taskStore: store(schema), workingDirectory, pollIntervalMs: 20 });
    const task = await first.run(template, { values: { who: 'pg' }, secrets: { pw: 'pg-secret-123' } });
    const result = await task.result;
    expect(result).toMatchObject({ status: 'completed', output: { who: 'pg' } });

    const restarted = createScaffolder({ actions: builtinActions(), taskStore: store(schema), workingDirectory });
    const again = (await restarted.getTask(task.id))!;
    const events = [];
    for await (const e of again.events()) events.push(e);
    expect(events.at(-1)).toMatchObject({ type: 'completion', body: { status: 'completed' } });
    expect(events.map((e) => e.body.message)).toContain('Finished step log');
    const raw = postgresTaskStore({ connectionString: pgUrl, schema });
    const everything = JSON.stringify([await raw.getTask(task.id), await raw.listEvents({ taskId: task.id })]);
    await raw.close?.();
    expect(everything).not.toContain('pg-secret-123');
  });

  it('recovers a task whose worker crashed and lets another worker run the queue', async () => {
    const schema = randomSchema();
    cleanups.push(() => dropSchema(schema));
    const workingDirectory = path.join(await tempDir(), 'work');
    const shared = store(schema);
    // A worker claims a task and dies without heartbeating.
    const orphan = await shared.createTask({ spec: { apiVersion: 'scaffolder.backstage.io/v1beta3', parameters: {}, steps: [], output: {}, templateInfo: { entityRef: 'template:default/pg' } } });
    await shared.claimTask({ workerId: 'crashed', leaseMs: 30 });
    let ran = 0;
    const count = createAction({ id: 'test:count', async handler() { ran++; } });
    const worker = createScaffolder({ actions: [count], taskStore: store(schema), workingDirectory, leaseMs: 1_000, pollIntervalMs: 20 });
    // The live worker's own lease is long enough to survive a loaded machine (a 40 ms lease
    // lapsed under CI load and the worker's recovery took its own task); the orphan's 30 ms
    // lease has expired by start().
    // Another process queued a task without secrets; this worker picks it up after start().
    const queued = await shared.createTask({ spec: { apiVersion: 'scaffolder.backstage.io/v1beta3', parameters: {}, steps: [{ id: 'c', action: 'test:count' }], output: {}, templateInfo: { entityRef: 'template:default/pg' } } });
    await new Promise((r) => setTimeout(r, 60));
    await worker.start();
    const recovered = await (await worker.getTask(orphan.id))!.result;
    const done = await (await worker.getTask(queued.id))!.result;
    await worker.stop();
    expect(recovered).toMatchObject({ status: 'failed', error: { message: RECOVERED_MESSAGE } });
    expect(done.status).toBe('completed');
    expect(ran).toBe(1);
  });
});
