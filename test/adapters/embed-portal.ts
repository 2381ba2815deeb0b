/**
 * The portal the framework embedding tests mount: a catalog over a temporary folder, a policy
 * that lets only the `writer` service token register locations (so an anonymous POST is a 403),
 * and a plugin whose route throws (so a 500 and its error can be checked). Failures reported to
 * the portal's and the adapter's `onError` are collected.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { catalogPlugin } from '@portalkit/catalog';
import { catalogEntityPermissionRules } from '@portalkit/catalog-model';
import {
  createPolicy,
  createPortal,
  createPortalAuth,
  createRouter,
  createStaticTokenIdentifier,
  memorySink,
  createLogger,
  type Portal,
} from '@portalkit/core';

export const WRITER_TOKEN = 'writer-token-8d1f0c2b7e4a9d35';

export interface EmbedPortal {
  portal: Portal;
  /** Errors the portal's `onError` was told about. */
  portalErrors: unknown[];
  /** Errors an adapter's `onError` was told about (pass `onError` to the adapter). */
  adapterErrors: unknown[];
  onError: (error: unknown) => void;
  close(): Promise<void>;
}

export async function createEmbedPortal(): Promise<EmbedPortal> {
  const root = mkdtempSync(path.join(tmpdir(), 'portalkit-embed-'));
  const component = (name: string) =>
    `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n`;
  writeFileSync(path.join(root, 'catalog-info.yaml'), component('storefront'));
  writeFileSync(path.join(root, 'more.yaml'), component('orders'));

  const policy = createPolicy({
    rules: [catalogEntityPermissionRules],
    statements: [
      { permission: ['catalog.location.create', 'catalog.entity.create'], principals: { types: ['service'] }, decision: 'allow' },
      { permission: 'catalog.location.create', decision: 'deny' },
    ],
    default: 'allow',
  });
  const identify = createStaticTokenIdentifier({ tokens: [{ token: WRITER_TOKEN, subject: 'writer' }] });
  const logger = createLogger({ sink: memorySink() });
  const boom = createRouter({ basePath: '/api/boom' }).get('/', () => {
    throw new Error('kaboom');
  });
  const portalErrors: unknown[] = [];
  const adapterErrors: unknown[] = [];
  const portal = createPortal({
    logger,
    auth: createPortalAuth({ identify, policy, logger }),
    plugins: [
      catalogPlugin({ rootDir: root, locations: [{ type: 'file', target: './catalog-info.yaml' }] }),
      { id: 'boom', handler: boom.handler },
      // Echoes the body it receives, to check that a body parsed by the framework comes back intact.
      {
        id: 'echo',
        handler: async (request) =>
          Response.json({
            contentType: request.headers.get('content-type'),
            contentLength: request.headers.get('content-length'),
            text: await request.text(),
          }),
      },
    ],
    onError: (error) => portalErrors.push(error),
  });
  await portal.start();
  return {
    portal,
    portalErrors,
    adapterErrors,
    onError: (error) => adapterErrors.push(error),
    async close() {
      await portal.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
