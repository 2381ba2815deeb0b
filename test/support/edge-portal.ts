import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { catalogPlugin, createCatalog, type Catalog } from '@portalkit/catalog';
import { createLogger, createPortal, memorySink, type Handler, type Portal, type PortalServer } from '@portalkit/core';
import { builtinActions, createAction, createScaffolder, scaffolderPlugin, type Scaffolder } from '@portalkit/scaffolder';
import { defineScorecard, hasOwner, scorecardsPlugin } from '@portalkit/scorecards';
import { catalogCollator, searchPlugin } from '@portalkit/search';
import { memoryPublisher, techdocsPlugin } from '@portalkit/techdocs';

/** The template every `templateRef` resolves to: one step that holds its task in `processing`. */
export const edgeTemplate = {
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: { name: 'hello' },
  spec: { steps: [{ id: 'hold', action: 'test:hold' }] },
};

/** Options of {@link EdgePortal.raw}. */
export interface RawOptions {
  method?: string;
  /** Extra header lines, each ending in CRLF. */
  headers?: Buffer;
}

/** A portal serving every package over memory stores, for tests of the shared HTTP edge. */
export interface EdgePortal {
  portal: Portal;
  server: PortalServer;
  /** Each plugin's own handler, by plugin id. */
  handlers: Record<string, Handler>;
  catalog: Catalog;
  scaffolder: Scaffolder;
  /** A task held in `processing` until `stop()`, so a cancel would show. */
  openTaskId: string;
  /** Everything an HTTP client could have changed. */
  state(): Promise<{ entities: string[]; locations: string[]; tasks: string[] }>;
  /** Send a request line byte for byte (fetch would normalise the path and refuse odd headers). */
  raw(target: string, options?: RawOptions): Promise<{ status: number; body: string }>;
  stop(): Promise<void>;
}

/**
 * Start catalog, scaffolder, search, scorecards and techdocs behind one portal, listening on a
 * loopback port. The catalog holds `component:default/a`; `./other.yaml` (component `b`) is a
 * file a request could register.
 */
export async function startEdgePortal(): Promise<EdgePortal> {
  const base = await mkdtemp(path.join(tmpdir(), 'pk-sec-edge-'));
  const component = (name: string) =>
    `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n`;
  await writeFile(path.join(base, 'catalog-info.yaml'), component('a'));
  await writeFile(path.join(base, 'other.yaml'), component('b'));
  const catalog = createCatalog({ rootDir: base });
  await catalog.addLocation({ type: 'file', target: './catalog-info.yaml' });

  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  const hold = createAction({
    id: 'test:hold',
    async handler(ctx) {
      await Promise.race([held, new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('cancelled'))))]);
    },
  });
  const scaffolder = createScaffolder({ actions: [...builtinActions(), hold], workingDirectory: path.join(base, 'work'), pollIntervalMs: 20 });
  const logger = createLogger({ sink: memorySink() });
  const plugins = [
    catalogPlugin({ catalog }),
    scaffolderPlugin({ scaffolder, getTemplate: async () => edgeTemplate }),
    searchPlugin({ collators: [catalogCollator({ getEntities: async () => (await catalog.getEntities()).items })] }),
    scorecardsPlugin({
      catalog,
      catalogScorecards: false,
      scorecards: [defineScorecard({ id: 'owned', title: 'Owned', levels: [{ id: 'ok', checks: [hasOwner()] }] })],
    }),
    techdocsPlugin({ publisher: memoryPublisher(), getEntity: () => undefined, logger }),
  ];
  const handlers = Object.fromEntries(plugins.map((plugin) => [plugin.id, plugin.handler!]));
  const portal = createPortal({ plugins, logger });
  await portal.start();
  const server = await portal.listen({ port: 0 });

  const created = await portal.request('/api/scaffolder/v2/tasks', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ templateRef: 'template:default/hello' }),
  });
  if (created.status !== 201) throw new Error(`could not start the held task: ${created.status} ${await created.text()}`);
  const openTaskId = ((await created.json()) as { id: string }).id;
  // Wait for the worker to pick it up, so its status only changes if it is cancelled.
  while ((await (await scaffolder.getTask(openTaskId))!.get()).status !== 'processing') {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }

  return {
    portal,
    server,
    handlers,
    catalog,
    scaffolder,
    openTaskId,
    async state() {
      const { tasks } = await scaffolder.listTasks();
      return {
        entities: (await catalog.getEntities()).items.map((e) => e.metadata.uid!).sort(),
        locations: (await catalog.getLocations()).map((l) => l.target).sort(),
        tasks: tasks.map((t) => `${t.id}:${t.status}`).sort(),
      };
    },
    async raw(target, options = {}) {
      const { hostname, port } = new URL(server.url);
      const head = Buffer.concat([
        Buffer.from(`${options.method ?? 'GET'} ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n`),
        options.headers ?? Buffer.alloc(0),
        Buffer.from('Content-Length: 2\r\n\r\n{}'),
      ]);
      const text = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), hostname, () => socket.end(head));
        let data = '';
        socket.on('data', (chunk) => (data += chunk.toString('latin1')));
        socket.on('close', () => resolve(data));
        socket.on('error', reject);
      });
      // The JSON error body, without any chunked-encoding framing around it.
      return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]), body: /\{[\s\S]*\}/.exec(text)?.[0] ?? '' };
    },
    async stop() {
      release();
      await portal.stop();
      await rm(base, { recursive: true, force: true });
    },
  };
}
