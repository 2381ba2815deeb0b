import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import {
  type AuditEvent,
  InputError,
  type Principal,
  createLogger,
  createPortalAuth,
  hostPrincipal,
  memorySink,
} from '@portalkit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { type SqlClient, createSqlAuditLog, pgPoolClient, pgliteClient } from '../index.js';
import { dropSchema, pgUrl, postgresSkipReason, randomSchema } from '../../../../test/support/postgres.js';

const skip = await postgresSkipReason();

interface Target {
  client: SqlClient;
  schema: string;
  close(): Promise<void>;
}
const targets: Array<[string, () => Promise<Target>]> = [
  [
    'pglite',
    async () => {
      const db = new PGlite();
      return { client: pgliteClient(db), schema: 'portalkit_audit', close: () => db.close() };
    },
  ],
];
const schemas: string[] = [];
if (!skip) {
  targets.push([
    'postgres',
    async () => {
      const pool = new pg.Pool({ connectionString: pgUrl, max: 3 });
      const schema = randomSchema();
      schemas.push(schema);
      return { client: pgPoolClient(pool, { name: 'audit-test' }), schema, close: () => pool.end() };
    },
  ]);
}
afterAll(async () => {
  for (const schema of schemas) await dropSchema(schema);
});

const jane: Principal = {
  type: 'user',
  subject: 'user:default/jane',
  userEntityRef: 'user:default/jane',
  ownershipEntityRefs: ['user:default/jane'],
  claims: {},
};
const event = (overrides: Partial<AuditEvent> = {}): AuditEvent => ({
  time: '2026-12-07T10:00:00.000Z',
  plugin: 'catalog',
  action: 'catalog.location.create',
  actor: { type: 'user', subject: 'user:default/jane' },
  target: 'url:https://example.com/catalog-info.yaml',
  outcome: 'success',
  ...overrides,
});

describe.each(targets)('createSqlAuditLog on %s', (_name, open) => {
  const use = async (fn: (target: Target) => Promise<void>) => {
    const target = await open();
    try {
      await fn(target);
    } finally {
      await target.close();
    }
  };

  it('records what PortalAuth audits, queryable by actor, target, action, outcome, time, newest first', () =>
    use(async ({ client, schema }) => {
      const log = createSqlAuditLog({ sql: client, schema });
      const auth = createPortalAuth({ audit: log.sink });
      const request = new Request('http://portal.test/', { headers: { 'x-request-id': 'req-42' } });
      await auth.audit({
        plugin: 'catalog',
        action: 'catalog.location.create',
        target: 'url:https://example.com/a.yaml',
        outcome: 'success',
        principal: jane,
        request,
        meta: { type: 'url', dryRun: false, count: 2 },
      });
      await auth.audit({
        plugin: 'catalog',
        action: 'catalog.entity.delete',
        target: 'component:default/payments',
        outcome: 'denied',
        principal: jane,
        error: new Error('Not allowed: catalog.entity.delete'),
      });
      await auth.audit({ plugin: 'scaffolder', action: 'scaffolder.task.create', target: 'task:1', outcome: 'failure', principal: hostPrincipal() });

      const all = await log.query();
      expect(all.map((e) => e.action)).toEqual(['scaffolder.task.create', 'catalog.entity.delete', 'catalog.location.create']);
      expect(all[2]).toEqual({
        id: expect.stringMatching(/^\d+$/),
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        plugin: 'catalog',
        action: 'catalog.location.create',
        actor: { type: 'user', subject: 'user:default/jane' },
        target: 'url:https://example.com/a.yaml',
        outcome: 'success',
        requestId: 'req-42',
        meta: { type: 'url', dryRun: false, count: 2 },
      });
      expect(all[1]).toMatchObject({ outcome: 'denied', error: 'Error: Not allowed: catalog.entity.delete' });
      expect(all[1]).not.toHaveProperty('meta');
      expect(all[1]).not.toHaveProperty('requestId');

      expect((await log.query({ actor: 'user:default/jane' })).map((e) => e.target)).toEqual(['component:default/payments', 'url:https://example.com/a.yaml']);
      expect((await log.query({ actor: 'host' })).map((e) => e.target)).toEqual(['task:1']);
      expect((await log.query({ target: 'component:default/payments' })).map((e) => e.action)).toEqual(['catalog.entity.delete']);
      expect((await log.query({ action: 'catalog.*' })).map((e) => e.action)).toEqual(['catalog.entity.delete', 'catalog.location.create']);
      expect(await log.query({ action: 'catalog' })).toEqual([]);
      expect(await log.query({ action: 'catalog.location.*', outcome: 'denied' })).toEqual([]);
      expect((await log.query({ outcome: 'failure' })).map((e) => e.plugin)).toEqual(['scaffolder']);
      expect(await log.query({ target: 'component:default/%' })).toEqual([]);
      expect(await log.query({ since: new Date(Date.now() + 60_000) })).toEqual([]);
      expect(await log.query({ since: new Date(Date.now() - 60_000).toISOString() })).toHaveLength(3);
      const [newest] = await log.query({ limit: 1 });
      expect(newest?.action).toBe('scaffolder.task.create');
      expect((await log.query({ before: newest!.id })).map((e) => e.action)).toEqual(['catalog.entity.delete', 'catalog.location.create']);
    }));

  it('stores text with NUL bytes and lone surrogates, and very long targets, without crashing', () =>
    use(async ({ client, schema }) => {
      const log = createSqlAuditLog({ sql: client, schema });
      const target = 'component:default/a\u0000b\ud800c';
      await log.sink(
        event({
          target,
          actor: { type: 'user', subject: 'user:default/\u0000jane' },
          error: 'Error: bad\u0000 input \udc00',
          requestId: 'r\u0000',
          meta: { 'key\u0000': 'value\u0000\ud800', list: ['\u0000', 1, null], nested: { deep: '\u0000x' } },
        }),
      );
      const [stored] = await log.query({ target });
      expect(stored).toMatchObject({
        target: 'component:default/ab\ufffdc',
        actor: { subject: 'user:default/jane' },
        error: 'Error: bad input \ufffd',
        requestId: 'r',
        meta: { key: 'value\ufffd', list: ['', 1, null], nested: { deep: 'x' } },
      });
      expect(await log.query({ actor: 'user:default/\u0000jane' })).toHaveLength(1);

      const long = `url:https://example.com/${'x'.repeat(20_000)}`;
      await log.sink(event({ target: long }));
      expect((await log.query({ target: long }))[0]?.target).toBe(long);
    }));

  it('stores meta that JSON alone could not: bigints, cycles, dates, functions, deep and huge values', () =>
    use(async ({ client, schema }) => {
      const log = createSqlAuditLog({ sql: client, schema });
      const cyclic: Record<string, unknown> = { name: 'loop' };
      cyclic.self = cyclic;
      let deep: unknown = 'bottom';
      for (let i = 0; i < 100; i++) deep = { d: deep };
      const meta = {
        big: 10n ** 30n,
        cyclic,
        when: new Date('2026-01-02T03:04:05Z'),
        fn: () => 1,
        nan: Number.NaN,
        deep,
        __proto__key: JSON.parse('{"__proto__": {"polluted": true}}'),
      };
      await log.sink(event({ target: 'meta:1', meta }));
      const [stored] = await log.query({ target: 'meta:1' });
      expect(stored?.meta).toMatchObject({
        big: '1000000000000000000000000000000',
        cyclic: { name: 'loop', self: '[…]' },
        when: '2026-01-02T03:04:05.000Z',
        nan: null,
        __proto__key: { ['__proto__']: { polluted: true } },
      });
      expect(stored?.meta).not.toHaveProperty('fn');
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      await log.sink(event({ target: 'meta:2', meta: { blob: 'x'.repeat(200_000) } }));
      expect((await log.query({ target: 'meta:2' }))[0]?.meta).toEqual({ truncated: true, bytes: expect.any(Number) });
    }));

  it('never stores credentials from location URLs, whether the event comes through PortalAuth or straight to the sink', () =>
    use(async ({ client, schema }) => {
      const log = createSqlAuditLog({ sql: client, schema });
      const auth = createPortalAuth({ audit: log.sink });
      const raw = 'url:https://ci:hunter2@git.example.com/org/catalog-info.yaml?ref=main&token=tok-SECRET-1';
      await auth.audit({
        plugin: 'catalog',
        action: 'catalog.location.create',
        target: raw,
        outcome: 'failure',
        principal: jane,
        error: new Error('could not read https://ci:hunter2@git.example.com/org/catalog-info.yaml?token=tok-SECRET-1'),
        meta: { location: { type: 'url', target: raw.slice(4) }, also: [`${raw}&X-Amz-Signature=sig-SECRET-2`] },
      });
      await log.sink(event({ target: raw, error: `Error: ${raw}`, meta: { nested: { list: [raw, { sig: '?sig=sig-SECRET-3' }] } } }));
      const masked = 'url:https://***@git.example.com/org/catalog-info.yaml?ref=main&token=***';
      const stored = await log.query({ target: raw });
      expect(stored.map((e) => e.target)).toEqual([masked, masked]);
      expect(await log.query({ target: masked })).toHaveLength(2);
      // Newest first: the PortalAuth event is now, the direct one at event()'s fixed earlier time.
      expect(stored[1]?.meta).toEqual({ nested: { list: [masked, { sig: '?sig=***' }] } });
      expect(stored[0]?.error).toBe('Error: could not read https://***@git.example.com/org/catalog-info.yaml?token=***');
      expect(stored[0]?.meta).toEqual({ location: { type: 'url', target: masked.slice(4) }, also: [`${masked}&X-Amz-Signature=***`] });
      const { rows } = await client.query<Record<string, unknown>>(`SELECT * FROM ${schema}.audit_events`);
      expect(rows).toHaveLength(2);
      for (const secret of ['hunter2', 'tok-SECRET-1', 'sig-SECRET-2', 'sig-SECRET-3']) expect(JSON.stringify(rows)).not.toContain(secret);
    }));

  it('refuses a malformed event and a bad query with an InputError; PortalAuth logs a failing sink', () =>
    use(async ({ client, schema }) => {
      const log = createSqlAuditLog({ sql: client, schema });
      await expect(log.sink({ ...event(), outcome: 'maybe' } as never)).rejects.toThrow(InputError);
      await expect(log.sink(event({ time: 'yesterday' }))).rejects.toThrow(/time is not a date/);
      await expect(log.sink({ ...event(), actor: { type: 'root', subject: 'x' } } as never)).rejects.toThrow(InputError);
      for (const filter of [{ limit: 0 }, { limit: 1.5 }, { since: 'soon' }, { before: 'x' }, { before: '1; DROP TABLE x' }, { target: 1 }]) {
        await expect(log.query(filter as never), JSON.stringify(filter)).rejects.toThrow(InputError);
      }
      expect(await log.query({ limit: 10_000 })).toEqual([]);

      const logs = memorySink();
      const auth = createPortalAuth({ audit: [log.sink], logger: createLogger({ sink: logs }) });
      await auth.audit({ plugin: 'x', action: 'x.y', target: 't', outcome: 'success', principal: { ...jane, type: 'robot' as never } });
      expect(logs.records.map((r) => r.message)).toEqual(['audit sink failed']);
    }));

  it('migrates once per table, concurrently, keeps separate tables apart, and indexes target and actor', () =>
    use(async ({ client, schema }) => {
      const logs = [createSqlAuditLog({ sql: client, schema }), createSqlAuditLog({ sql: client, schema })];
      const other = createSqlAuditLog({ sql: client, schema, tableName: 'security_audit' });
      await Promise.all([...logs.map((l) => l.migrate()), other.migrate()]);
      await logs[0]!.sink(event({ target: 'one' }));
      await other.sink(event({ target: 'two' }));
      expect((await logs[1]!.query()).map((e) => e.target)).toEqual(['one']);
      expect((await other.query()).map((e) => e.target)).toEqual(['two']);
      const { rows } = await client.query<{ indexname: string }>('SELECT indexname FROM pg_indexes WHERE schemaname = $1 ORDER BY indexname', [schema]);
      expect(rows.map((r) => r.indexname)).toEqual(
        expect.arrayContaining(['audit_events_target_idx', 'audit_events_actor_idx', 'security_audit_target_idx', 'security_audit_actor_idx']),
      );
      const versions = await client.query<{ version: number }>(`SELECT version FROM "${schema}".audit_events_migrations`);
      expect(versions.rows.map((r) => Number(r.version))).toEqual([1]);
    }));
});

describe('createSqlAuditLog options', () => {
  it('refuses bad names, naming the factory', () => {
    const sql = pgliteClient(new PGlite());
    expect(() => createSqlAuditLog({ sql, schema: 'a;b' })).toThrow(/createSqlAuditLog: invalid schema name/);
    expect(() => createSqlAuditLog({ sql, tableName: 'x'.repeat(49) })).toThrow(/createSqlAuditLog: invalid table name/);
    expect(() => createSqlAuditLog({ sql, tableName: 'audit"; DROP' })).toThrow(InputError);
    expect(() => createSqlAuditLog({ sql: {} as SqlClient })).toThrow(/sql must be a SqlClient/);
  });
});
