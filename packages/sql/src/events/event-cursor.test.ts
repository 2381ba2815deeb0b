import { describe, expect, it } from 'vitest';
import { createEventCursor, type StoredEvent } from './event-cursor.js';

const row = (id: number): StoredEvent => ({ id, topic: 't', key: null, origin: 'o', payload: String(id) });
const ids = (rows: StoredEvent[]) => rows.map((r) => r.id);
const cursorAt = (position: number) => createEventCursor({ position, gapTimeoutMs: 1000, lateWindowMs: 5000, maxLateIds: 10 });

describe('event cursor', () => {
  it('delivers contiguous ids and moves past them', () => {
    const cursor = cursorAt(3);
    const { deliver, next } = cursor.plan([row(4), row(5), row(6)], 0);
    expect(ids(deliver)).toEqual([4, 5, 6]);
    expect(next).toBe(6);
    cursor.advance(next);
    expect(cursor.position()).toBe(6);
    expect(cursor.floor()).toBe(7);
  });

  it('waits at a missing id (a write in flight), then passes it and keeps looking for it', () => {
    const cursor = cursorAt(0);
    let plan = cursor.plan([row(1), row(3)], 0);
    expect(ids(plan.deliver)).toEqual([1]);
    cursor.advance(plan.next);
    // Still inside the gap timeout: 3 waits for 2.
    plan = cursor.plan([row(3)], 999);
    expect(ids(plan.deliver)).toEqual([]);
    expect(plan.next).toBe(1);
    // Timed out (measured from when the gap was first seen): 2 is passed and remembered.
    plan = cursor.plan([row(3), row(4)], 1001);
    expect(ids(plan.deliver)).toEqual([3, 4]);
    cursor.advance(plan.next);
    expect(cursor.lateIds(1001)).toEqual([2]);
    expect(cursor.floor()).toBe(2);
    cursor.settleLate(2);
    expect(cursor.lateIds(1002)).toEqual([]);
    expect(cursor.floor()).toBe(5);
  });

  it('forgets late ids after the late window, and keeps at most maxLateIds of a wide gap', () => {
    const cursor = cursorAt(0);
    cursor.plan([row(100)], 0);
    const plan = cursor.plan([row(100)], 2000);
    cursor.advance(plan.next);
    expect(cursor.lateIds(2000)).toEqual([90, 91, 92, 93, 94, 95, 96, 97, 98, 99]);
    expect(cursor.lateIds(8000)).toEqual([]);
  });

  it('restarts the wait when the gap moves (the write in flight committed, another is pending)', () => {
    const cursor = cursorAt(0);
    cursor.plan([row(2)], 0); // waiting at 1 since 0
    let plan = cursor.plan([row(1), row(3)], 900); // 1 arrived; now waiting at 2 since 900
    expect(ids(plan.deliver)).toEqual([1]);
    cursor.advance(plan.next);
    plan = cursor.plan([row(3)], 1500);
    expect(ids(plan.deliver)).toEqual([]);
    plan = cursor.plan([row(3)], 1901);
    expect(ids(plan.deliver)).toEqual([3]);
  });

  it('ignores rows at or below its position', () => {
    const cursor = cursorAt(5);
    expect(ids(cursor.plan([row(4), row(5), row(6)], 0).deliver)).toEqual([6]);
  });
});
