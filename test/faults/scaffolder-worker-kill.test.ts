import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RECOVERED_MESSAGE, createAction, createScaffolder, postgresTaskStore, type TaskSpec } from '@portalkit/scaffolder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropSchema, pgUrl, postgresSkipReason, randomSchema } from '../support/postgres.js';
import { startWorker, type Worker } from '../support/child.js';

const skip = await postgresSkipReason();
const workerScript = fileURLToPath(new URL('./workers/scaffolder-worker.ts', import.meta.url));

const spec = (steps: TaskSpec['steps']): TaskSpec => ({
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  parameters: {},
  steps,
  output: {},
  templateInfo: { entityRef: 'template:default/fault' },
});

(skip ? describe.skip : describe)(`a scaffolder worker killed mid-task${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const schema = randomSchema();
  let dir: string;
  let worker: Worker | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'pk-fault-scaffolder-'));
  });
  afterAll(async () => {
    await worker?.kill();
    await dropSchema(schema);
    await rm(dir, { recursive: true, force: true });
  });

  it('loses no task: the running one is failed cleanly by recovery, queued ones run elsewhere', async () => {
    const store = postgresTaskStore({ connectionString: pgUrl, schema });
    try {
      const running = await store.createTask({ spec: spec([{ id: 'b', action: 'test:block' }, { id: 'n', action: 'test:noop' }]) });
      worker = startWorker(workerScript, [schema, path.join(dir, 'killed')]);
      const [, taskId] = await worker.waitFor(/STARTED (\S+)/, 15_000);
      expect(taskId).toBe(running.id);
      // Events are stored as they are logged; wait for the last one before the kill, so the
      // test checks that nothing written before the crash is lost.
      for (let i = 0; i < 200; i++) {
        if ((await store.listEvents({ taskId: running.id })).some((e) => e.body.message === 'blocking until killed')) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      await worker.kill();
      // Queued while no worker is alive: only the survivor can run it.
      const queued = await store.createTask({ spec: spec([{ id: 'n', action: 'test:noop' }]) });
      expect((await store.getTask(running.id))?.status).toBe('processing');

      let ran = 0;
      const survivor = createScaffolder({
        actions: [createAction({ id: 'test:noop', async handler() { ran++; } }), createAction({ id: 'test:block', async handler() {} })],
        taskStore: store,
        workingDirectory: path.join(dir, 'survivor'),
        leaseMs: 600,
        pollIntervalMs: 50,
      });
      await survivor.start();
      try {
        const recovered = await (await survivor.getTask(running.id))!.result;
        const done = await (await survivor.getTask(queued.id))!.result;
        expect(recovered).toMatchObject({ status: 'failed', error: { message: RECOVERED_MESSAGE } });
        expect(done.status).toBe('completed');
        expect(ran).toBe(1);
      } finally {
        await survivor.stop();
      }

      // The killed task's history is complete and ends exactly once.
      const events = await store.listEvents({ taskId: running.id });
      expect(events.map((e) => e.body.message)).toContain('blocking until killed');
      expect(events.filter((e) => e.type === 'completion')).toHaveLength(1);
      expect(events.at(-1)?.type).toBe('completion');
      const { tasks } = await store.list();
      expect(tasks.filter((t) => t.status === 'processing' || t.status === 'open')).toEqual([]);
    } finally {
      await store.close?.();
    }
  });
});
