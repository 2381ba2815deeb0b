/** One stored event as the bus reads it back. */
export interface StoredEvent {
  id: number;
  topic: string;
  key: string | null;
  origin: string;
  payload: string;
}

/**
 * Options of {@link createEventCursor}.
 * @example
 * ```ts
 * createEventCursor({ position: 0, gapTimeoutMs: 2000, lateWindowMs: 600_000, maxLateIds: 100_000 });
 * ```
 */
export interface EventCursorOptions {
  position: number;
  gapTimeoutMs: number;
  lateWindowMs: number;
  maxLateIds: number;
}

/**
 * Where a reader stands in the event log. Ids come from a sequence, so a missing id is a write
 * still in flight (it will commit) or one rolled back (it never will). The cursor waits at a
 * gap for `gapTimeoutMs`, then passes it and keeps its ids as "late" for `lateWindowMs`, so a
 * slow write that commits after all is still delivered once, out of order.
 *
 * @example
 * ```ts
 * const { deliver, next } = cursor.plan(rows, Date.now());
 * await deliverAll(deliver);
 * cursor.advance(next);
 * ```
 */
export interface EventCursor {
  /** Every id at or below it was delivered, skipped as someone else's, or passed as a gap. */
  position(): number;
  /** Of rows read after `position()` (ascending), those to deliver now and the position after them. */
  plan(rows: readonly StoredEvent[], now: number): { deliver: StoredEvent[]; next: number };
  advance(next: number): void;
  /** Ids passed as gaps and still awaited, oldest first (to look up on the next read). */
  lateIds(now: number): number[];
  /** A late id was found committed: deliver it and stop waiting for it. */
  settleLate(id: number): void;
  /** Lowest id that may still be delivered later (a late id), else `position() + 1`. */
  floor(): number;
}

/**
 * Create an {@link EventCursor} at `position`.
 * @example
 * ```ts
 * const cursor = createEventCursor({ position: lastId, gapTimeoutMs: 2000, lateWindowMs: 600_000, maxLateIds: 100_000 });
 * ```
 */
export function createEventCursor(options: EventCursorOptions): EventCursor {
  let position = options.position;
  let waiting: { at: number; since: number } | undefined;
  const late = new Map<number, number>();

  const passGap = (from: number, to: number, now: number) => {
    // A rolled-back batch leaves a wide gap; only the newest ids fit once the list is full.
    for (let id = Math.max(from, to - options.maxLateIds + 1); id <= to; id++) late.set(id, now);
    while (late.size > options.maxLateIds) late.delete(late.keys().next().value as number);
  };

  return {
    position: () => position,
    plan(rows, now) {
      const deliver: StoredEvent[] = [];
      let expected = position + 1;
      for (const row of rows) {
        if (row.id < expected) continue;
        if (row.id > expected) {
          if (waiting?.at !== expected) waiting = { at: expected, since: now };
          if (now - waiting.since < options.gapTimeoutMs) break;
          passGap(expected, row.id - 1, now);
          waiting = undefined;
        }
        deliver.push(row);
        expected = row.id + 1;
      }
      return { deliver, next: expected - 1 };
    },
    advance(next) {
      if (next > position) position = next;
      if (waiting && waiting.at <= position) waiting = undefined;
    },
    lateIds(now) {
      for (const [id, since] of late) {
        if (now - since > options.lateWindowMs) late.delete(id);
      }
      return [...late.keys()];
    },
    settleLate(id) {
      late.delete(id);
    },
    floor() {
      let lowest = position + 1;
      for (const id of late.keys()) if (id < lowest) lowest = id;
      return lowest;
    },
  };
}
