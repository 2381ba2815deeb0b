import { InputError } from '@portalkit/core';

/**
 * The shared event bus's timing and size knobs; every one has a default.
 * @example
 * ```ts
 * const timing: PgEventBusTiming = { pollIntervalMs: 500, retentionMs: 86_400_000 };
 * ```
 */
export interface PgEventBusTiming {
  /** Read the log at least this often, notifications or not. Default 1,000. */
  pollIntervalMs?: number;
  /** How long a reader waits at a missing id (a write in flight) before passing it. Default 2,000. */
  gapTimeoutMs?: number;
  /** How long a passed id is still looked for (a write that committed late). Default 10 minutes. */
  lateWindowMs?: number;
  /** How long the log keeps events for consumers that were away. Default 7 days. */
  retentionMs?: number;
  /** How often a process deletes events older than `retentionMs`. Default 1 hour. */
  cleanupIntervalMs?: number;
  /** Events read per batch. Default 500. */
  batchSize?: number;
  /** Events of different keys delivered at once. Default 16. */
  concurrency?: number;
  /** A payload longer than this (as JSON) is delivered only in its own process. Default 16 MiB. */
  maxPayloadBytes?: number;
}

const defaults: Required<PgEventBusTiming> = {
  pollIntervalMs: 1000,
  gapTimeoutMs: 2000,
  lateWindowMs: 600_000,
  retentionMs: 7 * 24 * 3600_000,
  cleanupIntervalMs: 3600_000,
  batchSize: 500,
  concurrency: 16,
  maxPayloadBytes: 16 * 1024 * 1024,
};

/**
 * The timing options with defaults, each checked to be a positive integer.
 * @example
 * ```ts
 * const { pollIntervalMs } = readPgEventBusTiming({ pollIntervalMs: 250 });
 * ```
 */
export function readPgEventBusTiming(options: PgEventBusTiming): Required<PgEventBusTiming> {
  const out = { ...defaults };
  for (const name of Object.keys(defaults) as Array<keyof PgEventBusTiming>) {
    const value = options[name];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0 || value > 2 ** 31 - 1) {
      throw new InputError(`createPgEventBus: ${name} must be a positive whole number below 2^31, got ${JSON.stringify(value)}`);
    }
    out[name] = value;
  }
  return out;
}
