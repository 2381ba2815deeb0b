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
  const byTopic = new Map<string, Set<EventListener>>();
  return {
    subscribe(topic, listener) {
      let set = byTopic.get(topic);
      if (!set) byTopic.set(topic, (set = new Set()));
      // A listener subscribed twice is called twice, as with the in-process bus.
      const entry: EventListener = (payload, t) => listener(payload, t);
      set.add(entry);
      return () => {
        set.delete(entry);
        if (set.size === 0 && byTopic.get(topic) === set) byTopic.delete(topic);
      };
    },
    has: (topic) => (byTopic.get(topic)?.size ?? 0) > 0,
    async deliver(topic, payload) {
      const listeners = [...(byTopic.get(topic) ?? [])];
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
  };
}
