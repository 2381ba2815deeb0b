import { createEventBus } from '@portalkit/core';

/** A subscriber of the bus. */
export type EventListener = (payload: unknown, topic: string) => void | Promise<void>;

/**
 * This process's subscribers, by topic. `deliver` calls each, catching what they throw (a
 * failing subscriber never reaches the publisher, nor stops the others).
 *
 * @example
 * ```ts
 * const off = subscribers.subscribe('ping', (p) => console.log(p));
 * await subscribers.deliver('ping', 1);
 * ```
 */
export interface Subscribers {
  subscribe(topic: string, listener: EventListener): () => void;
  has(topic: string): boolean;
  deliver(topic: string, payload: unknown): Promise<void>;
}

/**
 * Create {@link Subscribers}; `onError` hears each subscriber failure.
 * @example
 * ```ts
 * const subscribers = createSubscribers((error, topic) => logger.error('subscriber failed', { topic, error }));
 * ```
 */
export function createSubscribers(onError: (error: unknown, topic: string) => void): Subscribers {
  // Delivery is core's in-process bus; this adds only the count `has` needs.
  const bus = createEventBus({ onError });
  const counts = new Map<string, number>();
  return {
    subscribe(topic, listener) {
      // A fresh function per call: a listener subscribed twice is called twice, and each
      // unsubscribe removes one of them.
      const off = bus.subscribe(topic, (payload, t) => listener(payload, t));
      counts.set(topic, (counts.get(topic) ?? 0) + 1);
      let subscribed = true;
      return () => {
        if (!subscribed) return;
        subscribed = false;
        off();
        const left = (counts.get(topic) ?? 1) - 1;
        if (left > 0) counts.set(topic, left);
        else counts.delete(topic);
      };
    },
    has: (topic) => counts.has(topic),
    deliver: (topic, payload) => bus.publish(topic, payload),
  };
}
