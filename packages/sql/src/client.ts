/**
 * The little a SQL store needs of a database connection. Both PGlite and a `pg` pool satisfy it
 * through a thin adapter, so the embedded and the PostgreSQL store share every migration and
 * query instead of copying them.
 *
 * @example
 * ```ts
 * const { rows } = await client.query<{ n: number }>('SELECT $1::int AS n', [1]);
 * await client.transaction(async (tx) => tx.query('DELETE FROM t WHERE id = $1', ['a']));
 * ```
 */
export interface SqlClient {
  /** Run one statement with `$1`-style parameters. */
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<{ rows: R[] }>;
  /**
   * Run `fn` on one connection inside `BEGIN`/`COMMIT`; a throw rolls everything back and is
   * rethrown. Inside `fn` use only `tx` (PGlite queues other queries until the transaction ends).
   */
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>;
}

/**
 * Quote a SQL identifier.
 * @example
 * ```ts
 * `SELECT * FROM ${quoteIdent(schema)}.results`;
 * ```
 */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

const schemaPattern = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Whether `name` is a schema name the stores accept (letters, digits, `_`; at most 63).
 * @example
 * ```ts
 * if (!isValidSchemaName(schema)) throw new InputError(`invalid schema name ${schema}`);
 * ```
 */
export function isValidSchemaName(name: unknown): name is string {
  return typeof name === 'string' && schemaPattern.test(name);
}
