import { InputError } from '@portalkit/core';
import type { EntityProvider, EntityProviderConnection, EntityProviderSchedule } from '../processing/provider.js';
import { MAX_TIMER_MS } from './retry-policy.js';

/**
 * What {@link createScheduledProvider} builds a provider from.
 *
 * @example
 * ```ts
 * const parts: ScheduledProviderParts<void> = {
 *   name: 'teams', factory: 'createTeamsProvider', beforeConnect: 'skip',
 *   schedule: { frequencyMs: 60 * 60_000 },
 *   read: async (connection) => connection.applyMutation({ type: 'full', entities: await loadTeams() }),
 * };
 * ```
 */
export interface ScheduledProviderParts<T> {
  name: string;
  /** Names the factory in option errors. */
  factory: string;
  /** When the catalog runs `read` again after connecting. */
  schedule?: EntityProviderSchedule | undefined;
  /** Read the source once and apply it through `connection`. */
  read(connection: EntityProviderConnection, signal: AbortSignal | undefined): Promise<T>;
  /**
   * `run()` before the catalog connected the provider: an `InputError`, or nothing to do
   * (resolves `undefined`; for providers whose `read` resolves `void`).
   */
  beforeConnect: 'throw' | 'skip';
}

/**
 * A provider built by {@link createScheduledProvider}.
 *
 * @example
 * ```ts
 * declare const provider: ScheduledProvider<void>;
 * await provider.run(); // read now, e.g. from a webhook
 * ```
 */
export interface ScheduledProvider<T> extends EntityProvider {
  run(options?: { signal?: AbortSignal }): Promise<T>;
  /** Stop the catalog's scheduled runs of this provider (the catalog's `stop()` stops them all). */
  close(): void;
}

/**
 * Check a provider's schedule: timer-sized numbers of milliseconds. Errors start with `where`.
 *
 * @example
 * ```ts
 * assertSchedule({ frequencyMs: 60_000 }, 'createGithubOrgProvider');
 * ```
 */
export function assertSchedule(schedule: unknown, where: string): asserts schedule is EntityProviderSchedule {
  const ms = (value: unknown) => typeof value === 'number' && Number.isFinite(value) && value >= 1 && value <= MAX_TIMER_MS;
  const given = schedule as Partial<EntityProviderSchedule> | null;
  if (!given || typeof given !== 'object' || !ms(given.frequencyMs)) {
    throw new InputError(`${where}: schedule.frequencyMs must be a number of milliseconds from 1 to ${MAX_TIMER_MS}`);
  }
  if (given.timeoutMs !== undefined && !ms(given.timeoutMs)) {
    throw new InputError(`${where}: schedule.timeoutMs must be a number of milliseconds from 1 to ${MAX_TIMER_MS}`);
  }
}

/**
 * The pattern the built-in providers share: `connect` keeps the connection and reads the source
 * once (a failure rejects, so the catalog retries it with backoff and shows it in the
 * provider's status); with a `schedule`, the catalog calls `run` on it; `run()` also reads on
 * demand. Timers, retries and status live in the catalog, not here.
 *
 * @example
 * ```ts
 * const provider = createScheduledProvider({
 *   name: 'teams', factory: 'createTeamsProvider', beforeConnect: 'skip', schedule: { frequencyMs: 3_600_000 },
 *   read: async (connection) => connection.applyMutation({ type: 'full', entities: await loadTeams() }),
 * });
 * const catalog = createCatalog({ providers: [provider] });
 * ```
 */
export function createScheduledProvider<T>(parts: ScheduledProviderParts<T>): ScheduledProvider<T> {
  if (parts.schedule !== undefined) assertSchedule(parts.schedule, parts.factory);
  const schedule = parts.schedule ? { ...parts.schedule } : undefined;
  let connection: EntityProviderConnection | undefined;
  let closed = false;
  const run = async (options?: { signal?: AbortSignal }) => {
    if (!connection) {
      if (parts.beforeConnect === 'skip') return undefined as T;
      throw new InputError(`${parts.name} is not connected to a catalog yet`);
    }
    return parts.read(connection, options?.signal);
  };
  return {
    name: parts.name,
    get schedule() {
      return closed ? undefined : schedule;
    },
    async connect(newConnection) {
      connection = newConnection;
      await run();
    },
    run,
    close() {
      closed = true;
    },
  };
}
