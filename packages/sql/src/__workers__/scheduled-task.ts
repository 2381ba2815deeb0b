/*
 * A portal process scheduling a shared task, for the scheduler lock's takeover test: schedules
 * `shared` every `frequencyMs` behind the PostgreSQL lock; a run records this process in
 * `<schema>.runs`, prints "running" and then holds on (renewing its lease) until killed.
 *
 *   node --import tsx scheduled-task.ts <connectionString> <schema> <name> <frequencyMs>
 */
import { createLogger, createScheduler } from '@portalkit/core';
import { pgPoolClient } from '../pg/client.js';
import { openPgPool } from '../pg/open.js';
import { createSqlSchedulerLock } from '../scheduler/index.js';

const [connectionString, schema, name, frequency] = process.argv.slice(2) as [string, string, string, string];
const { pool } = openPgPool({ connectionString }, { max: 2 }, 'scheduled-task-worker');
const sql = pgPoolClient(pool, { name: 'scheduled-task-worker' });
const scheduler = createScheduler({ logger: createLogger({ level: 'error' }), lock: createSqlSchedulerLock({ sql, schema }) });
scheduler.schedule({
  id: 'shared',
  frequencyMs: Number(frequency),
  fn: async (signal) => {
    await sql.query(`INSERT INTO "${schema}".runs (name) VALUES ($1)`, [name]);
    process.stdout.write('running\n');
    await new Promise((resolve) => signal.addEventListener('abort', resolve));
  },
});
process.stdout.write('scheduled\n');
