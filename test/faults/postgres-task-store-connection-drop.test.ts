import { postgresTaskStore, type TaskSpec } from '@portalkit/scaffolder';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { dropSchema, pgUrl, postgresSkipReason, randomSchema } from '../support/postgres.js';

const skip = await postgresSkipReason();
const spec: TaskSpec = {
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  parameters: {},
  steps: [],
  output: {},
  templateInfo: { entityRef: 'template:default/drop' },
};

(skip ? describe.skip : describe)(`PostgreSQL task store losing a connection mid-transaction${skip ? ` (${skip})` : ''}`, () => {
  const schema = randomSchema();
  const admin = new pg.Pool({ connectionString: pgUrl, max: 1 });
  afterAll(async () => {
    await admin.end();
    await dropSchema(schema);
  });

  /** Kill the backend of the pool's next transaction right after its BEGIN, while no statement is pending. */
  function dropNextTransaction(pool: pg.Pool): void {
    let armed = true;
    const connect = pool.connect.bind(pool);
    // pool.query() calls connect with a callback: only the promise form (transactions) is armed.
    (pool as { connect: (...args: unknown[]) => unknown }).connect = async (...args: unknown[]) => {
      if (args.length > 0) return (connect as (...a: unknown[]) => unknown)(...args);
      const client = await connect();
      if (!armed) return client;
      armed = false;
      const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
      let calls = 0;
      (client as { query: unknown }).query = async (...args: unknown[]) => {
        if (++calls === 2) {
          const closed = new Promise((resolve) => (client as unknown as { connection: NodeJS.EventEmitter }).connection.once('end', resolve));
          await admin.query('SELECT pg_terminate_backend($1)', [(client as unknown as { processID: number }).processID]);
          await closed;
        }
        return query(...args);
      };
      return client;
    };
  }

  it('fails the call (no process crash) and keeps serving on fresh connections', async () => {
    const pool = new pg.Pool({ connectionString: pgUrl, max: 2 });
    pool.on('error', () => {}); // the host's duty for idle connections of its own pool
    // No retries: the lost transaction's error reaches the caller.
    const store = postgresTaskStore({ pool, schema, connectionRetries: 0 });
    try {
      const task = await store.createTask({ spec });
      // The connection's 'error' event then has no query to reject.
      dropNextTransaction(pool);
      await expect(store.cancel(task.id)).rejects.toThrow();
      expect((await store.getTask(task.id))?.status).toBe('open');
      // The broken connection was discarded; the next transactions work.
      expect((await store.cancel(task.id))?.status).toBe('cancelled');
      expect((await store.listEvents({ taskId: task.id })).map((e) => e.type)).toEqual(['cancelled', 'completion']);
    } finally {
      await store.close?.();
      await pool.end();
    }
  });

  it('retries a transaction that lost its connection from its start, on a fresh connection (default retries)', async () => {
    const pool = new pg.Pool({ connectionString: pgUrl, max: 2 });
    pool.on('error', () => {});
    const store = postgresTaskStore({ pool, schema });
    try {
      const task = await store.createTask({ spec });
      dropNextTransaction(pool);
      expect((await store.cancel(task.id))?.status).toBe('cancelled');
      // Retried whole: the events of the lost attempt were rolled back, none is doubled.
      expect((await store.listEvents({ taskId: task.id })).map((e) => e.type)).toEqual(['cancelled', 'completion']);
    } finally {
      await store.close?.();
      await pool.end();
    }
  });
});
