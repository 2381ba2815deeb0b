import type { SqlClient } from '@portalkit/sql';

/** One statement of a {@link runPipelined} batch. */
export interface SqlStatement {
  text: string;
  params: readonly unknown[];
}

/**
 * Run statements in order on one transaction's connection, building the next (pulling it from
 * `statements`, which serialises a chunk) while the server executes the one before: the driver
 * queues statements per connection, so at most two are outstanding and memory stays bounded.
 * The first failure is thrown once the statements already sent have settled (the transaction
 * then rolls back; later ones fail on the aborted transaction and are ignored).
 *
 * @example
 * ```ts
 * await runPipelined(tx, chunks.map((c) => ({ text: 'INSERT ... json_to_recordset($1::json) ...', params: [c.json] })));
 * ```
 */
export async function runPipelined(tx: SqlClient, statements: Iterable<SqlStatement>): Promise<void> {
  const pending: Promise<unknown>[] = [];
  try {
    for (const { text, params } of statements) {
      const sent = tx.query(text, params);
      // Awaited below; never an unhandled rejection meanwhile.
      sent.catch(() => {});
      pending.push(sent);
      if (pending.length > 1) await pending.shift();
    }
    while (pending.length) await pending.shift();
  } catch (error) {
    await Promise.allSettled(pending);
    throw error;
  }
}
