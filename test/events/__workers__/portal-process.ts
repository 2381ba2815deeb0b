/*
 * One portal process of the cross-process events test: a catalog on a shared PostgreSQL
 * schema, in-memory search and scorecards (each process its own, as a replica would have), and
 * the PostgreSQL event bus between them. Prints `URL <url>` once it serves.
 *
 *   node --import tsx portal-process.ts <pgUrl> <catalogSchema> <eventsSchema> <consumer> <filesRoot>
 */
import { catalogPlugin, createCatalog, postgresStore } from '@portalkit/catalog';
import { CATALOG_TOPICS, catalogEntityUpsertedEvent } from '@portalkit/catalog-model';
import { createLogger, createPortal, createUrlReader, type PortalPlugin } from '@portalkit/core';
import { catalogCollator, searchPlugin } from '@portalkit/search';
import { defineScorecard, hasOwner, scorecardsPlugin } from '@portalkit/scorecards';
import { createPgEventBus } from '@portalkit/sql';

const [pgUrl, catalogSchema, eventsSchema, consumer, filesRoot] = process.argv.slice(2) as [string, string, string, string, string];
const logger = createLogger({ level: 'warn' });
const store = postgresStore({ connectionString: pgUrl, schema: catalogSchema });
const catalog = createCatalog({ store, rootDir: filesRoot });
const owned = defineScorecard({ id: 'owned', levels: [{ id: 'bronze', checks: [{ check: hasOwner(), weight: 1 }] }] });
const events = createPgEventBus({ connectionString: pgUrl, schema: eventsSchema, consumer, logger, pollIntervalMs: 200 });
// What this process heard on the bus, and when: the test tells a replayed or remote event
// from what a start-up rebuild would find anyway.
const heard: Array<{ entityRef: string; at: number }> = [];
const heardPlugin: PortalPlugin = {
  id: 'heard',
  start({ events: bus }) {
    bus.subscribe(CATALOG_TOPICS.entityUpserted, (payload) => {
      heard.push({ entityRef: catalogEntityUpsertedEvent.parse(payload).entityRef, at: Date.now() });
    });
  },
  handler: async () => Response.json(heard),
};
const portal = createPortal({
  logger,
  events,
  reader: createUrlReader({ file: { root: filesRoot } }),
  plugins: [
    catalogPlugin({ catalog }),
    searchPlugin({ collators: [catalogCollator({ getEntities: async () => (await catalog.getEntities()).items })] }),
    scorecardsPlugin({ catalog, scorecards: [owned] }),
    heardPlugin,
  ],
});
await portal.start();
const server = await portal.listen({ port: 0 });
process.stdout.write(`URL ${server.url}\n`);
const stop = async () => {
  await portal.stop();
  await store.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
