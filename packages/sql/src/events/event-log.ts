import type { SqlClient } from '../client.js';
import type { StoredEvent } from './event-cursor.js';

/** An event on its way into the log. */
export interface NewEvent {
  topic: string;
  key: string | null;
  payload: string;
}

/**
 * The shared bus's SQL: appending to the log, reading it back, and consumer positions. Each
 * append is one statement (rows and the wake-up `NOTIFY` together), so the rows and the
 * notification commit at once.
 *
 * @example
 * ```ts
 * const ids = await log.append([{ topic: 'ping', key: null, payload: '1' }]);
 * ```
 */
export interface EventLog {
  /** Insert events in order; resolves to their ids, in the same order. */
  append(events: readonly NewEvent[]): Promise<number[]>;
  /** Up to `limit` events after `afterId`, ascending, stopping once `maxBytes` of payload are read (at least one). */
  readAfter(afterId: number, limit: number, maxBytes: number): Promise<StoredEvent[]>;
  /** The events among `ids` that exist now. */
  readIds(ids: readonly number[]): Promise<StoredEvent[]>;
  /** The highest id in the log (0 when empty). */
  lastId(): Promise<number>;
  /** The lowest id a reader can still find: the oldest kept (retention deletes older ones), else the next to be drawn. */
  firstId(): Promise<number>;
  /** A named consumer's position, or null the first time it is seen. */
  loadPosition(consumer: string): Promise<number | null>;
  savePosition(consumer: string, position: number): Promise<void>;
  /** Delete events published more than `olderThanMs` ago; resolves to how many. */
  deleteOlderThan(olderThanMs: number): Promise<number>;
}

// Large payloads (whole entities) go in chunks, so no statement carries more than ~8 MB.
const MAX_CHUNK_ROWS = 1000;
const MAX_CHUNK_BYTES = 8 * 1024 * 1024;

const toEvent = (row: Record<string, unknown>): StoredEvent => ({
  id: Number(row.id),
  topic: String(row.topic),
  key: row.key === null || row.key === undefined ? null : String(row.key),
  origin: String(row.origin),
  payload: String(row.payload),
});

/**
 * Create the {@link EventLog} over `table` (quoted, schema-qualified) and `consumers`.
 * @example
 * ```ts
 * const log = createEventLog(sql, { events: '"bus".events', sequence: '"bus".events_id_seq', consumers: '"bus".event_consumers', channel: 'portalkit_events_bus', origin });
 * ```
 */
export function createEventLog(sql: SqlClient, names: { events: string; sequence: string; consumers: string; channel: string; origin: string }): EventLog {
  const { events, sequence, consumers, channel, origin } = names;
  const insertChunk = async (chunk: readonly NewEvent[]): Promise<number[]> => {
    // WITH ORDINALITY + ORDER BY: ids are drawn in the order given.
    const { rows } = await sql.query<{ id: string }>(
      `WITH ins AS (
         INSERT INTO ${events} (topic, key, origin, payload)
         SELECT u.topic, u.key, $4, u.payload
           FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS u(topic, key, payload, n)
          ORDER BY u.n
         RETURNING id)
       SELECT id FROM ins CROSS JOIN (SELECT pg_notify($5, '')) AS wake ORDER BY id`,
      [chunk.map((e) => e.topic), chunk.map((e) => e.key), chunk.map((e) => e.payload), origin, channel],
    );
    return rows.map((r) => Number(r.id));
  };
  return {
    async append(list) {
      const ids: number[] = [];
      let chunk: NewEvent[] = [];
      let bytes = 0;
      for (const event of list) {
        if (chunk.length >= MAX_CHUNK_ROWS || (chunk.length > 0 && bytes + event.payload.length > MAX_CHUNK_BYTES)) {
          ids.push(...(await insertChunk(chunk)));
          chunk = [];
          bytes = 0;
        }
        chunk.push(event);
        bytes += event.payload.length;
      }
      if (chunk.length) ids.push(...(await insertChunk(chunk)));
      return ids;
    },
    async readAfter(afterId, limit, maxBytes) {
      // A byte budget as well as a row limit: a batch of large payloads (whole entities) must not
      // hold hundreds of megabytes at once.
      const { rows } = await sql.query(
        `SELECT id, topic, key, origin, payload FROM (
           SELECT id, topic, key, origin, payload, sum(octet_length(payload)) OVER (ORDER BY id) - octet_length(payload) AS before
             FROM (SELECT * FROM ${events} WHERE id > $1 ORDER BY id LIMIT $2) AS page) AS sized
          WHERE before < $3 ORDER BY id`,
        [afterId, limit, maxBytes],
      );
      return rows.map(toEvent);
    },
    async readIds(ids) {
      if (ids.length === 0) return [];
      const { rows } = await sql.query(`SELECT id, topic, key, origin, payload FROM ${events} WHERE id = ANY($1::bigint[]) ORDER BY id`, [ids]);
      return rows.map(toEvent);
    },
    async lastId() {
      const { rows } = await sql.query<{ id: string | null }>(`SELECT max(id) AS id FROM ${events}`);
      return Number(rows[0]?.id ?? 0);
    },
    async firstId() {
      const { rows } = await sql.query<{ id: string }>(
        `SELECT COALESCE((SELECT min(id) FROM ${events}),
                         (SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM ${sequence})) AS id`,
      );
      return Number(rows[0]?.id ?? 1);
    },
    async loadPosition(consumer) {
      const { rows } = await sql.query<{ last_id: string }>(`SELECT last_id FROM ${consumers} WHERE name = $1`, [consumer]);
      return rows[0] ? Number(rows[0].last_id) : null;
    },
    async savePosition(consumer, position) {
      await sql.query(
        `INSERT INTO ${consumers} AS c (name, last_id) VALUES ($1, $2)
         ON CONFLICT (name) DO UPDATE SET last_id = GREATEST(c.last_id, EXCLUDED.last_id), updated_at = now()`,
        [consumer, position],
      );
    },
    async deleteOlderThan(olderThanMs) {
      const { rows } = await sql.query<{ n: string }>(
        `WITH gone AS (DELETE FROM ${events} WHERE published_at < now() - $1 * interval '1 millisecond' RETURNING 1) SELECT count(*) AS n FROM gone`,
        [Math.floor(olderThanMs)],
      );
      return Number(rows[0]?.n ?? 0);
    },
  };
}
