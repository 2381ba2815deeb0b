import { randomUUID } from 'node:crypto';
import { ServiceUnavailableError } from '@portalkit/core';
import { createMigrationGate, quoteIdent } from '@portalkit/sql';
import type { SqlClient } from '@portalkit/sql';
import type { TaskEvent, TaskRecord } from '../../types.js';
import type { TaskStore } from '../taskStore.js';
import { holdable } from './filterSql.js';
import { listTasks } from './listTasks.js';
import { migrate } from './migrations.js';
import { toEvent, toRecord } from './rows.js';
import { recoverExpiredLocked, resealAll, retryLocked, saveStateLocked } from './recovery.js';
import type { EventRow, TaskRow } from './rows.js';

/** What {@link createSqlTaskStore} needs: a connection adapter, its schema and how to close it. */
export interface SqlTaskStoreOptions {
  /** The public factory's name, for errors (`postgresTaskStore`, `pgliteTaskStore`). */
  name: string;
  client: SqlClient;
  /** A valid schema name (checked by the factory). */
  schema: string;
  /** Release what the factory opened; called once by `close()`. */
  close(): Promise<void>;
}

type InsertEvent = (client: SqlClient, taskId: string, type: TaskEvent['type'], body: TaskEvent['body']) => Promise<TaskEvent>;

/**
 * `cancel()` inside its transaction: an open task is cancelled at once; a running one gets a
 * cancel request its worker sees on the next heartbeat; a finished one is returned as it is.
 */
async function cancelLocked(client: SqlClient, t: string, ws: string, insertEvent: InsertEvent, taskId: string, message: string): Promise<TaskRecord | undefined> {
  const { rows } = await client.query<TaskRow>(`SELECT * FROM ${t} WHERE id = $1 FOR UPDATE`, [taskId]);
  const row = rows[0];
  if (!row) return undefined;
  if (row.status === 'open') {
    const updated = await client.query<TaskRow>(
      `UPDATE ${t} SET status = 'cancelled', completed_at = now(), sealed_secrets = NULL WHERE id = $1 RETURNING *`,
      [taskId],
    );
    await client.query(`DELETE FROM ${ws} WHERE task_id = $1`, [taskId]);
    await insertEvent(client, taskId, 'cancelled', { message, status: 'cancelled' });
    await insertEvent(client, taskId, 'completion', { message: 'Run completed with status: cancelled', status: 'cancelled' });
    return toRecord(updated.rows[0]!);
  }
  if (row.status === 'processing' && !row.cancel_requested) {
    const updated = await client.query<TaskRow>(`UPDATE ${t} SET cancel_requested = true WHERE id = $1 RETURNING *`, [taskId]);
    await insertEvent(client, taskId, 'cancelled', { message, status: 'cancelled' });
    return toRecord(updated.rows[0]!);
  }
  return toRecord(row);
}

/**
 * The task store on SQL shared by {@link postgresTaskStore} and {@link pgliteTaskStore}: tasks are
 * claimed with `FOR UPDATE SKIP LOCKED` under a lease that workers extend by heartbeat;
 * `recoverExpired` requeues or fails tasks of crashed workers. Secrets are written only sealed.
 */
export function createSqlTaskStore(options: SqlTaskStoreOptions): TaskStore {
  const { name, client: db, schema: schemaName, close } = options;
  const s = quoteIdent(schemaName);
  const t = `${s}.tasks`;
  const ev = `${s}.task_events`;
  const ws = `${s}.task_workspaces`;

  // Migrates on first use; a failed start (database not up yet) is retried on the next call.
  const gate = createMigrationGate(name, () =>
    migrate(db, schemaName).catch((error: unknown) => {
      throw new ServiceUnavailableError(`${name}: could not prepare the database`, { cause: error });
    }),
  );

  const query = async <R>(sql: string, params: unknown[] = []) => {
    await gate.ready();
    return db.query<R>(sql, params);
  };

  const transaction = async <T>(fn: (client: SqlClient) => Promise<T>): Promise<T> => {
    await gate.ready();
    return db.transaction(fn);
  };

  const insertEvent = async (client: SqlClient, taskId: string, type: TaskEvent['type'], body: TaskEvent['body']) => {
    const { rows } = await client.query<EventRow>(
      `INSERT INTO ${ev} (task_id, type, body) VALUES ($1, $2, $3) RETURNING *`,
      [taskId, type, JSON.stringify(body)],
    );
    return toEvent(rows[0]!);
  };

  const tables = { t, ws, insertEvent };

  return {
    async createTask({ spec, createdBy, actionDecision, creator, sealedSecrets }) {
      // The id is fixed before a retry after a lost connection, and a retry of an insert that
      // did commit returns that row instead of creating the task twice.
      const { rows } = await query<TaskRow>(
        `INSERT INTO ${t} (id, spec, status, created_by, action_decision, creator, sealed_secrets) VALUES ($1, $2, 'open', $3, $4, $5, $6)
         ON CONFLICT (id) DO UPDATE SET id = EXCLUDED.id RETURNING *`,
        [
          randomUUID(),
          JSON.stringify(spec),
          createdBy ?? null,
          actionDecision === undefined ? null : JSON.stringify(actionDecision),
          creator === undefined ? null : JSON.stringify(creator),
          sealedSecrets === undefined ? null : JSON.stringify(sealedSecrets),
        ],
      );
      return toRecord(rows[0]!);
    },
    async claimTask({ workerId, leaseMs }) {
      const { rows } = await query<TaskRow>(
        `UPDATE ${t} SET status = 'processing', claimed_by = $1, last_heartbeat_at = now(),
           lease_expires_at = now() + $2 * interval '1 millisecond'
         WHERE id = (SELECT id FROM ${t} WHERE status = 'open' ORDER BY seq FOR UPDATE SKIP LOCKED LIMIT 1)
         RETURNING *`,
        [workerId, leaseMs],
      );
      return rows[0] ? toRecord(rows[0]) : undefined;
    },
    async heartbeat({ taskId, workerId, leaseMs }) {
      if (!holdable(taskId)) return { owned: false, cancelRequested: false };
      // A worker id no row holds owns nothing; the task's cancel flag is still reported.
      const { rows } = holdable(workerId)
        ? await query<{ cancel_requested: boolean }>(
            `UPDATE ${t} SET last_heartbeat_at = now(), lease_expires_at = now() + $3 * interval '1 millisecond'
             WHERE id = $1 AND claimed_by = $2 AND status = 'processing' RETURNING cancel_requested`,
            [taskId, workerId, leaseMs],
          )
        : { rows: [] };
      if (rows[0]) return { owned: true, cancelRequested: rows[0].cancel_requested };
      const current = await query<{ cancel_requested: boolean }>(`SELECT cancel_requested FROM ${t} WHERE id = $1`, [taskId]);
      return { owned: false, cancelRequested: current.rows[0]?.cancel_requested ?? false };
    },
    async completeTask({ taskId, workerId, status, output, error, message }) {
      if (!holdable(taskId)) return false;
      // A worker id no row holds owns no processing task; a worker never completes an open task
      // (one requeued by recovery is no longer its own); the host (no worker id) may.
      const foreign = workerId !== undefined && !holdable(workerId);
      return transaction(async (client) => {
        const { rows } = await client.query<{ id: string }>(
          `UPDATE ${t} SET status = $2, completed_at = now(), lease_expires_at = NULL, output = $3, error = $4, sealed_secrets = NULL
           WHERE id = $1 AND ((status = 'open' AND $5::text IS NULL AND NOT $6) OR (status = 'processing' AND NOT $6 AND ($5::text IS NULL OR claimed_by = $5)))
           RETURNING id`,
          [
            taskId,
            status,
            output === undefined ? null : JSON.stringify(output),
            error === undefined ? null : JSON.stringify(error),
            foreign ? null : (workerId ?? null),
            foreign,
          ],
        );
        if (!rows[0]) return false;
        // A failed task keeps its workspace snapshot for a retry; others never run again.
        if (status !== 'failed') await client.query(`DELETE FROM ${ws} WHERE task_id = $1`, [taskId]);
        await insertEvent(client, taskId, 'completion', {
          message,
          status,
          ...(output !== undefined ? { output } : {}),
          ...(error !== undefined ? { error } : {}),
        });
        return true;
      });
    },
    async appendEvent({ taskId, type, body }) {
      await gate.ready();
      return insertEvent(db, taskId, type, body);
    },
    async listEvents({ taskId, after = 0 }) {
      if (!holdable(taskId)) return [];
      const { rows } = await query<EventRow>(`SELECT * FROM ${ev} WHERE task_id = $1 AND id > $2 ORDER BY id`, [taskId, after]);
      return rows.map(toEvent);
    },
    async getTask(taskId) {
      if (!holdable(taskId)) return undefined;
      const { rows } = await query<TaskRow>(`SELECT * FROM ${t} WHERE id = $1`, [taskId]);
      return rows[0] ? toRecord(rows[0]) : undefined;
    },
    list: (options = {}) => listTasks(query, t, options),
    async cancel(taskId, message = 'Task cancelled') {
      if (!holdable(taskId)) return undefined;
      return transaction((client) => cancelLocked(client, t, ws, insertEvent, taskId, message));
    },
    recoverExpired: () => transaction((client) => recoverExpiredLocked(client, tables)),
    async saveState(update) {
      if (!holdable(update.taskId) || !holdable(update.workerId)) return false;
      return transaction((client) => saveStateLocked(client, tables, update));
    },
    async getWorkspace(taskId) {
      if (!holdable(taskId)) return undefined;
      const { rows } = await query<{ data: Buffer }>(`SELECT data FROM ${ws} WHERE task_id = $1`, [taskId]);
      return rows[0] ? new Uint8Array(rows[0].data) : undefined;
    },
    async retryTask({ taskId, sealedSecrets }) {
      if (!holdable(taskId)) return undefined;
      return transaction((client) => retryLocked(client, tables, taskId, sealedSecrets));
    },
    resealSecrets: (reseal) => resealAll(query, t, reseal),
    async close() {
      if (await gate.close()) await close();
    },
  };
}
