import { EventEmitter } from 'eventemitter3';

/**
 * A typed publish/subscribe bus. `Topics` maps each topic name to its payload type.
 *
 * @example
 * ```ts
 * const events = createEventBus<{ 'catalog.entity.updated': { ref: string } }>();
 * const off = events.subscribe('catalog.entity.updated', (p) => console.log(p.ref));
 * await events.publish('catalog.entity.updated', { ref: 'component:default/a' });
 * off();
 * ```
 */
export interface EventBus<Topics extends Record<string, unknown> = Record<string, unknown>> {
  /** Deliver a payload to every subscriber of `topic`; resolves after async subscribers settle. */
  publish<T extends keyof Topics & string>(topic: T, payload: Topics[T]): Promise<void>;
  /** Subscribe to a topic; returns the unsubscribe function. */
  subscribe<T extends keyof Topics & string>(
    topic: T,
    listener: (payload: Topics[T], topic: T) => void | Promise<void>,
  ): () => void;
  /**
   * Publish several events in order, as one write where the bus stores them (a database-backed
   * bus inserts them in one statement); resolves after their subscribers settle. Optional:
   * callers fall back to one `publish` each (see {@link publishEach}).
   */
  publishAll?(events: ReadonlyArray<EventOf<Topics>>): Promise<void>;
  /**
   * Begin receiving events from outside this process (a shared bus catches up here on what it
   * missed). `createPortal` calls it after every plugin started, so the replay reaches their
   * subscribers. Absent on the in-process bus.
   */
  start?(): Promise<void>;
  /** Stop receiving and release connections; `createPortal` calls it before plugins stop. */
  stop?(): Promise<void>;
}

/**
 * One event of a bus whose topics are `Topics`: a topic and its payload.
 * @example
 * ```ts
 * const event: EventOf<{ ping: number }> = { topic: 'ping', payload: 1 };
 * ```
 */
export type EventOf<Topics extends Record<string, unknown>> = {
  [T in keyof Topics & string]: { topic: T; payload: Topics[T] };
}[keyof Topics & string];

/**
 * Publish `events` in order through `bus.publishAll` when the bus has it, else one `publish`
 * at a time.
 * @example
 * ```ts
 * await publishEach(events, [{ topic: 'catalog.entity.upserted', payload }]);
 * ```
 */
export async function publishEach<Topics extends Record<string, unknown>>(
  bus: Pick<EventBus<Topics>, 'publish' | 'publishAll'>,
  events: ReadonlyArray<EventOf<Topics>>,
): Promise<void> {
  if (events.length === 0) return;
  if (bus.publishAll) return bus.publishAll(events);
  for (const event of events) await bus.publish(event.topic, event.payload as never);
}

/**
 * Options of {@link createEventBus}.
 * @example
 * ```ts
 * createEventBus({ onError: (error, topic) => logger.error('subscriber failed', { topic, error }) });
 * ```
 */
export interface EventBusOptions {
  /** Called when a subscriber throws or rejects; subscriber errors never reach the publisher. */
  onError?: (error: unknown, topic: string) => void;
}

/**
 * Create an in-process {@link EventBus} backed by eventemitter3.
 * @example
 * ```ts
 * const bus = createEventBus<{ ping: number }>();
 * ```
 */
export function createEventBus<Topics extends Record<string, unknown> = Record<string, unknown>>(
  options: EventBusOptions = {},
): EventBus<Topics> {
  const emitter = new EventEmitter();
  const onError = options.onError ?? (() => {});
  return {
    async publish(topic, payload) {
      const listeners = emitter.listeners(topic) as Array<(p: unknown, t: string) => unknown>;
      await Promise.all(
        listeners.map(async (listener) => {
          try {
            await listener(payload, topic);
          } catch (error) {
            onError(error, topic);
          }
        }),
      );
    },
    subscribe(topic, listener) {
      emitter.on(topic, listener);
      return () => {
        emitter.off(topic, listener);
      };
    },
  };
}
