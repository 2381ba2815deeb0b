import { InputError } from '@portalkit/core';

/** The longest delay a Node timer keeps; a longer one fires at once. */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * How the catalog retries an entity provider whose `connect` (or scheduled `run`) fails:
 * exponential backoff with jitter, a timeout per attempt, and an optional limit.
 *
 * @example
 * ```ts
 * const providerRetry: ProviderRetryOptions = { initialDelayMs: 5_000, maxDelayMs: 10 * 60_000, factor: 2, jitter: 0.2, timeoutMs: 15 * 60_000 };
 * const catalog = createCatalog({ providers, providerRetry });
 * ```
 */
export interface ProviderRetryOptions {
  /** Delay before the first retry. Default 1 s. */
  initialDelayMs?: number;
  /** Delays grow up to this. Default 5 min. */
  maxDelayMs?: number;
  /** Each further failure multiplies the delay by this (at least 1). Default 2. */
  factor?: number;
  /**
   * Up to this fraction of each delay is taken off at random (0 to 1), so many processes
   * restarted together do not retry in step. Default 0.2.
   */
  jitter?: number;
  /**
   * An attempt (a `connect`, or a scheduled `run` without its own `schedule.timeoutMs`) that has
   * not settled after this long counts as failed and is abandoned. Default 5 min.
   */
  timeoutMs?: number;
  /** Give up (state `failed`) after this many failures in a row. Default: never give up. */
  maxAttempts?: number;
}

/** The checked options, and the delay after `failures` failures in a row. */
export interface RetryPolicy {
  readonly timeoutMs: number;
  readonly maxAttempts: number;
  delayMs(failures: number): number;
}

/**
 * Check `options` (errors name `factory` and the key) and fill in the defaults.
 *
 * @example
 * ```ts
 * const policy = createRetryPolicy({ initialDelayMs: 100, jitter: 0 }, 'createCatalog');
 * policy.delayMs(3); // 400
 * ```
 */
export function createRetryPolicy(options: ProviderRetryOptions | undefined, factory: string, random: () => number = Math.random): RetryPolicy {
  if (options !== undefined && (options === null || typeof options !== 'object')) throw new InputError(`${factory}: providerRetry must be an object`);
  const given = options ?? {};
  const number = (key: keyof ProviderRetryOptions, fallback: number, check: (value: number) => boolean, what: string) => {
    const value = given[key] ?? fallback;
    if (typeof value !== 'number' || Number.isNaN(value) || !check(value)) {
      throw new InputError(`${factory}: providerRetry.${key} must be ${what}, got ${JSON.stringify(given[key])}`);
    }
    return value;
  };
  const delay = (value: number) => Number.isFinite(value) && value >= 1 && value <= MAX_TIMER_MS;
  const initialDelayMs = number('initialDelayMs', 1_000, delay, `a number of milliseconds from 1 to ${MAX_TIMER_MS}`);
  const maxDelayMs = number('maxDelayMs', Math.max(300_000, initialDelayMs), (v) => delay(v) && v >= initialDelayMs, `a number of milliseconds from initialDelayMs to ${MAX_TIMER_MS}`);
  const factor = number('factor', 2, (v) => Number.isFinite(v) && v >= 1, 'a number of at least 1');
  const jitter = number('jitter', 0.2, (v) => v >= 0 && v <= 1, 'a number from 0 to 1');
  const timeoutMs = number('timeoutMs', 300_000, delay, `a number of milliseconds from 1 to ${MAX_TIMER_MS}`);
  const maxAttempts = number('maxAttempts', Number.POSITIVE_INFINITY, (v) => v === Number.POSITIVE_INFINITY || (Number.isInteger(v) && v >= 1), 'a positive integer');
  return {
    timeoutMs,
    maxAttempts,
    delayMs(failures) {
      // Capped before multiplying on, so a long outage never overflows to Infinity.
      let base = initialDelayMs;
      for (let i = 1; i < failures && base < maxDelayMs; i++) base *= factor;
      return Math.max(1, Math.round(Math.min(base, maxDelayMs) * (1 - jitter * random())));
    },
  };
}
