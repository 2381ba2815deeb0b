import pg from 'pg';
import { createLogger, InputError, memorySink } from '@portalkit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { dropSchema, pgUrl, postgresSkipReason, randomSchema } from '../../../../test/support/postgres.js';
import { createPgEventBus, type PgEventBus, type PgEventBusOptions } from './index.js';

const skip = await postgresSkipReason();

async function eventually<T>(check: () => T | undefined | false, what: string, attempts = 150): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const value = check();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.skipIf(skip)(`the PostgreSQL event bus${skip ? ` (${skip})` : ''}`, () => {
  const schemas: string[] = [];
  const buses: PgEventBus[] = [];
  const fresh = () => {
    const schema = randomSchema();
    schemas.push(schema);
    return schema;
  };
  const bus = (schema: string, options: Partial<PgEventBusOptions> = {}) => {
    const created = createPgEventBus({ connectionString: pgUrl, schema, pollIntervalMs: 100, gapTimeoutMs: 300, ...options });
    buses.push(created);
    return created;
  };
  const record = (b: PgEventBus, topic: string) => {
    const seen: unknown[] = [];
    b.subscribe(topic, (payload) => void seen.push(payload));
    return seen;
  };

  afterAll(async () => {
    for (const b of buses) await b.stop();
    for (const schema of schemas) await dropSchema(schema);
  });

  it('delivers what one process publishes to another, and once to the publisher itself', async () => {
    const schema = fresh();
    const [a, b] = [bus(schema), bus(schema)];
    const seenA = record(a, 'ping');
    const seenB = record(b, 'ping');
    await Promise.all([a.start(), b.start()]);
    await a.publish('ping', { n: 1, text: 'nul \u0000 and emoji 🎉' });
    // The publisher's own subscribers have it when publish resolves, as on the in-process bus.
    expect(seenA).toEqual([{ n: 1, text: 'nul \u0000 and emoji 🎉' }]);
    await eventually(() => seenB.length === 1, 'b to hear a');
    expect(seenB).toEqual([{ n: 1, text: 'nul \u0000 and emoji 🎉' }]);
    await new Promise((r) => setTimeout(r, 300));
    expect(seenA).toHaveLength(1);
  });

  it('keeps the order of each entity’s events across 300 events of 7 entities', async () => {
    const schema = fresh();
    const [a, b] = [bus(schema), bus(schema)];
    const seen = record(b, 'catalog.entity.upserted');
    await Promise.all([a.start(), b.start()]);
    const events = Array.from({ length: 300 }, (_, i) => ({
      topic: 'catalog.entity.upserted',
      payload: { entityRef: `component:default/e${i % 7}`, version: i },
    }));
    await a.publishAll(events);
    await eventually(() => seen.length === 300, 'all 300 events');
    for (let k = 0; k < 7; k++) {
      const versions = (seen as Array<{ entityRef: string; version: number }>).filter((e) => e.entityRef === `component:default/e${k}`).map((e) => e.version);
      expect(versions).toEqual([...versions].sort((x, y) => x - y));
    }
  });

  it('reads large payloads in batches of bounded size, in order', async () => {
    const schema = fresh();
    const [a, b] = [bus(schema), bus(schema, { batchSize: 3 })];
    const seen = record(b, 'big');
    await Promise.all([a.start(), b.start()]);
    const big = 'x'.repeat(6 * 1024 * 1024);
    await a.publishAll(Array.from({ length: 7 }, (_, i) => ({ topic: 'big', payload: { i, big } })));
    await eventually(() => seen.length === 7, 'seven large events', 500);
    expect((seen as Array<{ i: number; big: string }>).map((e) => [e.i, e.big.length])).toEqual(Array.from({ length: 7 }, (_, i) => [i, big.length]));
  });

  it('a named consumer that was down catches up from the table when it starts', async () => {
    const schema = fresh();
    const a = bus(schema);
    await a.start();
    const first = bus(schema, { consumer: 'portal-b' });
    await first.start();
    await first.stop();
    await a.publish('ping', { n: 1 });
    await a.publishAll([{ topic: 'ping', payload: { n: 2 } }, { topic: 'other', payload: { n: 3 } }]);
    const again = bus(schema, { consumer: 'portal-b' });
    const seen = record(again, 'ping');
    await again.start();
    // start() resolves after the catch-up.
    expect(seen).toEqual([{ n: 1 }, { n: 2 }]);
    // An unnamed process hears only what is published while it runs.
    const unnamed = bus(schema);
    const none = record(unnamed, 'ping');
    await unnamed.start();
    expect(none).toEqual([]);
  });

  it('waits for a write still in flight, then delivers both, the late one once it commits', async () => {
    const schema = fresh();
    const [a, b] = [bus(schema), bus(schema)];
    const seen = record(b, 'ping');
    await Promise.all([a.start(), b.start()]);
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    try {
      await client.query('BEGIN');
      // Takes an id now and commits later: a slow publisher.
      await client.query(`INSERT INTO "${schema}".events (topic, key, origin, payload) VALUES ('ping', NULL, 'slow', '{"n":"slow"}')`);
      await a.publish('ping', { n: 'fast' });
      await new Promise((r) => setTimeout(r, 150));
      expect(seen).toEqual([]); // held at the gap
      await eventually(() => seen.length === 1, 'the gap to be passed');
      expect(seen).toEqual([{ n: 'fast' }]);
      await client.query('COMMIT');
      await eventually(() => seen.length === 2, 'the late event');
      expect(seen).toEqual([{ n: 'fast' }, { n: 'slow' }]);
    } finally {
      await client.end();
    }
  });

  it('a failing subscriber is reported and does not stop the others or the log', async () => {
    const schema = fresh();
    const sink = memorySink();
    const errors: string[] = [];
    const a = bus(schema);
    const b = bus(schema, { onError: (error, topic) => void errors.push(`${topic}: ${(error as Error).message}`), logger: createLogger({ sink }) });
    b.subscribe('ping', () => {
      throw new Error('subscriber broke');
    });
    const seen = record(b, 'ping');
    await Promise.all([a.start(), b.start()]);
    await a.publish('ping', 1);
    await a.publish('ping', 2);
    await eventually(() => seen.length === 2, 'both events');
    expect(errors).toEqual(['ping: subscriber broke', 'ping: subscriber broke']);
  });

  it('an event it cannot store is reported and still delivered in its own process', async () => {
    const schema = fresh();
    const errors: string[] = [];
    const a = bus(schema, { onError: (error) => void errors.push((error as Error).message), maxPayloadBytes: 100 });
    const b = bus(schema);
    const seenA = record(a, 'ping');
    const seenB = record(b, 'ping');
    await Promise.all([a.start(), b.start()]);
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await a.publishAll([
      { topic: 'ping', payload: circular },
      { topic: 'ping', payload: 'x'.repeat(200) },
      // 40 characters, 120 bytes: the limit counts bytes.
      { topic: 'ping', payload: '€'.repeat(40) },
      { topic: 'ping', payload: 10n },
      { topic: 'ping', payload: 'ok' },
    ]);
    expect(seenA).toHaveLength(5);
    expect(errors).toHaveLength(4);
    expect(errors.every((m) => m.includes('other processes will not hear'))).toBe(true);
    await eventually(() => seenB.length === 1, 'the storable event');
    expect(seenB).toEqual(['ok']);
  });

  it('a database that is down fails the store, not the publish', async () => {
    const errors: string[] = [];
    const a = createPgEventBus({ connectionString: 'postgres://postgres@127.0.0.1:1/none', onError: (error) => void errors.push((error as Error).message) });
    const seen: unknown[] = [];
    a.subscribe('ping', (p) => void seen.push(p));
    await a.publish('ping', 1);
    expect(seen).toEqual([1]);
    expect(errors[0]).toMatch(/could not store ping events/);
    await a.stop();
  });

  it('refuses bad options', () => {
    expect(() => createPgEventBus({ schema: 'x' } as never)).toThrow(InputError);
    expect(() => createPgEventBus({ connectionString: pgUrl, schema: 'a;drop' })).toThrow(/invalid schema name/);
    expect(() => createPgEventBus({ connectionString: pgUrl, consumer: '' })).toThrow(/consumer/);
    expect(() => createPgEventBus({ connectionString: pgUrl, pollIntervalMs: 0 })).toThrow(/pollIntervalMs/);
    expect(() => createPgEventBus({ connectionString: pgUrl, batchSize: 1.5 })).toThrow(/batchSize/);
  });

  it('deletes events older than the retention, and warns a consumer that was away longer', async () => {
    const schema = fresh();
    const a = bus(schema, { retentionMs: 1, cleanupIntervalMs: 50 });
    const gone = bus(schema, { consumer: 'away' });
    await gone.start();
    await gone.stop();
    await a.start();
    await a.publish('ping', 1);
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    try {
      for (let i = 0; i < 100; i++) {
        const { rows } = await client.query(`SELECT count(*)::int AS n FROM "${schema}".events`);
        if (rows[0].n === 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const { rows } = await client.query(`SELECT count(*)::int AS n FROM "${schema}".events`);
      expect(rows[0].n).toBe(0);
      await a.publish('ping', 2);
      await client.query(`DELETE FROM "${schema}".events`);
      await a.publish('ping', 3);
    } finally {
      await client.end();
    }
    const sink = memorySink();
    const back = bus(schema, { consumer: 'away', logger: createLogger({ sink }) });
    await back.start();
    expect(sink.records.some((r) => /away longer than the log keeps/.test(r.message))).toBe(true);
  });
});
