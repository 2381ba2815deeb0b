import { createMigrationGate, quoteIdent } from '@portalkit/sql';
import type { SqlClient } from '@portalkit/sql';
import type { ScorecardHistoryEntry, ScorecardResult, ScorecardStore } from '../../types.js';
import { historyEntryOf, outcomeChanged } from '../history.js';
import { checkHistoryQuery, checkLatestQuery, checkWrite } from '../validate.js';
import { migrate, sha256Key } from './migrations.js';

interface ResultRow {
  scorecard_id: string;
  entity_ref: string;
  owner_ref: string | null;
  evaluated_at: string;
  level: string | null;
  level_index: number;
  percentage: number;
  failing_checks: string[];
  checks: ScorecardResult['checks'];
  dependencies: string[];
}

interface HistoryRow {
  scorecard_id: string;
  entity_ref: string;
  recorded_at: string;
  level: string | null;
  level_index: number;
  percentage: number;
  failing_checks: string[];
}

const toResult = (row: ResultRow): ScorecardResult => ({
  scorecardId: row.scorecard_id,
  entityRef: row.entity_ref,
  ...(row.owner_ref !== null ? { ownerRef: row.owner_ref } : {}),
  evaluatedAt: row.evaluated_at,
  ...(row.level !== null ? { level: row.level } : {}),
  levelIndex: Number(row.level_index),
  percentage: Number(row.percentage),
  checks: row.checks,
  dependencies: row.dependencies,
});

const toHistory = (row: HistoryRow): ScorecardHistoryEntry => ({
  scorecardId: row.scorecard_id,
  entityRef: row.entity_ref,
  timestamp: row.recorded_at,
  ...(row.level !== null ? { level: row.level } : {}),
  levelIndex: Number(row.level_index),
  percentage: Number(row.percentage),
  failingChecks: row.failing_checks,
});

// Rows go to the database as one JSON parameter per chunk, unpacked with json_to_recordset.
const CHUNK = 1000;
const chunks = <T>(list: readonly T[]) => Array.from({ length: Math.ceil(list.length / CHUNK) }, (_, i) => list.slice(i * CHUNK, (i + 1) * CHUNK));

// Columns are compared by their indexed SHA-256 key, then by their text.
const sameRef = (column: string, key: string, param: string) => `${key} = ${sha256Key(`${param}::text`)} AND ${column} = ${param}::text`;
const anyRef = (column: string, key: string, param: string) =>
  `${key} = ANY(ARRAY(SELECT ${sha256Key('u')} FROM unnest(${param}::text[]) AS u)) AND ${column} = ANY(${param}::text[])`;
// A LIMIT PostgreSQL takes (bigint); Infinity means none.
const sqlLimit = (limit: number) => (Number.isFinite(limit) ? Math.min(Math.floor(limit), Number.MAX_SAFE_INTEGER) : null);

/**
 * The {@link ScorecardStore} over any {@link SqlClient}: the one implementation behind
 * `pgliteScorecardStore` and `postgresScorecardStore`. Each write is one transaction.
 */
export function createSqlScorecardStore(options: { name: string; client: SqlClient; schema: string; close: () => Promise<void> }): ScorecardStore {
  const { client, schema } = options;
  const s = quoteIdent(schema);
  const { ready, close: closeGate } = createMigrationGate(options.name, () => migrate(client, schema));

  return {
    async write(batch) {
      // Bad rows are refused before the transaction, so they cannot fail it for the others.
      const { put: puts, remove, rejected } = checkWrite(batch, options.name);
      await ready();
      await client.transaction(async (tx) => {
        const byCard = new Map<string, string[]>();
        for (const r of remove) {
          if (r.entityRef === undefined) await tx.query(`DELETE FROM ${s}.results WHERE ${sameRef('scorecard_id', 'scorecard_key', '$1')}`, [r.scorecardId]);
          else {
            let refs = byCard.get(r.scorecardId);
            if (!refs) byCard.set(r.scorecardId, (refs = []));
            refs.push(r.entityRef);
          }
        }
        for (const [scorecardId, refs] of byCard) {
          await tx.query(`DELETE FROM ${s}.results WHERE ${sameRef('scorecard_id', 'scorecard_key', '$1')} AND ${anyRef('entity_ref', 'entity_key', '$2')}`, [
            scorecardId,
            refs,
          ]);
        }
        for (const chunk of chunks(puts)) {
          const keys = JSON.stringify(chunk.map((r) => ({ scorecard_id: r.scorecardId, entity_ref: r.entityRef })));
          const { rows } = await tx.query<ResultRow>(
            `SELECT r.* FROM ${s}.results r JOIN json_to_recordset($1::json) AS k(scorecard_id text, entity_ref text)
               ON r.scorecard_key = ${sha256Key('k.scorecard_id')} AND r.entity_key = ${sha256Key('k.entity_ref')}
              AND r.scorecard_id = k.scorecard_id AND r.entity_ref = k.entity_ref`,
            [keys],
          );
          const previous = new Map(rows.map((row) => [`${row.scorecard_id}\u0000${row.entity_ref}`, toResult(row)]));
          const changed = chunk.filter((r) => outcomeChanged(previous.get(`${r.scorecardId}\u0000${r.entityRef}`), r)).map(historyEntryOf);
          await tx.query(
            `INSERT INTO ${s}.results (scorecard_id, entity_ref, owner_ref, evaluated_at, level, level_index, percentage, failing_checks, checks, dependencies,
                scorecard_key, entity_key, owner_key)
             SELECT x.scorecard_id, x.entity_ref, x.owner_ref, x.evaluated_at, x.level, x.level_index, x.percentage, x.failing_checks, x.checks, x.dependencies,
                ${sha256Key('x.scorecard_id')}, ${sha256Key('x.entity_ref')}, ${sha256Key('x.owner_ref')}
               FROM json_to_recordset($1::json) AS x(scorecard_id text, entity_ref text, owner_ref text, evaluated_at text, level text,
                    level_index integer, percentage double precision, failing_checks json, checks json, dependencies json)
             ON CONFLICT (scorecard_key, entity_key) DO UPDATE SET owner_ref = EXCLUDED.owner_ref, owner_key = EXCLUDED.owner_key, evaluated_at = EXCLUDED.evaluated_at,
               level = EXCLUDED.level, level_index = EXCLUDED.level_index, percentage = EXCLUDED.percentage,
               failing_checks = EXCLUDED.failing_checks, checks = EXCLUDED.checks, dependencies = EXCLUDED.dependencies`,
            [
              JSON.stringify(
                chunk.map((r) => ({
                  scorecard_id: r.scorecardId,
                  entity_ref: r.entityRef,
                  owner_ref: r.ownerRef ?? null,
                  evaluated_at: r.evaluatedAt,
                  level: r.level ?? null,
                  level_index: r.levelIndex,
                  percentage: r.percentage,
                  failing_checks: historyEntryOf(r).failingChecks,
                  checks: r.checks,
                  dependencies: r.dependencies,
                })),
              ),
            ],
          );
          if (changed.length) {
            await tx.query(
              `INSERT INTO ${s}.history (scorecard_id, entity_ref, recorded_at, level, level_index, percentage, failing_checks, scorecard_key, entity_key)
               SELECT x.scorecard_id, x.entity_ref, x.recorded_at, x.level, x.level_index, x.percentage, x.failing_checks,
                      ${sha256Key('x.scorecard_id')}, ${sha256Key('x.entity_ref')}
                 FROM json_to_recordset($1::json) AS x(scorecard_id text, entity_ref text, recorded_at text, level text,
                      level_index integer, percentage double precision, failing_checks json)`,
              [
                JSON.stringify(
                  changed.map((h) => ({
                    scorecard_id: h.scorecardId,
                    entity_ref: h.entityRef,
                    recorded_at: h.timestamp,
                    level: h.level ?? null,
                    level_index: h.levelIndex,
                    percentage: h.percentage,
                    failing_checks: h.failingChecks,
                  })),
                ),
              ],
            );
          }
        }
      });
      return { rejected };
    },

    async latest(query = {}) {
      checkLatestQuery(query, options.name);
      await ready();
      const where: string[] = [];
      const params: unknown[] = [];
      const add = (value: unknown) => {
        params.push(value);
        return `$${params.length}`;
      };
      if (query.scorecardId !== undefined) where.push(sameRef('scorecard_id', 'scorecard_key', add(query.scorecardId)));
      if (query.entityRefs) where.push(anyRef('entity_ref', 'entity_key', add([...query.entityRefs])));
      if (query.ownerRef !== undefined) where.push(sameRef('owner_ref', 'owner_key', add(query.ownerRef)));
      const order = query.order === 'worst' ? 'level_index, percentage, entity_ref, scorecard_id' : 'entity_ref, scorecard_id';
      const limit = query.limit !== undefined ? ` LIMIT ${add(sqlLimit(query.limit))}` : '';
      const { rows } = await client.query<ResultRow>(
        `SELECT * FROM ${s}.results${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order}${limit}`,
        params,
      );
      return rows.map(toResult);
    },

    async history(query) {
      checkHistoryQuery(query, options.name);
      await ready();
      const params: unknown[] = [query.entityRef];
      let sql = `SELECT * FROM ${s}.history WHERE ${sameRef('entity_ref', 'entity_key', '$1')}`;
      if (query.scorecardId !== undefined) {
        params.push(query.scorecardId);
        sql += ` AND ${sameRef('scorecard_id', 'scorecard_key', '$2')}`;
      }
      sql += ' ORDER BY recorded_at DESC, id DESC';
      if (query.limit !== undefined) {
        params.push(sqlLimit(query.limit));
        sql += ` LIMIT $${params.length}`;
      }
      const { rows } = await client.query<HistoryRow>(sql, params);
      return rows.map(toHistory);
    },

    async close() {
      if (await closeGate()) await options.close();
    },
  };
}
