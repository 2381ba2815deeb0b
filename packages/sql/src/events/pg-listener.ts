import type { Pool, PoolClient } from 'pg';
import type { Logger } from '@portalkit/core';
import { quoteIdent } from '../client.js';

/**
 * A `LISTEN` held on one pooled connection, re-established with backoff when the connection
 * drops (the bus's periodic read covers the time in between, and a reconnect wakes it, since
 * notifications sent meanwhile are lost).
 *
 * @example
 * ```ts
 * const listener = listenForWakeUps(pool, 'portalkit_events_bus', () => poll(), logger);
 * await listener.ready;
 * await listener.close();
 * ```
 */
export interface WakeUpListener {
  /** Resolves once the first `LISTEN` is in place (or failed; the retries go on). */
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Listen on `channel` and call `onWake` for each notification and after each reconnect.
 * @example
 * ```ts
 * const listener = listenForWakeUps(pool, channel, wake, logger);
 * ```
 */
export function listenForWakeUps(pool: Pool, channel: string, onWake: () => void, logger: Logger): WakeUpListener {
  let closed = false;
  let conn: PoolClient | undefined;
  let retry: NodeJS.Timeout | undefined;
  let failures = 0;

  const onNotification = () => onWake();
  const drop = (error: Error) => {
    const lost = conn;
    conn = undefined;
    if (lost) {
      lost.off('notification', onNotification);
      lost.off('error', drop);
      lost.release(error);
    }
    if (closed) return;
    failures++;
    const delay = Math.min(30_000, 250 * 2 ** Math.min(failures, 7));
    logger.warn('event bus lost its LISTEN connection; reconnecting', { error, retryInMs: delay });
    retry = setTimeout(() => void connect(), delay);
    retry.unref?.();
  };

  const connect = async (): Promise<void> => {
    retry = undefined;
    if (closed) return;
    let fresh: PoolClient | undefined;
    try {
      fresh = await pool.connect();
      fresh.on('error', drop);
      conn = fresh;
      await fresh.query(`LISTEN ${quoteIdent(channel)}`);
      if (closed) return;
      fresh.on('notification', onNotification);
      failures = 0;
      onWake();
    } catch (error) {
      if (fresh && conn === fresh) drop(error as Error);
      else if (!closed) drop(error as Error);
    }
  };

  const ready = connect();
  return {
    ready,
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      await ready;
      const held = conn;
      conn = undefined;
      if (!held) return;
      held.off('notification', onNotification);
      try {
        await held.query(`UNLISTEN ${quoteIdent(channel)}`);
        held.off('error', drop);
        held.release();
      } catch (error) {
        held.off('error', drop);
        held.release(error as Error);
      }
    },
  };
}
