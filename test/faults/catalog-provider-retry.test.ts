import {
  CATALOG_TOPICS,
  type CatalogProviderStateChangedEvent,
  catalogProviderStateChangedEvent,
  createCatalog,
  type Entity,
  type EntityProvider,
  type EntityProviderConnection,
  type EntityProviderStatus,
} from '@portalkit/catalog';
import { createEventBus, type Logger } from '@portalkit/core';
import { afterEach, describe, expect, it, vi } from 'vitest';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

const component = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
});

/** A bus that keeps every provider state change, parsed with the catalog's own schema. */
function recordingBus() {
  const events = createEventBus();
  const changes: CatalogProviderStateChangedEvent[] = [];
  const waiters: Array<{ name: string; state: string; resolve: () => void }> = [];
  events.subscribe(CATALOG_TOPICS.providerStateChanged, (payload) => {
    const change = catalogProviderStateChangedEvent.parse(payload);
    changes.push(change);
    for (const w of waiters.filter((w) => w.name === change.name && w.state === change.state)) w.resolve();
  });
  /** Resolves when `name` enters `state` (or has already). */
  const reached = (name: string, state: string) =>
    changes.some((c) => c.name === name && c.state === state) ? Promise.resolve() : new Promise<void>((resolve) => void waiters.push({ name, state, resolve }));
  return { events, changes, reached };
}

const statusOf = async (catalog: ReturnType<typeof createCatalog>, name: string): Promise<EntityProviderStatus> =>
  (await catalog.getProviderStatuses()).find((s) => s.name === name)!;
const delayOf = (status: EntityProviderStatus) => Date.parse(status.nextAttemptAt!) - Date.parse(status.lastErrorAt!);

afterEach(() => {
  vi.useRealTimers();
});

describe('an entity provider whose connect fails', () => {
  it('is retried: twice failing, then ready with its entities, each state change published', async () => {
    const { events, changes, reached } = recordingBus();
    let calls = 0;
    const flaky: EntityProvider = {
      name: 'flaky',
      async connect(connection) {
        calls += 1;
        if (calls <= 2) throw new Error(`directory unreachable (attempt ${calls})`);
        await connection.applyMutation({ type: 'full', entities: [component('from-flaky')] });
      },
    };
    const catalog = createCatalog({ providers: [flaky], events, logger: silent, providerRetry: { initialDelayMs: 1, jitter: 0 } });
    await catalog.refresh();
    const first = await statusOf(catalog, 'flaky');
    expect(first).toMatchObject({ state: 'retrying', consecutiveFailures: 1, lastSuccessAt: null, lastError: { name: 'Error', message: 'directory unreachable (attempt 1)' } });

    await reached('flaky', 'ready');
    const ready = await statusOf(catalog, 'flaky');
    expect(ready).toMatchObject({ state: 'ready', consecutiveFailures: 0, nextAttemptAt: null, lastError: { message: 'directory unreachable (attempt 2)' } });
    expect(Date.parse(ready.lastSuccessAt!)).toBeGreaterThanOrEqual(Date.parse(ready.lastErrorAt!));
    expect(calls).toBe(3);
    expect((await catalog.getEntityByRef('component:default/from-flaky'))?.metadata.name).toBe('from-flaky');
    // Published once per state change, not once per failure.
    expect(changes.map((c) => [c.previousState, c.state])).toEqual([
      [null, 'connecting'],
      ['connecting', 'retrying'],
      ['retrying', 'ready'],
    ]);
    await catalog.stop();
  });

  it('that always fails backs off exponentially up to the cap, shows its last error, and the catalog serves the rest', async () => {
    vi.useFakeTimers();
    let calls = 0;
    const broken: EntityProvider = {
      name: 'broken',
      connect: async () => {
        calls += 1;
        throw new Error(`failure ${calls}`);
      },
    };
    const healthy: EntityProvider = { name: 'healthy', connect: (c) => c.applyMutation({ type: 'full', entities: [component('still-served')] }) };
    const catalog = createCatalog({
      providers: [broken, healthy],
      logger: silent,
      providerRetry: { initialDelayMs: 100, factor: 2, maxDelayMs: 1_000, jitter: 0 },
    });
    await catalog.refresh();
    const delays: number[] = [delayOf(await statusOf(catalog, 'broken'))];
    for (let i = 0; i < 5; i++) {
      await vi.advanceTimersByTimeAsync(delays.at(-1)!);
      delays.push(delayOf(await statusOf(catalog, 'broken')));
    }
    expect(delays).toEqual([100, 200, 400, 800, 1_000, 1_000]);
    expect(await statusOf(catalog, 'broken')).toMatchObject({ state: 'retrying', consecutiveFailures: 6, lastError: { message: 'failure 6' } });
    expect(await statusOf(catalog, 'healthy')).toMatchObject({ state: 'ready', consecutiveFailures: 0, lastError: null });
    expect((await catalog.getEntities()).items.map((e) => e.metadata.name)).toEqual(['still-served']);

    // stop() ends the retries: no attempt after it, however long the process lives.
    await catalog.stop();
    const after = calls;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toBe(after);
    expect((await statusOf(catalog, 'broken')).nextAttemptAt).toBeNull();
  });

  it('keeps delays within the jitter band, and gives up after maxAttempts (state failed)', async () => {
    vi.useFakeTimers();
    let calls = 0;
    const catalog = createCatalog({
      providers: [{ name: 'doomed', connect: () => Promise.reject(new Error(`no ${++calls}`)) }],
      logger: silent,
      providerRetry: { initialDelayMs: 1_000, factor: 3, jitter: 0.5, maxAttempts: 3 },
    });
    await catalog.refresh();
    const first = delayOf(await statusOf(catalog, 'doomed'));
    expect(first).toBeGreaterThanOrEqual(500);
    expect(first).toBeLessThanOrEqual(1_000);
    await vi.advanceTimersByTimeAsync(first);
    const second = delayOf(await statusOf(catalog, 'doomed'));
    expect(second).toBeGreaterThanOrEqual(1_500);
    expect(second).toBeLessThanOrEqual(3_000);
    await vi.advanceTimersByTimeAsync(second);
    expect(await statusOf(catalog, 'doomed')).toMatchObject({ state: 'failed', consecutiveFailures: 3, nextAttemptAt: null, lastError: { message: 'no 3' } });
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(calls).toBe(3);
    await catalog.stop();
  });

  it('that throws synchronously or never settles fails that attempt (a timeout), and stop() does not wait for it', async () => {
    vi.useFakeTimers();
    const thrown: EntityProvider = {
      name: 'sync-throw',
      connect() {
        throw new TypeError('cannot read the config');
      },
    };
    let hung = 0;
    const hanging: EntityProvider = {
      name: 'hanging',
      connect: () => {
        hung += 1;
        return new Promise<void>(() => {});
      },
    };
    const catalog = createCatalog({ providers: [thrown, hanging], logger: silent, providerRetry: { initialDelayMs: 10, timeoutMs: 50, jitter: 0 } });
    let refreshed = false;
    const refreshing = catalog.refresh().then(() => {
      refreshed = true;
    });
    await vi.advanceTimersByTimeAsync(49);
    // The first refresh waits for each provider's first attempt, bounded by the timeout.
    expect(refreshed).toBe(false);
    expect(await statusOf(catalog, 'hanging')).toMatchObject({ state: 'connecting' });
    await vi.advanceTimersByTimeAsync(1);
    await refreshing;
    expect(await statusOf(catalog, 'sync-throw')).toMatchObject({ state: 'retrying', lastError: { name: 'TypeError', message: 'cannot read the config' } });
    expect(await statusOf(catalog, 'hanging')).toMatchObject({
      state: 'retrying',
      consecutiveFailures: 1,
      lastError: { name: 'ServiceUnavailableError', message: 'hanging: connect did not settle within 50 ms' },
    });

    // The retry hangs too; stop() abandons it instead of waiting forever.
    await vi.advanceTimersByTimeAsync(10);
    expect(hung).toBe(2);
    await catalog.stop();
    expect(await statusOf(catalog, 'hanging')).toMatchObject({ state: 'retrying', consecutiveFailures: 1, nextAttemptAt: null });
  });

  it('never stops the catalog: a provider throwing non-Errors or whose messages hold credentials is reported masked', async () => {
    const providers: EntityProvider[] = [
      {
        name: 'leaky',
        connect: () => {
          throw new Error('GET https://bot:hunter2@ghe.example.com/api/v3/orgs?access_token=s3cr3tvalue failed; Authorization: Bearer ghp_abcdefghijklmnopqrstuvwxyz0123456789');
        },
      },
      { name: 'weird', connect: () => Promise.reject({ toString: () => 'boom' }) },
      { name: 'long', connect: () => Promise.reject(new Error('x'.repeat(100_000))) },
    ];
    const catalog = createCatalog({ providers, logger: silent, providerRetry: { initialDelayMs: 3_600_000 } });
    await catalog.refresh();
    const [leaky, weird, long] = await catalog.getProviderStatuses();
    const text = JSON.stringify(leaky);
    for (const secret of ['hunter2', 's3cr3tvalue', 'ghp_abcdefghijklmnop']) expect(text).not.toContain(secret);
    expect(leaky!.lastError!.message).toContain('https://***@ghe.example.com');
    expect(weird!.lastError).toEqual({ name: 'Error', message: 'a non-Error value was thrown (object)' });
    expect(long!.lastError!.message.length).toBeLessThanOrEqual(1_000);
    await catalog.stop();
  });

  it('rejects bad retry options, duplicate names and bad schedules when the catalog is created', () => {
    const p = (name: string): EntityProvider => ({ name, connect() {} });
    expect(() => createCatalog({ providers: [p('a'), p('a')] })).toThrow(/createCatalog: two providers are named "a"/);
    expect(() => createCatalog({ providerRetry: { initialDelayMs: 0 } })).toThrow(/createCatalog: providerRetry.initialDelayMs must be/);
    expect(() => createCatalog({ providerRetry: { jitter: 2 } })).toThrow(/providerRetry.jitter must be a number from 0 to 1/);
    expect(() => createCatalog({ providerRetry: { maxDelayMs: 2 ** 40 } })).toThrow(/providerRetry.maxDelayMs/);
    expect(() => createCatalog({ providerRetry: { maxAttempts: 1.5 } })).toThrow(/providerRetry.maxAttempts must be a positive integer/);
    expect(() => createCatalog({ providers: [{ ...p('s'), schedule: { frequencyMs: 1_000 } }] })).toThrow(/provider "s" has a schedule but no run\(\) function/);
    expect(() => createCatalog({ providers: [{ ...p('s'), run: async () => {}, schedule: { frequencyMs: Number.NaN } }] })).toThrow(/schedule.frequencyMs must be/);
  });
});

describe('a provider with a schedule', () => {
  it('is run every frequencyMs once connected; a failed run is retried with backoff, then it is ready again', async () => {
    vi.useFakeTimers();
    let connection: EntityProviderConnection | undefined;
    let runs = 0;
    let failNext = false;
    const scheduled: EntityProvider = {
      name: 'scheduled',
      schedule: { frequencyMs: 60_000 },
      connect(c) {
        connection = c;
      },
      async run() {
        runs += 1;
        if (failNext) {
          failNext = false;
          throw new Error('upstream 503');
        }
        await connection!.applyMutation({ type: 'full', entities: [component(`run-${runs}`)] });
      },
    };
    const catalog = createCatalog({ providers: [scheduled], logger: silent, providerRetry: { initialDelayMs: 1_000, jitter: 0 } });
    await catalog.refresh();
    const connected = await statusOf(catalog, 'scheduled');
    expect(connected.state).toBe('ready');
    expect(Date.parse(connected.nextAttemptAt!) - Date.parse(connected.lastSuccessAt!)).toBe(60_000);
    expect(runs).toBe(0);

    await vi.advanceTimersByTimeAsync(60_000);
    expect(runs).toBe(1);
    expect((await catalog.getEntities()).items.map((e) => e.metadata.name)).toEqual(['run-1']);

    failNext = true;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await statusOf(catalog, 'scheduled')).toMatchObject({ state: 'retrying', consecutiveFailures: 1, lastError: { message: 'upstream 503' } });
    expect(delayOf(await statusOf(catalog, 'scheduled'))).toBe(1_000);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(runs).toBe(3);
    expect(await statusOf(catalog, 'scheduled')).toMatchObject({ state: 'ready', consecutiveFailures: 0 });
    expect((await catalog.getEntities()).items.map((e) => e.metadata.name)).toEqual(['run-3']);

    // Stopped, nothing runs; started again, the schedule resumes.
    await catalog.stop();
    await vi.advanceTimersByTimeAsync(600_000);
    expect(runs).toBe(3);
    await catalog.start();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(runs).toBe(4);
    await catalog.stop();
  });
});
