import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger, createPortal, InputError, loadConfig, memorySink } from '@portalkit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { dropSchema, pgUrl, postgresSkipReason, randomSchema } from '../../../../test/support/postgres.js';
import { eventBusFromConfig } from './index.js';

const skip = await postgresSkipReason();
const dir = mkdtempSync(path.join(tmpdir(), 'pk-events-config-'));
const configFrom = async (yaml: string) => {
  writeFileSync(path.join(dir, 'app-config.yaml'), yaml);
  return loadConfig({ dir, files: ['app-config.yaml'], env: { DATABASE_URL: pgUrl } });
};

describe('eventBusFromConfig', () => {
  const schemas: string[] = [];
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    if (!skip) for (const schema of schemas) await dropSchema(schema);
  });

  it('gives the in-process bus without an events section or with store: memory', async () => {
    for (const bus of [eventBusFromConfig(await configFrom('app: {}\n')), eventBusFromConfig(await configFrom('events:\n  store: memory\n'))]) {
      expect(bus.start).toBeUndefined();
      const seen: unknown[] = [];
      bus.subscribe('ping', (p) => void seen.push(p));
      await bus.publish('ping', 1);
      expect(seen).toEqual([1]);
    }
  });

  it('loads a Backstage events section, reporting the keys it ignores with their line', async () => {
    const sink = memorySink();
    const config = await configFrom('events:\n  http:\n    topics: [github]\n  useEventBus: always\n');
    const bus = eventBusFromConfig(config, { logger: createLogger({ sink }) });
    expect(bus.start).toBeUndefined();
    expect(sink.records.map((r) => r.message)).toEqual([
      expect.stringMatching(/^app-config\.yaml:2: events\.http: ignored: portalkit has no HTTP event ingress/),
      expect.stringMatching(/^app-config\.yaml:4: events\.useEventBus: ignored: /),
    ]);
  });

  it('names the file and line of a bad key', async () => {
    const config = await configFrom('events:\n  store: postgres\n  consumer: a\n');
    expect(() => eventBusFromConfig(config)).toThrow(InputError);
    expect(() => eventBusFromConfig(config)).toThrow('app-config.yaml:1: events.connection: store: postgres needs a connection string');
    const typo = await configFrom('events:\n  store: postgres\n  connection: x\n  pollInterval: 5\n');
    expect(() => eventBusFromConfig(typo)).toThrow('app-config.yaml:1: events: Unrecognized key: "pollInterval"');
    const wrong = await configFrom('events:\n  store: kafka\n');
    expect(() => eventBusFromConfig(wrong)).toThrow(/^app-config\.yaml:2: events\.store: Invalid option/);
  });

  it.skipIf(skip)('store: postgres gives a bus the portal starts and stops, shared by two portals', async () => {
    const schema = randomSchema();
    schemas.push(schema);
    const config = await configFrom(`events:\n  store: postgres\n  connection: \${DATABASE_URL}\n  schema: ${schema}\n  pollIntervalMs: 100\n`);
    const heard: unknown[] = [];
    const listener = { id: 'listener', start: ({ events }: { events: { subscribe: (t: string, l: (p: unknown) => void) => void } }) => events.subscribe('ping', (p) => void heard.push(p)) };
    const a = createPortal({ config, plugins: [{ id: 'a' }], events: eventBusFromConfig(config) });
    const b = createPortal({ config, plugins: [listener], events: eventBusFromConfig(config) });
    const busA = eventBusFromConfig(config);
    await Promise.all([a.start(), b.start(), busA.start?.()]);
    try {
      await busA.publish('ping', { from: 'a' });
      for (let i = 0; i < 200 && heard.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(heard).toEqual([{ from: 'a' }]);
    } finally {
      await Promise.all([a.stop(), b.stop(), busA.stop?.()]);
    }
  });
});
