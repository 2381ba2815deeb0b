import type { EventLog, NewEvent } from './event-log.js';
import type { KeyLanes } from './key-lanes.js';
import type { Subscribers } from './subscribers.js';

/**
 * What the bus's publishing side needs.
 * @example
 * ```ts
 * const publisher = createEventPublisher({ ready, log, lanes, subscribers, inflight, keyOf, maxPayloadBytes, onError });
 * ```
 */
export interface EventPublisherParts {
  ready: () => Promise<void>;
  log: EventLog;
  lanes: KeyLanes;
  subscribers: Subscribers;
  /** Ids appended here whose local delivery has not finished (the reader must not pass them). */
  inflight: Set<number>;
  keyOf: (topic: string, payload: unknown) => string | null;
  maxPayloadBytes: number;
  onError: (error: unknown, topic: string) => void;
}

/**
 * Publishing on the shared bus: append to the log first (so other processes hear it), then
 * deliver to this process's subscribers in the event's key lane. A payload that cannot be
 * stored (not JSON, too large) or a log that cannot be written is reported to `onError` and
 * still delivered here: the publisher's own process never misses its events.
 *
 * @example
 * ```ts
 * await publisher.publishAll([{ topic: 'catalog.entity.upserted', payload }]);
 * ```
 */
export interface EventPublisher {
  publishAll(events: ReadonlyArray<{ topic: string; payload: unknown }>): Promise<void>;
}

/**
 * Create the {@link EventPublisher}.
 * @example
 * ```ts
 * const { publishAll } = createEventPublisher(parts);
 * ```
 */
export function createEventPublisher(parts: EventPublisherParts): EventPublisher {
  const { log, lanes, subscribers, inflight, onError } = parts;

  const encode = (topic: string, payload: unknown): NewEvent | undefined => {
    try {
      const text = JSON.stringify(payload);
      if (text === undefined) throw new TypeError('the payload is not a JSON value');
      const bytes = Buffer.byteLength(text, 'utf8');
      if (bytes > parts.maxPayloadBytes) throw new RangeError(`the payload is ${bytes} bytes as JSON, above maxPayloadBytes ${parts.maxPayloadBytes}`);
      return { topic, key: parts.keyOf(topic, payload), payload: text };
    } catch (error) {
      onError(new Error(`event bus: not stored, so other processes will not hear this ${topic} event: ${(error as Error).message}`, { cause: error }), topic);
      return undefined;
    }
  };

  const append = async (encoded: NewEvent[], topics: string[]): Promise<number[] | undefined> => {
    try {
      await parts.ready();
      return await log.append(encoded);
    } catch (error) {
      for (const topic of new Set(topics)) onError(new Error(`event bus: could not store ${topic} events; other processes will not hear them`, { cause: error }), topic);
      return undefined;
    }
  };

  return {
    async publishAll(events) {
      if (events.length === 0) return;
      const encoded = events.map((e) => encode(e.topic, e.payload));
      const storable = encoded.filter((e): e is NewEvent => e !== undefined);
      const ids = storable.length ? await append(storable, storable.map((e) => e.topic)) : undefined;
      // Each event's id, or none (not stored): an unstored event has no place in the log's order.
      const idOf = new Map<number, number>();
      if (ids) {
        let i = 0;
        encoded.forEach((e, index) => {
          if (e) idOf.set(index, ids[i++]!);
        });
      }
      for (const id of idOf.values()) inflight.add(id);
      try {
        for (const [index, event] of events.entries()) {
          const id = idOf.get(index);
          const key = encoded[index]?.key ?? null;
          if (id === undefined) await subscribers.deliver(event.topic, event.payload);
          else await lanes.run(key, id, () => subscribers.deliver(event.topic, event.payload));
        }
      } finally {
        for (const id of idOf.values()) inflight.delete(id);
      }
    },
  };
}
