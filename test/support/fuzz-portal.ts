import { cp, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createEventBus, createLogger, createPortal } from '@portalkit/core';
import type { Portal } from '@portalkit/core';
import { catalogPlugin, createCatalog, createCatalogWebhookHandler, memoryStore, pgliteStore, postgresStore } from '@portalkit/catalog';
import { createIntegrations, webhookSecrets } from '@portalkit/integrations';
import type { CatalogStore } from '@portalkit/catalog';
import { builtinActions, createAction, createScaffolder, memoryTaskStore, postgresTaskStore, scaffolderPlugin } from '@portalkit/scaffolder';
import { memoryPublisher, techdocsPlugin } from '@portalkit/techdocs';
import { catalogCollator, memoryEngine, postgresEngine, searchPlugin } from '@portalkit/search';
import { memoryScorecardStore, pgliteScorecardStore, postgresScorecardStore, scorecardsPlugin } from '@portalkit/scorecards';
import { dropSchema, pgUrl, randomSchema } from './postgres.js';

export type StoreKind = 'memory' | 'pglite' | 'postgres';

/** Names of core's typed errors, the only ones an error response may carry. */
export const HTTP_ERROR_NAMES = [
  'InputError',
  'AuthenticationError',
  'NotAllowedError',
  'NotFoundError',
  'ConflictError',
  'NotModifiedError',
  'NotImplementedError',
  'ServiceUnavailableError',
  'PayloadTooLargeError',
  'UnsupportedMediaTypeError',
  'MethodNotAllowedError', // search's 405, Backstage's shape
];

/** A template whose one step holds its task in `processing` until the portal closes, so a cancel would show. */
const holdTemplate = {
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: { name: 'hold', namespace: 'default' },
  spec: { steps: [{ id: 'hold', action: 'test:hold' }] },
};

/** What a reader of the portal can see of stored data, to compare before and after a fuzz run. */
export interface PortalSnapshot {
  entities: string[];
  locations: string[];
  scorecards: unknown;
  tasks: string[];
}

export interface FuzzPortal {
  portal: Portal;
  /** Ids that exist only at run time (the held task), for requests to name. */
  known: string[];
  snapshot(): Promise<PortalSnapshot>;
  /** Write `bytes` to a socket on 127.0.0.1:`port` and collect the reply until the server closes it or 2 s pass. */
  send(port: number, bytes: Buffer): Promise<string>;
  close(): Promise<void>;
}

/**
 * Every package's plugin composed into one portal over one kind of store, seeded from the
 * catalog fixtures (copied to a temporary directory, so nothing a request does can touch them).
 */
export async function createFuzzPortal(kind: StoreKind, fixtures: string): Promise<FuzzPortal> {
  const tempDir = await mkdtemp(path.join(os.tmpdir(), 'portalkit-fuzz-'));
  const rootDir = path.join(tempDir, 'catalog');
  await cp(fixtures, rootDir, { recursive: true });
  const schema = randomSchema();
  const pool = kind === 'postgres' ? new pg.Pool({ connectionString: pgUrl, max: 6 }) : undefined;
  const stores = storesFor(kind, pool, schema);
  const logger = createLogger({ level: 'error' });
  const events = createEventBus<Record<string, unknown>>();
  const catalog = createCatalog({ rootDir, locations: [{ type: 'file', target: path.join(rootDir, 'all.yaml') }], store: stores.catalog, events, logger });
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  const hold = createAction({
    id: 'test:hold',
    handler: (ctx) =>
      Promise.race([held, new Promise<void>((_, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('cancelled'))))]),
  });
  const scaffolder = createScaffolder({
    actions: [...builtinActions({ catalog: { addLocation: (l, o) => catalog.addLocation(l, o), getEntityByRef: (r) => catalog.getEntityByRef(r) } }), hold],
    pollIntervalMs: 20,
    taskStore: stores.tasks,
    workingDirectory: path.join(tempDir, 'work'),
    logger,
  });
  const portal = createPortal({
    logger,
    events,
    plugins: [
      catalogPlugin({ catalog }),
      scaffolderPlugin({ scaffolder, getTemplate: async (ref) => (ref === 'template:default/hold' ? holdTemplate : await catalog.getEntityByRef(ref)) }),
      techdocsPlugin({ publisher: memoryPublisher(), getEntity: (ref) => catalog.getEntityByRef(ref), root: rootDir, workDir: path.join(tempDir, 'docs') }),
      searchPlugin({ engine: stores.search, collators: [catalogCollator({ getEntities: async () => (await catalog.getEntities()).items })] }),
      scorecardsPlugin({ catalog, store: stores.scorecards }),
      {
        id: 'webhooks',
        basePath: '/api/events/http',
        // The GitLab token is one of the values requests draw from, so some deliveries get past it.
        handler: createCatalogWebhookHandler({
          catalog,
          integrations: createIntegrations({}),
          secrets: [webhookSecrets({ type: 'github', host: 'github.com', secrets: ['fuzz-secret'] }), webhookSecrets({ type: 'gitlab', host: 'gitlab.com', secrets: ['team-a'] })],
          logger,
        }),
      },
    ],
  });
  await portal.start();
  const task = await scaffolder.run(holdTemplate);
  // Wait until the worker holds it, so its status changes only if a request cancels it.
  while ((await task.get()).status !== 'processing') await new Promise((resolve) => setTimeout(resolve, 10));

  return {
    portal,
    known: [task.id],
    async snapshot() {
      const { items } = await catalog.getEntities({ order: [{ field: 'metadata.uid', order: 'asc' }] });
      const scorecards = await (await portal.request('/api/scorecards/scorecards')).json();
      const { tasks } = await scaffolder.listTasks();
      return {
        entities: items.map((e) => `${e.kind}:${e.metadata.namespace}/${e.metadata.name} ${e.metadata.etag}`),
        locations: (await catalog.getLocations()).map((l) => `${l.type}:${l.target}`).sort(),
        scorecards,
        tasks: tasks.map((t) => `${t.id}:${t.status}`).sort(),
      };
    },
    send: sendRaw,
    async close() {
      try {
        release();
        await portal.stop();
        await stores.close();
      } finally {
        await pool?.end();
        if (kind === 'postgres') await dropSchemas(schema);
        await rm(tempDir, { recursive: true, force: true });
      }
    },
  };
}

function storesFor(kind: StoreKind, pool: pg.Pool | undefined, schema: string) {
  if (kind === 'memory') {
    return { catalog: memoryStore() as CatalogStore, tasks: memoryTaskStore(), search: memoryEngine(), scorecards: memoryScorecardStore(), close: async () => {} };
  }
  if (kind === 'pglite') {
    const catalog = pgliteStore();
    // Tasks and search have no PGlite store; they run in memory beside it. Scorecards close their store on stop.
    return { catalog, tasks: memoryTaskStore(), search: memoryEngine(), scorecards: pgliteScorecardStore(), close: () => catalog.close() };
  }
  const catalog = postgresStore({ pool, schema: `${schema}_catalog` });
  const tasks = postgresTaskStore({ pool, schema: `${schema}_tasks` });
  return {
    catalog,
    tasks,
    search: postgresEngine({ pool, schema: `${schema}_search` }),
    scorecards: postgresScorecardStore({ pool, schema: `${schema}_scorecards` }),
    close: async () => {
      await catalog.close();
      await tasks.close?.();
    },
  };
}

async function dropSchemas(schema: string): Promise<void> {
  for (const suffix of ['catalog', 'tasks', 'search', 'scorecards']) await dropSchema(`${schema}_${suffix}`);
}

function sendRaw(port: number, bytes: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = net.connect({ port, host: '127.0.0.1' });
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    };
    const timer = setTimeout(done, 2000);
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      // One response is enough: stop at the end of its head plus a little body.
      if (Buffer.concat(chunks).includes('\r\n\r\n')) setTimeout(done, 20);
    });
    socket.on('error', done);
    socket.on('close', done);
    socket.write(bytes);
  });
}
