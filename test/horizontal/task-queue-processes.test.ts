import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { postgresTaskStore, type TaskSpec } from '@portalkit/scaffolder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker, type Worker } from '../support/child.js';
import { dropSchema, pgUrl, postgresSkipReason, randomSchema } from '../support/postgres.js';

const skip = await postgresSkipReason();
const workerScript = fileURLToPath(new URL('./workers/task-worker.ts', import.meta.url));

interface Run {
  task: string;
  worker: string;
  start: number;
  end: number;
}

const spec = (ms: number): TaskSpec => ({
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  parameters: {},
  steps: [{ id: 'work', name: 'work', action: 'test:work', input: { ms } }],
  output: {},
  templateInfo: { entityRef: 'template:default/horizontal' },
});

/** Start `names.length` worker processes on `schema` and collect what each ran. */
async function startWorkers(schema: string, dir: string, names: string[]) {
  const runs: Run[] = [];
  const workers: Worker[] = names.map((name) => {
    const worker = startWorker(workerScript, [pgUrl, schema, path.join(dir, name), name]);
    let buffer = '';
    worker.process.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) if (line.startsWith('RAN ')) runs.push(JSON.parse(line.slice(4)) as Run);
    });
    return worker;
  });
  await Promise.all(workers.map((w) => w.waitFor(/READY/, 60_000)));
  return { runs, workers };
}

(skip ? describe.skip : describe)(`the task queue served by several processes${skip ? ` (${skip})` : ''}`, () => {
  let dir: string;
  const schemas: string[] = [];
  const all: Worker[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'pk-horizontal-tasks-'));
  });
  afterAll(async () => {
    await Promise.all(all.map((w) => w.kill()));
    for (const s of schemas) await dropSchema(s);
    await rm(dir, { recursive: true, force: true });
  });

  it.each([2, 3])('%i processes run every task exactly once, never one task in two places, and split the work', async (count) => {
    const schema = randomSchema();
    schemas.push(schema);
    const store = postgresTaskStore({ connectionString: pgUrl, schema });
    try {
      const names = ['a', 'b', 'c'].slice(0, count);
      // Migrated before the workers start, so none waits on another's migration.
      await store.list();
      const { runs, workers } = await startWorkers(schema, path.join(dir, String(count)), names);
      all.push(...workers);
      const tasks = await Promise.all(Array.from({ length: 60 }, () => store.createTask({ spec: spec(40) })));
      for (let i = 0; i < 600; i++) {
        const { tasks: listed } = await store.list();
        if (listed.every((t) => t.status === 'completed' || t.status === 'failed')) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const { tasks: listed } = await store.list();
      expect(listed.filter((t) => t.status !== 'completed')).toEqual([]);
      // Exactly once each, by one process each.
      expect(runs.map((r) => r.task).sort()).toEqual(tasks.map((t) => t.id).sort());
      // Every process took a share (tasks are claimed with FOR UPDATE SKIP LOCKED).
      expect(new Set(runs.map((r) => r.worker)).size).toBe(count);
      // Each task's history ends exactly once.
      for (const task of tasks) {
        const events = await store.listEvents({ taskId: task.id });
        expect(events.filter((e) => e.type === 'completion')).toHaveLength(1);
      }
      await Promise.all(workers.map((w) => w.kill()));
    } finally {
      await store.close?.();
    }
  }, 120_000);
});
