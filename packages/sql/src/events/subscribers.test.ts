import { describe, expect, it } from 'vitest';
import { createSubscribers } from './subscribers.js';

describe('the bus subscribers of one process', () => {
  it('calls a listener once per subscription, and an unsubscribe removes only its own', async () => {
    const errors: string[] = [];
    const subscribers = createSubscribers((error, topic) => void errors.push(`${topic}: ${(error as Error).message}`));
    const seen: unknown[] = [];
    const listener = (payload: unknown) => void seen.push(payload);
    const first = subscribers.subscribe('ping', listener);
    const second = subscribers.subscribe('ping', listener);
    subscribers.subscribe('ping', () => {
      throw new Error('broke');
    });
    await subscribers.deliver('ping', 1);
    expect(seen).toEqual([1, 1]);
    first();
    first();
    await subscribers.deliver('ping', 2);
    expect(seen).toEqual([1, 1, 2]);
    expect(subscribers.has('ping')).toBe(true);
    second();
    expect(errors).toEqual(['ping: broke', 'ping: broke']);
    expect(subscribers.has('other')).toBe(false);
  });

  it('has a topic only while it has subscribers', () => {
    const subscribers = createSubscribers(() => {});
    const off = subscribers.subscribe('ping', () => {});
    expect(subscribers.has('ping')).toBe(true);
    off();
    expect(subscribers.has('ping')).toBe(false);
  });
});
