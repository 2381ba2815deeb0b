/*
 * A portal process running scaffolder tasks on PostgreSQL, for the resume test: it starts a task
 * of `resumeTemplate` with a secret, prints its id, and runs it until step `block` waits to be
 * killed (SIGKILL, mid-step).
 *
 *   node --import tsx resume-worker.ts <connectionString> <schema> <workingDirectory>
 */
import pg from 'pg';
import { createLogger } from '@portalkit/core';
import { createScaffolder } from '../create-scaffolder.js';
import { postgresTaskStore } from '../tasks/postgresTaskStore.js';
import { RESUME_KEYS, RESUME_SECRET, resumeActions, resumeTemplate } from './resume-fixture.js';

const [connectionString, schema, workingDirectory] = process.argv.slice(2) as [string, string, string];
const pool = new pg.Pool({ connectionString, max: 2 });
const scaffolder = createScaffolder({
  actions: resumeActions(pool, schema, true),
  taskStore: postgresTaskStore({ connectionString, schema }),
  workingDirectory,
  leaseMs: 1_000,
  pollIntervalMs: 50,
  secretKeys: RESUME_KEYS,
  logger: createLogger({ level: 'error' }),
});
await scaffolder.start();
const task = await scaffolder.run(resumeTemplate, { values: { name: 'svc' }, secrets: { token: RESUME_SECRET } });
process.stdout.write(`${task.id}\n`);
