import { ConflictError } from '@portalkit/core';
import type { SerializedError } from '@portalkit/core';
import type { SqlClient } from '@portalkit/sql';
import { MAX_TASK_RECOVERIES } from '../../types.js';
import type { SealedSecrets, TaskEvent, TaskRecord } from '../../types.js';
import { RECOVERED_MESSAGE, REQUEUED_MESSAGE, RETRIED_MESSAGE, recoveryStrategyOf } from '../taskStore.js';
import type { TaskStateUpdate } from '../taskStore.js';
import { toRecord } from './rows.js';
import type { TaskRow } from './rows.js';

// Retry, recovery, task state and sealed secrets of the SQL task store (see sqlTaskStore.ts).

/** The tables of one schema, quoted, and how events are inserted. */
export interface RecoveryTables {
  /** `<schema>.tasks` */
  t: string;
  /** `<schema>.task_workspaces` */
  ws: string;
  insertEvent(client: SqlClient, taskId: string, type: TaskEvent['type'], body: TaskEvent['body']): Promise<TaskEvent>;
}

/** `recoverExpired()` inside its transaction: requeue or fail each task whose lease expired. */
export async function recoverExpiredLocked(client: SqlClient, { t, insertEvent }: RecoveryTables): Promise<string[]> {
  const { rows } = await client.query<TaskRow>(
    `SELECT * FROM ${t} WHERE status = 'processing' AND lease_expires_at < now() ORDER BY seq FOR UPDATE SKIP LOCKED`,
  );
  const error: SerializedError = { name: 'TaskRecoveredError', message: RECOVERED_MESSAGE };
  for (const row of rows) {
    const strategy = recoveryStrategyOf(row.spec);
    if (strategy !== 'none' && row.recoveries < MAX_TASK_RECOVERIES) {
      await client.query(
        `UPDATE ${t} SET status = 'open', claimed_by = NULL, lease_expires_at = NULL, resume_mode = $2, recoveries = recoveries + 1 WHERE id = $1`,
        [row.id, strategy],
      );
      await insertEvent(client, row.id, 'recovered', { message: REQUEUED_MESSAGE, status: 'open', recoverStrategy: strategy });
      continue;
    }
    // Failed: no run will need the secrets again until a retry brings new ones.
    await client.query(
      `UPDATE ${t} SET status = 'failed', completed_at = now(), lease_expires_at = NULL, error = $2, sealed_secrets = NULL WHERE id = $1`,
      [row.id, JSON.stringify(error)],
    );
    await insertEvent(client, row.id, 'recovered', { message: RECOVERED_MESSAGE, status: 'failed' });
    await insertEvent(client, row.id, 'completion', { message: 'Run completed with status: failed', status: 'failed', error });
  }
  return rows.map((r) => r.id);
}

/** `retryTask()` inside its transaction. */
export async function retryLocked(client: SqlClient, { t, insertEvent }: RecoveryTables, taskId: string, sealed: SealedSecrets | undefined): Promise<TaskRecord | undefined> {
  const { rows } = await client.query<TaskRow>(`SELECT status FROM ${t} WHERE id = $1 FOR UPDATE`, [taskId]);
  const row = rows[0];
  if (!row) return undefined;
  if (row.status !== 'failed' && row.status !== 'cancelled') {
    throw new ConflictError(`Task ${taskId} is ${row.status}: only a failed or cancelled task can be retried`);
  }
  const updated = await client.query<TaskRow>(
    `UPDATE ${t} SET status = 'open', resume_mode = 'resume', recoveries = 0, cancel_requested = false, claimed_by = NULL,
       lease_expires_at = NULL, completed_at = NULL, output = NULL, error = NULL, sealed_secrets = $2
     WHERE id = $1 RETURNING *`,
    [taskId, sealed === undefined ? null : JSON.stringify(sealed)],
  );
  await insertEvent(client, taskId, 'recovered', { message: RETRIED_MESSAGE, status: 'open', recoverStrategy: 'resume' });
  return toRecord(updated.rows[0]!);
}

/** `saveState()` inside its transaction: only the lease holder writes. */
export async function saveStateLocked(client: SqlClient, { t, ws }: RecoveryTables, update: TaskStateUpdate): Promise<boolean> {
  const { rows } = await client.query<{ id: string }>(
    `UPDATE ${t} SET state = $3 WHERE id = $1 AND claimed_by = $2 AND status = 'processing' RETURNING id`,
    [update.taskId, update.workerId, JSON.stringify(update.state)],
  );
  if (!rows[0]) return false;
  if (update.workspace === null) await client.query(`DELETE FROM ${ws} WHERE task_id = $1`, [update.taskId]);
  else if (update.workspace !== undefined) {
    await client.query(
      `INSERT INTO ${ws} (task_id, data) VALUES ($1, $2) ON CONFLICT (task_id) DO UPDATE SET data = EXCLUDED.data`,
      [update.taskId, Buffer.from(update.workspace)],
    );
  }
  return true;
}

/**
 * `resealSecrets()`: each replacement is written only if the row still holds the value it was
 * computed from (a task that ended meanwhile keeps no secrets).
 */
export async function resealAll(
  query: <R>(sql: string, params?: unknown[]) => Promise<{ rows: R[] }>,
  t: string,
  reseal: (sealed: SealedSecrets) => SealedSecrets | undefined,
): Promise<number> {
  const { rows } = await query<{ id: string; sealed_secrets: SealedSecrets }>(`SELECT id, sealed_secrets FROM ${t} WHERE sealed_secrets IS NOT NULL ORDER BY seq`);
  let count = 0;
  for (const row of rows) {
    const next = reseal(row.sealed_secrets);
    if (next === undefined) continue;
    const updated = await query<{ id: string }>(`UPDATE ${t} SET sealed_secrets = $2 WHERE id = $1 AND sealed_secrets = $3 RETURNING id`, [
      row.id,
      JSON.stringify(next),
      JSON.stringify(row.sealed_secrets),
    ]);
    if (updated.rows[0]) count++;
  }
  return count;
}
