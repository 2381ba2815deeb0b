/*
 * The template, actions and keys shared by the resume test (scaffolder.resume.postgres.test.ts)
 * and its worker process (resume-worker.ts). Every action run is recorded in `<schema>.runs`
 * with the process id, so the test sees which process ran what, and how often.
 */
import { access } from 'node:fs/promises';
import path from 'node:path';
import { writeFile } from 'node:fs/promises';
import type pg from 'pg';
import { createAction } from '../actions/createAction.js';
import { parseTemplate } from '../template/parseTemplate.js';
import type { ScaffolderAction } from '../types.js';

/** The secret the task is started with (the test checks it never reaches the store in clear). */
export const RESUME_SECRET = 'resume-secret-7f3c9d2a';

/** The keys both processes seal and open task secrets with. */
export const RESUME_KEYS = [{ id: 'k1', key: Buffer.alloc(32, 7).toString('base64') }];

export const resumeTemplate = parseTemplate({
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: { name: 'resume' },
  spec: {
    EXPERIMENTAL_recovery: { EXPERIMENTAL_strategy: 'resume' },
    parameters: { properties: { name: { type: 'string' } } },
    steps: [
      { id: 'write', action: 'test:write', input: { name: '${{ parameters.name }}' } },
      { id: 'block', action: 'test:block', input: { file: '${{ steps.write.output.file }}' } },
    ],
    output: { file: '${{ steps.write.output.file }}', created: '${{ steps.block.output.created }}' },
  },
});

/**
 * `test:write` writes a file into the workspace; `test:block` (idempotent) checks that file and the
 * secret, creates something once behind a checkpoint, and then, when `block` is true, waits
 * until the process is killed.
 */
export function resumeActions(pool: pg.Pool, schema: string, block: boolean): ScaffolderAction[] {
  const record = (name: string) => pool.query(`INSERT INTO "${schema}".runs (name, pid) VALUES ($1, $2)`, [name, process.pid]);
  return [
    createAction<{ name: string }>({
      id: 'test:write',
      schema: { input: { type: 'object', properties: { name: { type: 'string' } } } },
      async handler(ctx) {
        await record('write');
        await writeFile(path.join(ctx.workspacePath, `${ctx.input.name}.txt`), 'written by step write');
        ctx.output('file', `${ctx.input.name}.txt`);
      },
    }),
    createAction<{ file: string }>({
      id: 'test:block',
      idempotent: true,
      schema: { input: { type: 'object', properties: { file: { type: 'string' } } } },
      async handler(ctx) {
        await record('block');
        await access(path.join(ctx.workspacePath, ctx.input.file));
        if (ctx.secrets.token !== RESUME_SECRET) throw new Error('the task secret did not reach the step');
        const created = await ctx.checkpoint!({
          key: 'create',
          fn: async () => {
            await record('create');
            return 'thing-1';
          },
        });
        if (block) {
          await record('blocked');
          await new Promise(() => {});
        }
        ctx.output('created', created);
      },
    }),
  ];
}
