import { type Logger, mapLimit } from '@portalkit/core';
import { createEventCursor, type EventCursor, type StoredEvent } from './event-cursor.js';
import type { EventLog } from './event-log.js';
import type { KeyLanes } from './key-lanes.js';
import type { Subscribers } from './subscribers.js';

// Payload bytes read at most per batch (at least one event is read, whatever its size).
const BATCH_BYTES = 32 * 1024 * 1024;

/**
 * What the bus's reading side needs.
 * @example
 * ```ts
 * const reader = createEventReader({ log, lanes, subscribers, inflight, origin, consumer, logger, onError, ...timing });
 * ```
 */
export interface EventReaderParts {
  log: EventLog;
  lanes: KeyLanes;
  subscribers: Subscribers;
  inflight: ReadonlySet<number>;
  /** This bus's own rows are delivered when published, never again from the log. */
  origin: string;
  /** A named consumer's position is stored, so it resumes where it stopped. */
  consumer?: string;
  logger: Logger;
  onError: (error: unknown, topic: string) => void;
  batchSize: number;
  concurrency: number;
  gapTimeoutMs: number;
  lateWindowMs: number;
}

/**
 * Reads the log after its position and delivers what other processes published, a batch at a
 * time: each batch's events run in their key lanes (overlapping across keys), and the position
 * (stored for a named consumer) moves only once the whole batch was delivered, so a process
 * that dies mid-batch gets it again: at least once.
 *
 * @example
 * ```ts
 * await reader.catchUp(); // on start
 * reader.wake();          // on NOTIFY or timer
 * ```
 */
export interface EventReader {
  /** Set the starting position and deliver everything after it. */
  catchUp(): Promise<void>;
  /** Read again soon (coalesced: one read runs at a time, one more follows if woken meanwhile). */
  wake(): void;
  /** Wait for the read in progress; no new read starts. */
  stop(): Promise<void>;
}

/**
 * Create the {@link EventReader}.
 * @example
 * ```ts
 * const reader = createEventReader(parts);
 * ```
 */
export function createEventReader(parts: EventReaderParts): EventReader {
  const { log, lanes, subscribers, inflight, origin, consumer, logger } = parts;
  let cursor: EventCursor | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  const deliver = (row: StoredEvent) => {
    if (row.origin === origin || !subscribers.has(row.topic)) return Promise.resolve();
    return lanes
      .run(row.key, row.id, async () => {
        let payload: unknown;
        try {
          payload = JSON.parse(row.payload);
        } catch (error) {
          parts.onError(new Error(`event bus: event ${row.id} has a payload that is not JSON`, { cause: error }), row.topic);
          return;
        }
        await subscribers.deliver(row.topic, payload);
      })
      .then(() => undefined);
  };

  const readLate = async (at: EventCursor) => {
    const ids = at.lateIds(Date.now());
    if (ids.length === 0) return;
    const found = await log.readIds(ids);
    for (const row of found) at.settleLate(row.id);
    await mapLimit<StoredEvent, void>(found, parts.concurrency, deliver);
  };

  // One batch; resolves true when there may be more to read now.
  const readBatch = async (at: EventCursor): Promise<boolean> => {
    await readLate(at);
    const rows = await log.readAfter(at.position(), parts.batchSize, BATCH_BYTES);
    let { deliver: due, next } = at.plan(rows, Date.now());
    // Our own row still being delivered here: stop before it, so the stored position never
    // passes an event this process has not finished with.
    const mine = due.findIndex((row) => row.origin === origin && inflight.has(row.id));
    if (mine >= 0) {
      next = mine === 0 ? at.position() : due[mine - 1]!.id;
      due = due.slice(0, mine);
    }
    await mapLimit<StoredEvent, void>(due, parts.concurrency, deliver);
    const moved = next > at.position();
    at.advance(next);
    if (moved && consumer) await log.savePosition(consumer, at.position());
    // A loop, not Math.min(...inflight): one large commit can put 100k+ events in flight.
    let floor = at.floor();
    for (const id of inflight) if (id < floor) floor = id;
    lanes.prune(floor);
    // Read again while this read moved (a byte budget may have cut it short); an empty read ends.
    return moved;
  };

  const drain = async () => {
    do {
      again = false;
      if (!cursor || stopped) return;
      try {
        while (!stopped && (await readBatch(cursor)));
      } catch (error) {
        logger.warn('event bus could not read the event log; trying again on the next wake-up', { error });
        return;
      }
    } while (again && !stopped);
  };

  const start = async (): Promise<number> => {
    const last = await log.lastId();
    if (!consumer) return last;
    const stored = await log.loadPosition(consumer);
    // A new consumer starts at the end: it has nothing to catch up on.
    if (stored === null) {
      await log.savePosition(consumer, last);
      return last;
    }
    const first = await log.firstId();
    if (stored < first - 1) {
      logger.warn('event bus consumer was away longer than the log keeps events; some were missed (rebuild what depends on them)', {
        consumer,
        position: stored,
        oldestKept: first,
      });
    }
    return stored;
  };

  return {
    async catchUp() {
      cursor = createEventCursor({ position: await start(), gapTimeoutMs: parts.gapTimeoutMs, lateWindowMs: parts.lateWindowMs, maxLateIds: 100_000 });
      running = drain().finally(() => {
        running = undefined;
      });
      await running;
    },
    wake() {
      if (stopped || !cursor) return;
      if (running) {
        again = true;
        return;
      }
      running = drain().finally(() => {
        running = undefined;
      });
    },
    async stop() {
      stopped = true;
      await running;
    },
  };
}
