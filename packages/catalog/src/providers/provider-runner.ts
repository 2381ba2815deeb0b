import { CATALOG_TOPICS, type EntityProviderStatus } from '@portalkit/catalog-model';
import { type Logger, ServiceUnavailableError } from '@portalkit/core';
import { type EntityProvider, type EntityProviderConnection, providerName } from '../processing/provider.js';
import type { CatalogEventSink } from '../types.js';
import { describeProviderError } from './provider-error.js';
import type { RetryPolicy } from './retry-policy.js';

/** What {@link createProviderRunner} needs from the catalog. */
export interface ProviderRunnerOptions {
  providers: readonly EntityProvider[];
  /** The connection handed to a provider's `connect` (asked once per provider). */
  connectionFor(provider: EntityProvider): EntityProviderConnection;
  retry: RetryPolicy;
  logger: Logger;
  /** Where state changes are published; asked at each change (the portal's bus arrives with `start`). */
  events(): CatalogEventSink | undefined;
}

/** Connects, retries and schedules the catalog's entity providers; see {@link createProviderRunner}. */
export interface ProviderRunner {
  /** Connect every provider at once; resolves when each first attempt has settled. Never rejects. */
  start(): Promise<void>;
  /** Cancel retries and scheduled runs, abandon running attempts and wait for that. */
  stop(): Promise<void>;
  /** After `stop()`: retry providers that are not connected now, and schedule the next runs. */
  resume(): void;
  /** Each provider's status, in the order the providers were given. */
  statuses(): EntityProviderStatus[];
}

interface Slot {
  provider: EntityProvider;
  connection?: EntityProviderConnection;
  status: EntityProviderStatus;
  connected: boolean;
  timer?: ReturnType<typeof setTimeout>;
  attempt?: { promise: Promise<void>; controller: AbortController };
}

type Outcome = { ok: true } | { ok: false; error: unknown; stopped: boolean };

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Run `work` until it settles, `timeoutMs` passes or `controller` aborts (on stop), whichever is
 * first. A provider's promise that never settles is left behind; its late rejection is handled
 * here, so it never becomes an unhandled rejection.
 */
async function settle(work: (signal: AbortSignal) => unknown, controller: AbortController, timeoutMs: number, what: string): Promise<Outcome> {
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => {
      timedOut = true;
      const error = new ServiceUnavailableError(`${what} did not settle within ${timeoutMs} ms`);
      resolve({ ok: false, error, stopped: false });
      controller.abort(error);
    }, timeoutMs);
    timer.unref?.();
  });
  const aborted = new Promise<Outcome>((resolve) => {
    controller.signal.addEventListener('abort', () => resolve({ ok: false, error: controller.signal.reason, stopped: !timedOut }), { once: true });
  });
  // Called in a microtask, so a provider that throws synchronously rejects like any other.
  const run = Promise.resolve()
    .then(() => work(controller.signal))
    .then(
      (): Outcome => ({ ok: true }),
      (error: unknown): Outcome => ({ ok: false, error, stopped: false }),
    );
  try {
    return await Promise.race([run, timeout, aborted]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The one loop every entity provider runs in, built-in or custom. Each provider's `connect` is
 * tried at start; a failure (a throw, a rejection, or no answer within `retry.timeoutMs`) is
 * retried after `retry.delayMs(failures)` (exponential backoff with jitter) until it succeeds or
 * `retry.maxAttempts` is reached (state `failed`). Once connected, a provider with `schedule` and
 * `run` is run every `schedule.frequencyMs` after its last success, as the scheduler runs its
 * tasks: never two at once, the run's signal aborted on timeout and on stop; a failed run is
 * retried with the same backoff. Providers never wait on each other, and nothing a provider
 * does stops the catalog. Every change of a provider's state is published as
 * `catalog.provider.state-changed`.
 *
 * @example
 * ```ts
 * const runner = createProviderRunner({ providers, connectionFor, retry: createRetryPolicy({}, 'createCatalog'), logger, events: () => bus });
 * await runner.start();
 * runner.statuses(); // [{ name: 'ldap-org:corp', state: 'ready', ... }]
 * await runner.stop();
 * ```
 */
export function createProviderRunner(options: ProviderRunnerOptions): ProviderRunner {
  const { retry, logger } = options;
  const initial = (name: string): EntityProviderStatus => ({
    name,
    state: 'connecting',
    lastSuccessAt: null,
    lastErrorAt: null,
    lastError: null,
    consecutiveFailures: 0,
    nextAttemptAt: null,
  });
  const slots: Slot[] = options.providers.map((provider) => ({ provider, status: initial(providerName(provider) ?? '(unnamed)'), connected: false }));
  let started: Promise<void> | undefined;
  let stopped = false;

  const publish = (status: EntityProviderStatus, previousState: EntityProviderStatus['state'] | null) => {
    const events = options.events();
    if (!events) return;
    const payload = { ...status, previousState };
    // A failing bus (or subscriber) is logged; it never fails the provider's loop.
    Promise.resolve()
      .then(() => events.publish(CATALOG_TOPICS.providerStateChanged, payload))
      .catch((error: unknown) => logger.warn('could not publish a provider state change', { provider: status.name, error }));
  };

  const update = (slot: Slot, patch: Partial<EntityProviderStatus>) => {
    const previous = slot.status.state;
    slot.status = { ...slot.status, ...patch };
    if (slot.status.state !== previous) publish(slot.status, previous);
  };

  /** Set the timer of the next attempt; the caller puts the returned time in the status. */
  const arm = (slot: Slot, delayMs: number | undefined): string | null => {
    if (stopped || delayMs === undefined) return null;
    slot.timer = setTimeout(() => void attempt(slot), delayMs);
    slot.timer.unref?.();
    return iso(Date.now() + delayMs);
  };
  const scheduledRunDelay = (provider: EntityProvider) => (typeof provider.run === 'function' ? provider.schedule?.frequencyMs : undefined);

  const succeeded = (slot: Slot) => {
    slot.connected = true;
    if (slot.status.consecutiveFailures > 0) logger.info('entity provider recovered', { provider: slot.status.name, after: slot.status.consecutiveFailures });
    const nextAttemptAt = arm(slot, scheduledRunDelay(slot.provider));
    update(slot, { state: 'ready', lastSuccessAt: iso(Date.now()), consecutiveFailures: 0, nextAttemptAt });
  };

  const failed = (slot: Slot, error: unknown, connecting: boolean) => {
    const failures = slot.status.consecutiveFailures + 1;
    const gaveUp = failures >= retry.maxAttempts;
    const nextAttemptAt = arm(slot, gaveUp ? undefined : retry.delayMs(failures));
    update(slot, {
      state: gaveUp ? 'failed' : 'retrying',
      lastErrorAt: iso(Date.now()),
      lastError: describeProviderError(error),
      consecutiveFailures: failures,
      nextAttemptAt,
    });
    logger.error(gaveUp ? 'entity provider failed; giving up' : 'entity provider failed; will retry', {
      provider: slot.status.name,
      during: connecting ? 'connect' : 'run',
      consecutiveFailures: failures,
      nextAttemptAt,
      error,
    });
  };

  const attempt = (slot: Slot): Promise<void> => {
    slot.timer = undefined;
    const { provider } = slot;
    const connecting = !slot.connected;
    // The provider dropped its schedule since (e.g. `close()`): no more runs.
    if (!connecting && scheduledRunDelay(provider) === undefined) {
      slot.status = { ...slot.status, nextAttemptAt: null };
      return Promise.resolve();
    }
    const controller = new AbortController();
    const timeoutMs = connecting ? retry.timeoutMs : (provider.schedule?.timeoutMs ?? retry.timeoutMs);
    const work = connecting
      ? () => provider.connect((slot.connection ??= options.connectionFor(provider)))
      : (signal: AbortSignal) => provider.run?.({ signal });
    const promise = settle(work, controller, timeoutMs, `${slot.status.name}: ${connecting ? 'connect' : 'run'}`).then((outcome) => {
      slot.attempt = undefined;
      if (outcome.ok) succeeded(slot);
      // Abandoned by stop(): neither a success nor a failure.
      else if (!outcome.stopped) failed(slot, outcome.error, connecting);
    });
    slot.attempt = { promise, controller };
    return promise;
  };

  return {
    start() {
      started ??= Promise.all(
        slots.map((slot) => {
          publish(slot.status, null);
          return attempt(slot);
        }),
      ).then(() => undefined);
      return started;
    },

    async stop() {
      stopped = true;
      const running: Promise<void>[] = [];
      for (const slot of slots) {
        clearTimeout(slot.timer);
        slot.timer = undefined;
        slot.status = { ...slot.status, nextAttemptAt: null };
        if (slot.attempt) {
          slot.attempt.controller.abort(new ServiceUnavailableError('the catalog is stopping'));
          running.push(slot.attempt.promise);
        }
      }
      await Promise.all(running);
    },

    resume() {
      if (!stopped) return;
      stopped = false;
      if (!started) return;
      for (const slot of slots) {
        if (slot.attempt || slot.timer || slot.status.state === 'failed') continue;
        const nextAttemptAt = arm(slot, slot.connected ? scheduledRunDelay(slot.provider) : 0);
        slot.status = { ...slot.status, nextAttemptAt };
      }
    },

    statuses: () => slots.map((slot) => ({ ...slot.status, lastError: slot.status.lastError ? { ...slot.status.lastError } : null })),
  };
}
