import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { createLogger, type EventBus, InputError, type Logger } from '@portalkit/core';
import { quoteIdent } from '../client.js';
import { createMigrationGate } from '../migration-gate.js';
import { runSqlMigrations } from '../migrator.js';
import { pgPoolClient } from '../pg/client.js';
import { checkPgOptions, openPgPool, type PgConnectionOptions } from '../pg/open.js';
import { createEventLog } from './event-log.js';
import { createEventPublisher } from './event-publisher.js';
import { createEventReader } from './event-reader.js';
import { createKeyLanes } from './key-lanes.js';
import { eventBusMigrations } from './migrations.js';
import { listenForWakeUps, type WakeUpListener } from './pg-listener.js';
import { readPgEventBusTiming, type PgEventBusTiming } from './timing.js';
import { createSubscribers } from './subscribers.js';

/**
 * Options of {@link createPgEventBus}.
 * @example
 * ```ts
 * const options: PgEventBusOptions = { connectionString: process.env.DATABASE_URL, consumer: 'portal-1' };
 * ```
 */
export interface PgEventBusOptions extends PgConnectionOptions, PgEventBusTiming {
  /** Default `portalkit_events`; created and migrated on first use. */
  schema?: string;
  /**
   * This process's durable name. A named consumer's position is stored, so after a restart it
   * delivers what was published while it was down (as long as the log still keeps it). Give
   * each process its own name (two processes under one name share, and skip, each other's
   * events). Without a name a process hears what is published while it runs.
   */
  consumer?: string;
  /** Hears every subscriber failure and every event that could not be stored. Default: logged. */
  onError?: (error: unknown, topic: string) => void;
  logger?: Logger;
  /**
   * The ordering key of an event: events of one key are delivered one at a time and in order,
   * and an older one arriving after a newer one is dropped. Default: the payload's `entityRef`
   * (the catalog's topics), else none (such events keep their order among themselves).
   */
  keyOf?: (topic: string, payload: unknown) => string | null | undefined;
  /** Connections of a pool opened here (one holds the `LISTEN`). Default 4. */
  poolSize?: number;
}

/**
 * The PostgreSQL event bus, an {@link EventBus} with `start`/`stop`.
 * @example
 * ```ts
 * const bus: PgEventBus = createPgEventBus({ connectionString });
 * ```
 */
export interface PgEventBus extends EventBus<Record<string, unknown>> {
  publishAll(events: ReadonlyArray<{ topic: string; payload: unknown }>): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const defaultKey = (_topic: string, payload: unknown) => {
  const ref = (payload as { entityRef?: unknown } | null)?.entityRef;
  return typeof ref === 'string' && ref.length <= 1024 ? ref : null;
};

/**
 * An {@link EventBus} shared by every portal process on one PostgreSQL database: a publish is
 * appended to an event table and announced with `NOTIFY`; each process reads the table after
 * its position (on notification, and every `pollIntervalMs`) and delivers to its subscribers.
 * At least once: subscribers must be idempotent. Events of one entity arrive in order. The
 * publishing process delivers to its own subscribers at once, as the in-process bus does.
 *
 * @example
 * ```ts
 * const events = createPgEventBus({ connectionString: process.env.DATABASE_URL, consumer: process.env.HOSTNAME });
 * const portal = createPortal({ plugins, events }); // started after the plugins, stopped before
 * ```
 */
export function createPgEventBus(options: PgEventBusOptions): PgEventBus {
  const schema = checkPgOptions('createPgEventBus', options, 'portalkit_events');
  if (options.consumer !== undefined && (typeof options.consumer !== 'string' || !options.consumer || options.consumer.length > 200)) {
    throw new InputError('createPgEventBus: `consumer` must be a non-empty string of at most 200 characters');
  }
  const timing = readPgEventBusTiming(options);
  const logger = options.logger ?? createLogger();
  const onError = options.onError ?? ((error: unknown, topic: string) => logger.error('event subscriber failed', { topic, error }));
  const poolSize = options.poolSize ?? 4;
  // A connection attempt gives up (and the publish reports it) instead of hanging a commit.
  const { pool, close: closePool } = openPgPool(options, { max: poolSize, connectionTimeoutMillis: 10_000 }, 'createPgEventBus');
  const sql = pgPoolClient(pool, { name: 'createPgEventBus' });
  const gate = createMigrationGate('createPgEventBus', () => runSqlMigrations(sql, { name: 'events', schema, migrations: eventBusMigrations }));
  const origin = `${hostname()}:${process.pid}:${randomUUID()}`;
  // Channel names are identifiers (63 bytes at most); the schema name fits in 63 already.
  const channel = `pk_events_${schema}`.slice(0, 63);
  const log = createEventLog(sql, { events: `${quoteIdent(schema)}.events`, sequence: `${quoteIdent(schema)}.events_id_seq`, consumers: `${quoteIdent(schema)}.event_consumers`, channel, origin });
  const subscribers = createSubscribers(onError);
  const lanes = createKeyLanes();
  const inflight = new Set<number>();
  const keyOf = (topic: string, payload: unknown) => (options.keyOf ?? defaultKey)(topic, payload) ?? null;
  const publisher = createEventPublisher({ ready: gate.ready, log, lanes, subscribers, inflight, keyOf, maxPayloadBytes: timing.maxPayloadBytes, onError });
  const reader = createEventReader({ log, lanes, subscribers, inflight, origin, consumer: options.consumer, logger, onError, ...timing });

  let listener: WakeUpListener | undefined;
  let timers: NodeJS.Timeout[] = [];
  let state: 'new' | 'started' | 'stopped' = 'new';

  const cleanUp = async () => {
    try {
      const deleted = await log.deleteOlderThan(timing.retentionMs);
      if (deleted) logger.debug('event bus deleted old events', { deleted });
    } catch (error) {
      logger.warn('event bus could not delete old events', { error });
    }
  };

  return {
    publish: (topic, payload) => publisher.publishAll([{ topic, payload }]),
    publishAll: (events) => publisher.publishAll(events),
    subscribe: (topic, listener) => subscribers.subscribe(topic, listener as (payload: unknown, topic: string) => void),
    async start() {
      if (state !== 'new') throw new InputError(`createPgEventBus: start() on a bus that is ${state}`);
      state = 'started';
      await gate.ready();
      listener = listenForWakeUps(pool, channel, () => reader.wake(), logger);
      await listener.ready;
      await reader.catchUp();
      timers = [setInterval(() => reader.wake(), timing.pollIntervalMs), setInterval(() => void cleanUp(), timing.cleanupIntervalMs)];
      for (const timer of timers) timer.unref?.();
    },
    async stop() {
      if (state === 'stopped') return;
      state = 'stopped';
      for (const timer of timers) clearInterval(timer);
      await listener?.close();
      await reader.stop();
      if (await gate.close()) await closePool();
    },
  };
}
