import type { PGlite } from '@electric-sql/pglite';
import type { SqlClient } from '../client.js';

type Queryable = Pick<PGlite, 'query'>;

/**
 * PGlite as a {@link SqlClient}; PGlite has no nested transactions, so a transaction inside a
 * transaction runs in the outer one.
 *
 * @example
 * ```ts
 * const client = pgliteClient(new PGlite('./data'));
 * await client.query('SELECT 1');
 * ```
 */
export function pgliteClient(db: Pick<PGlite, 'query' | 'transaction'>): SqlClient {
  const wrap = (q: Queryable, transaction: SqlClient['transaction']): SqlClient => ({
    async query<R>(text: string, params: readonly unknown[] = []) {
      const result = await q.query<R>(text, [...params]);
      return { rows: result.rows };
    },
    transaction,
  });
  const root: SqlClient = wrap(db, (fn) =>
    db.transaction(async (tx) => {
      const inner: SqlClient = wrap(tx, (nested) => nested(inner));
      return fn(inner);
    }),
  );
  return root;
}
