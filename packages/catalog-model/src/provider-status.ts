import { z } from 'zod';

/*
 * The status of one entity provider, as the catalog reports it through `getProviderStatuses()`,
 * `GET /api/catalog/providers` and the `catalog.provider.state-changed` event. One schema for
 * the three, owned here so a consumer (a dashboard, an alert) parses what the catalog sends.
 */

/**
 * Where a provider stands: `connecting` (its first attempt runs), `ready` (its last attempt
 * succeeded), `retrying` (its last attempt failed; another is scheduled at `nextAttemptAt`),
 * `failed` (it failed `maxAttempts` times in a row; the catalog gave up until it restarts).
 *
 * @example
 * ```ts
 * const state = entityProviderStateSchema.parse('retrying'); // 'retrying'
 * ```
 */
export const entityProviderStateSchema = z.enum(['connecting', 'ready', 'retrying', 'failed']);

/**
 * A provider's state (see {@link entityProviderStateSchema}).
 *
 * @example
 * ```ts
 * const state: EntityProviderState = 'ready';
 * ```
 */
export type EntityProviderState = z.infer<typeof entityProviderStateSchema>;

const isoTime = z.iso.datetime();

/**
 * One provider's status. Times are ISO 8601 strings (UTC) or `null` when it never happened.
 * `lastError` is the last failure's error `name` and a message with credentials masked; it stays
 * after a success, so a provider that recovered still shows what went wrong last.
 *
 * @example
 * ```ts
 * const status = entityProviderStatusSchema.parse(await (await fetch('/api/catalog/providers')).json().then((b) => b.items[0]));
 * if (status.state === 'retrying') console.log(`${status.name}: ${status.lastError?.message}`);
 * ```
 */
export const entityProviderStatusSchema = z.object({
  /** The provider's `name`. */
  name: z.string().min(1),
  state: entityProviderStateSchema,
  /** When an attempt (connect or scheduled run) last succeeded. */
  lastSuccessAt: isoTime.nullable(),
  /** When an attempt last failed (threw, rejected or timed out). */
  lastErrorAt: isoTime.nullable(),
  /** The last failure: its error's `name` and its message, credentials masked, at most 1,000 characters. */
  lastError: z.object({ name: z.string(), message: z.string() }).nullable(),
  /** Failures since the last success; 0 when the last attempt succeeded. */
  consecutiveFailures: z.number().int().nonnegative(),
  /** When the next attempt (a retry or the next scheduled run) is due; `null` when none is scheduled. */
  nextAttemptAt: isoTime.nullable(),
});

/**
 * One provider's status (inferred from {@link entityProviderStatusSchema}).
 *
 * @example
 * ```ts
 * const status: EntityProviderStatus = {
 *   name: 'ldap-org:corp', state: 'retrying', lastSuccessAt: null, lastErrorAt: '2026-01-01T00:00:00.000Z',
 *   lastError: { name: 'ServiceUnavailableError', message: 'ldaps://ds.example.net: connect ECONNREFUSED' },
 *   consecutiveFailures: 1, nextAttemptAt: '2026-01-01T00:00:01.000Z',
 * };
 * ```
 */
export type EntityProviderStatus = z.infer<typeof entityProviderStatusSchema>;
