import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createLogger, memorySink } from '@portalkit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createAction, createScaffolder, postgresTaskStore } from './index.js';
import type { TaskEvent } from './index.js';
import { dropSchema, pgUrl, postgresSkipReason, randomSchema } from '../../../test/support/postgres.js';
import { tempDir } from './test-support.js';
import { RESUME_KEYS, RESUME_SECRET, resumeActions, resumeTemplate } from './__workers__/resume-fixture.js';

const skip = await postgresSkipReason();

/** Poll `check` until it is truthy; fail after `attempts` tries. */
async function eventually<T>(check: () => Promise<T | undefined | false>, what: string, attempts = 300): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const value = await check();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.skipIf(skip)(`scaffolder retry and resume on PostgreSQL${skip ? ` (${skip})` : ''}`, () => {
  const pool = new pg.Pool({ connectionString: pgUrl, max: 3 });
  const schemas: string[] = [];
  const children: ChildProcess[] = [];
  const fresh = async () => {
    const schema = randomSchema();
    schemas.push(schema);
    await pool.query(`CREATE SCHEMA "${schema}"`);
    await pool.query(`CREATE TABLE "${schema}".runs (id serial PRIMARY KEY, name text NOT NULL, pid integer NOT NULL)`);
    return schema;
  };
  const runsOf = async (schema: string) =>
    (await pool.query<{ name: string; pid: number }>(`SELECT name, pid FROM "${schema}".runs ORDER BY id`)).rows;
  /** Everything the store holds about a task, as text (to search for secrets). */
  const storedText = async (schema: string, taskId: string) =>
    JSON.stringify([
      (await pool.query(`SELECT * FROM "${schema}".tasks WHERE id = $1`, [taskId])).rows,
      (await pool.query(`SELECT * FROM "${schema}".task_events WHERE task_id = $1`, [taskId])).rows,
    ]);
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await pool.end();
    for (const schema of schemas) await dropSchema(schema);
  });

  it('resumes a task whose worker process was killed mid-step in a second worker, which completes it once with its secrets', async () => {
    const schema = await fresh();
    const workingDirectory = path.join(await tempDir(), 'work');
    const worker = fileURLToPath(new URL('./__workers__/resume-worker.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', worker, pgUrl, schema, workingDirectory], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const taskId = await eventually(async () => stdout.split('\n')[0]?.trim() || undefined, 'the task id');
    await eventually(async () => (await runsOf(schema)).some((r) => r.name === 'blocked'), 'the worker to block in step block');
    // The secret is stored sealed while the task runs: never in clear.
    const sealed = (await pool.query(`SELECT sealed_secrets FROM "${schema}".tasks WHERE id = $1`, [taskId])).rows[0]!.sealed_secrets;
    expect(sealed).toMatchObject({ keyId: 'k1' });
    expect(await storedText(schema, taskId)).not.toContain(RESUME_SECRET);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));

    // A second worker (this process, a different working directory: nothing on disk is shared).
    const sink = memorySink();
    const second = createScaffolder({
      actions: resumeActions(pool, schema, false),
      taskStore: postgresTaskStore({ connectionString: pgUrl, schema }),
      workingDirectory: path.join(await tempDir(), 'second'),
      leaseMs: 1_000,
      pollIntervalMs: 50,
      secretKeys: RESUME_KEYS,
      logger: createLogger({ level: 'warn', sink }),
    });
    await second.start();
    try {
      const task = (await second.getTask(taskId))!;
      const result = await task.result;
      expect(result).toMatchObject({ status: 'completed', output: { file: 'svc.txt', created: 'thing-1' } });
      const runs = await runsOf(schema);
      // Step write ran once (in the killed worker); step block ran in both; the checkpointed
      // creation happened once, in the killed worker, and its result was reused.
      expect(runs.filter((r) => r.name === 'write').map((r) => r.pid)).toEqual([child.pid]);
      expect(runs.filter((r) => r.name === 'block').map((r) => r.pid)).toEqual([child.pid, process.pid]);
      expect(runs.filter((r) => r.name === 'create').map((r) => r.pid)).toEqual([child.pid]);
      const events: TaskEvent[] = await task.listEvents();
      expect(events.filter((e) => e.type === 'completion')).toHaveLength(1);
      expect(events.filter((e) => e.type === 'recovered').map((e) => e.body)).toEqual([expect.objectContaining({ status: 'open', recoverStrategy: 'resume' })]);
      const messages = events.map((e) => e.body.message);
      expect(messages).toContain('Resuming at step block: write finished in an earlier run and keep their outputs and workspace');
      expect(messages).toContain('Checkpoint create was reached in an earlier run; its result is reused');
      // Secrets are gone from the store once the task ended, and were never there in clear.
      expect((await pool.query(`SELECT sealed_secrets FROM "${schema}".tasks WHERE id = $1`, [taskId])).rows[0]!.sealed_secrets).toBeNull();
      expect(await storedText(schema, taskId)).not.toContain(RESUME_SECRET);
      expect(JSON.stringify(sink.records)).not.toContain(RESUME_SECRET);
    } finally {
      await second.stop();
    }
  });

  it('retries a failed task from its failed step (the host, not an HTTP caller, for a task the host started), keeping the earlier step and the workspace', async () => {
    const schema = await fresh();
    let failing = true;
    const [write, block] = resumeActions(pool, schema, false);
    // test:block that fails once, after the checkpoint, as a flaky remote call would.
    const flaky = createAction<{ file: string }>({
      id: 'test:block',
      idempotent: true,
      schema: { input: { type: 'object', properties: { file: { type: 'string' } } } },
      async handler(ctx) {
        await block!.handler(ctx);
        if (failing) throw new Error(`remote call failed (token ${ctx.secrets.token})`);
      },
    });
    const scaffolder = createScaffolder({
      actions: [write!, flaky],
      taskStore: postgresTaskStore({ connectionString: pgUrl, schema }),
      workingDirectory: path.join(await tempDir(), 'work'),
      leaseMs: 5_000,
      pollIntervalMs: 50,
      secretKeys: RESUME_KEYS,
    });
    await scaffolder.start();
    try {
      const first = await scaffolder.run(resumeTemplate, { values: { name: 'svc' }, secrets: { token: RESUME_SECRET } });
      const failed = await first.result;
      expect(failed.status).toBe('failed');
      expect(JSON.stringify(failed)).not.toContain(RESUME_SECRET);
      expect(await storedText(schema, first.id)).not.toContain(RESUME_SECRET);
      expect((await pool.query(`SELECT sealed_secrets FROM "${schema}".tasks WHERE id = $1`, [first.id])).rows[0]!.sealed_secrets).toBeNull();

      const handler = scaffolder.handler({ basePath: '/api/scaffolder', getTemplate: async () => undefined });
      const retry = (body: unknown, id = first.id) =>
        handler(new Request(`http://x/api/scaffolder/v2/tasks/${id}/retry`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));
      // Started by the host, it runs with the host's rights: a caller over HTTP may not retry it.
      expect((await retry({ secrets: { token: RESUME_SECRET } })).status).toBe(403);
      // The host may. Its secrets were deleted when it failed: a retry without them is refused.
      await expect(scaffolder.retryTask(first.id, {})).rejects.toMatchObject({ name: 'InputError' });
      await expect(scaffolder.retryTask('00000000-0000-4000-8000-000000000000', { secrets: { token: RESUME_SECRET } })).rejects.toMatchObject({ name: 'NotFoundError' });
      failing = false;
      const retried = await scaffolder.retryTask(first.id, { secrets: { token: RESUME_SECRET } });
      expect(retried.id).toBe(first.id);
      // Queued again (or running, or done): a second retry conflicts.
      await expect(scaffolder.retryTask(first.id, { secrets: { token: RESUME_SECRET } })).rejects.toMatchObject({ name: 'ConflictError' });
      const result = await (await scaffolder.getTask(first.id))!.result;
      expect(result).toMatchObject({ status: 'completed', output: { file: 'svc.txt', created: 'thing-1' } });
      const runs = (await runsOf(schema)).map((r) => r.name);
      expect(runs.filter((n) => n === 'write')).toHaveLength(1);
      expect(runs.filter((n) => n === 'create')).toHaveLength(1);
      const events = await (await scaffolder.getTask(first.id))!.listEvents();
      expect(events.map((e) => e.body.message)).toContain('Task retried: it resumes at the step it stopped in');
      expect(events.map((e) => e.body.message)).toContain('Resuming at step block: write finished in an earlier run and keep their outputs and workspace');
      expect(await storedText(schema, first.id)).not.toContain(RESUME_SECRET);
      expect((await pool.query(`SELECT sealed_secrets FROM "${schema}".tasks WHERE id = $1`, [first.id])).rows[0]!.sealed_secrets).toBeNull();
    } finally {
      await scaffolder.stop();
    }
  });
});
