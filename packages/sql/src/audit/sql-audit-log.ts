import { type AuditEvent, type AuditSink, InputError, auditEventSchema, redactCredentials, toStorableText } from '@portalkit/core';
import { type SqlClient, isValidSchemaName, quoteIdent } from '../client.js';
import { createMigrationGate } from '../migration-gate.js';
import { runSqlMigrations } from '../migrator.js';
import { auditMigrations, sha256Key } from './migrations.js';
import { storableMeta } from './storable.js';

/**
 * Options of {@link createSqlAuditLog}.
 *
 * @example
 * ```ts
 * const options: SqlAuditLogOptions = { sql: pgPoolClient(pool, { name: 'audit' }), schema: 'portalkit_audit' };
 * ```
 */
export interface SqlAuditLogOptions {
  sql: SqlClient;
  /** Default `portalkit_audit`; created when missing. */
  schema?: string;
  /** Default `audit_events` (letters, digits, `_`; at most 48). */
  tableName?: string;
}

/**
 * What {@link SqlAuditLog.query} selects; every given field must match. `action` is a name or a
 * prefix ending in `.*` (`catalog.location.*`).
 *
 * @example
 * ```ts
 * const filter: AuditQuery = { target: 'component:default/payments', since: '2026-01-01T00:00:00Z', limit: 50 };
 * ```
 */
export interface AuditQuery {
  /** The actor's subject (`user:default/jane`, a service name). */
  actor?: string;
  target?: string;
  action?: string;
  outcome?: AuditEvent['outcome'];
  /** Events at or after this time. */
  since?: string | Date;
  /** Events strictly older than the event with this id (paging backwards). */
  before?: string;
  /** Default 100, at most 1000. */
  limit?: number;
}

/**
 * A stored audit event with its id (ascending with insertion).
 *
 * @example
 * ```ts
 * const [latest]: StoredAuditEvent[] = await auditLog.query({ limit: 1 });
 * ```
 */
export type StoredAuditEvent = AuditEvent & { id: string };

/**
 * An audit table: a sink for PortalAuth and a query over what it recorded.
 *
 * @example
 * ```ts
 * const auth = createPortalAuth({ policy, audit: [createLoggerAuditSink(logger), auditLog.sink] });
 * const history = await auditLog.query({ actor: 'user:default/jane' });
 * ```
 */
export interface SqlAuditLog {
  /**
   * Stores one event (text made storable: NUL and lone surrogates removed; credentials in URLs
   * masked with `redactCredentials`, as `PortalAuth.audit` already does, for events given directly).
   */
  sink: AuditSink;
  /** Events matching `filter`, newest first. */
  query(filter?: AuditQuery): Promise<StoredAuditEvent[]>;
  /** Resolves once the table exists (migrations start at creation; calls wait for them). */
  migrate(): Promise<void>;
}

const defaultLimit = 100;
const maxLimit = 1000;

/**
 * An audit log in PostgreSQL or PGlite: one row per event, the event's fields as columns and
 * `meta` as jsonb, indexed by target, actor (by the SHA-256 of their text, so a
 * 10,000-character target is fine) and time. Migrated with the sql package's migrator, in
 * `schema`, once, even when several processes start together.
 *
 * @example
 * ```ts
 * const auditLog = createSqlAuditLog({ sql: pgliteClient(db) });
 * await auditLog.sink(event);
 * await auditLog.query({ target: 'location:3f…', action: 'catalog.location.*' });
 * ```
 */
export function createSqlAuditLog(options: SqlAuditLogOptions): SqlAuditLog {
  const schema = options.schema ?? 'portalkit_audit';
  const table = options.tableName ?? 'audit_events';
  if (!isValidSchemaName(schema)) throw new InputError(`createSqlAuditLog: invalid schema name ${JSON.stringify(schema)}`);
  if (!isValidSchemaName(table) || table.length > 48) {
    throw new InputError(`createSqlAuditLog: invalid table name ${JSON.stringify(table)} (letters, digits, _; at most 48)`);
  }
  if (typeof options.sql?.query !== 'function') throw new InputError('createSqlAuditLog: sql must be a SqlClient');
  const { sql } = options;
  const t = `${quoteIdent(schema)}.${quoteIdent(table)}`;
  const gate = createMigrationGate('createSqlAuditLog', () =>
    runSqlMigrations(sql, {
      name: 'audit',
      schema,
      migrations: auditMigrations(table),
      // One lock per schema (the default key), not per table: two audit tables in one schema
      // would otherwise race to create it.
      table: `${table}_migrations`,
    }),
  );

  const sink: AuditSink = async (input) => {
    const parsed = auditEventSchema.safeParse(input);
    if (!parsed.success) throw new InputError(`audit event: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const event = parsed.data;
    const time = new Date(event.time);
    if (Number.isNaN(time.getTime())) throw new InputError('audit event: time is not a date');
    await gate.ready();
    await sql.query(
      `INSERT INTO ${t} (time, plugin, action, actor_type, actor_subject, target, outcome, request_id, error, meta, target_key, actor_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, ${sha256Key('$6::text')}, ${sha256Key('$5::text')})`,
      [
        time.toISOString(),
        toStorableText(event.plugin),
        toStorableText(event.action),
        event.actor.type,
        toStorableText(event.actor.subject),
        toStorableText(redactCredentials(event.target)),
        event.outcome,
        event.requestId === undefined ? null : toStorableText(event.requestId),
        event.error === undefined ? null : toStorableText(redactCredentials(event.error)),
        storableMeta(redactCredentials(event.meta)),
      ],
    );
  };

  return {
    sink,
    migrate: () => gate.ready(),
    async query(filter = {}) {
      const { where, params } = whereClause(filter);
      const limit = checkLimit(filter.limit);
      await gate.ready();
      const { rows } = await sql.query<Row>(
        `SELECT id::text AS id, time, plugin, action, actor_type, actor_subject, target, outcome, request_id, error, meta
           FROM ${t} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
          ORDER BY time DESC, id DESC LIMIT ${limit}`,
        params,
      );
      return rows.map(toEvent);
    },
  };
}

interface Row {
  id: string;
  time: Date | string;
  plugin: string;
  action: string;
  actor_type: AuditEvent['actor']['type'];
  actor_subject: string;
  target: string;
  outcome: AuditEvent['outcome'];
  request_id: string | null;
  error: string | null;
  meta: Record<string, unknown> | string | null;
}

function whereClause(filter: AuditQuery): { where: string[]; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const text = (name: string, value: unknown): string => {
    if (typeof value !== 'string') throw new InputError(`audit query: ${name} must be a string`);
    return toStorableText(value);
  };
  if (filter.target !== undefined) {
    // Stored targets are masked: so is the one asked for, or a raw target would never match.
    const p = param(redactCredentials(text('target', filter.target)));
    where.push(`target_key = ${sha256Key(`${p}::text`)} AND target = ${p}::text`);
  }
  if (filter.actor !== undefined) {
    const p = param(text('actor', filter.actor));
    where.push(`actor_key = ${sha256Key(`${p}::text`)} AND actor_subject = ${p}::text`);
  }
  if (filter.action !== undefined) {
    const action = text('action', filter.action);
    where.push(action.endsWith('.*') ? `starts_with(action, ${param(action.slice(0, -1))}::text)` : `action = ${param(action)}::text`);
  }
  if (filter.outcome !== undefined) where.push(`outcome = ${param(text('outcome', filter.outcome))}::text`);
  if (filter.since !== undefined) {
    const since = new Date(filter.since);
    if (Number.isNaN(since.getTime())) throw new InputError('audit query: since is not a date');
    where.push(`time >= ${param(since.toISOString())}::timestamptz`);
  }
  if (filter.before !== undefined) {
    if (typeof filter.before !== 'string' || !/^[1-9]\d{0,17}$/.test(filter.before)) throw new InputError('audit query: before must be an event id');
    where.push(`id < ${param(filter.before)}::bigint`);
  }
  return { where, params };
}

function checkLimit(limit: number | undefined): number {
  if (limit === undefined) return defaultLimit;
  if (!Number.isInteger(limit) || limit < 1) throw new InputError('audit query: limit must be a positive integer');
  return Math.min(limit, maxLimit);
}

function toEvent(row: Row): StoredAuditEvent {
  const meta = typeof row.meta === 'string' ? (JSON.parse(row.meta) as Record<string, unknown>) : row.meta;
  return {
    id: row.id,
    time: new Date(row.time).toISOString(),
    plugin: row.plugin,
    action: row.action,
    actor: { type: row.actor_type, subject: row.actor_subject },
    target: row.target,
    outcome: row.outcome,
    ...(row.request_id !== null ? { requestId: row.request_id } : {}),
    ...(row.error !== null ? { error: row.error } : {}),
    ...(meta !== null ? { meta } : {}),
  };
}
