import type { PGlite } from '@electric-sql/pglite';
import type { Pool } from 'pg';
import type { SqlClient } from '@portalkit/catalog';

// The catalog's SqlClient contract, over PGlite and over a `pg` pool, so the embedded and the
// PostgreSQL scorecard store share every statement.

/** PGlite (or one of its transactions) as a {@link SqlClient}; PGlite nests no transactions. */
export function fromPglite(db: Pick<PGlite, 'query' | 'transaction'>): SqlClient {
  const run = async <R>(q: Pick<PGlite, 'query'>, text: string, params: readonly unknown[] = []) => ({
    rows: (await q.query<R>(text, [...params])).rows,
  });
  return {
    query: (text, params) => run(db, text, params),
    transaction: (fn) =>
      db.transaction((tx) => {
        const inner: SqlClient = { query: (text, params) => run(tx, text, params), transaction: (nested) => nested(inner) };
        return fn(inner);
      }),
  };
}

/** A `pg` pool as a {@link SqlClient}; a transaction holds one pooled connection. */
export function fromPgPool(pool: Pool): SqlClient {
  return {
    async query<R>(text: string, params: readonly unknown[] = []) {
      return { rows: (await pool.query(text, [...params])).rows as R[] };
    },
    async transaction(fn) {
      const conn = await pool.connect();
      const inner: SqlClient = {
        async query<R>(text: string, params: readonly unknown[] = []) {
          return { rows: (await conn.query(text, [...params])).rows as R[] };
        },
        transaction: (nested) => nested(inner),
      };
      let broken: Error | undefined;
      try {
        await conn.query('BEGIN');
        const result = await fn(inner);
        await conn.query('COMMIT');
        return result;
      } catch (error) {
        await conn.query('ROLLBACK').catch((rollbackError: Error) => {
          broken = rollbackError;
        });
        throw error;
      } finally {
        // A connection whose rollback failed is discarded, not returned to the pool.
        conn.release(broken);
      }
    },
  };
}
