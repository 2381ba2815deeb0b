// Type-checked only (tsc --noEmit, module nodenext, strict): the guide's
// portal composition in TypeScript, so the declaration files of every package resolve from
// the installed tarballs, under ESM resolution, with their own dependencies' types.
import path from 'node:path';
import { CATALOG_FILTER_EXISTS, type Catalog, catalogPlugin, createCatalog } from '@portalkit/catalog';
import type { Entity } from '@portalkit/catalog-model';
import { runCli } from '@portalkit/cli';
import { createLogger, createPortal, type Portal, toNodeHandler, type UrlReader } from '@portalkit/core';
import type { ScmIntegrations } from '@portalkit/integrations';
import { builtinActions, createScaffolder, scaffolderPlugin } from '@portalkit/scaffolder';
import { createScorecards } from '@portalkit/scorecards';
import { createSearch } from '@portalkit/search';
import type { SqlClient } from '@portalkit/sql';
import { localPublisher, type TechDocs, techdocsPlugin } from '@portalkit/techdocs';
import { createTestPortal } from '@portalkit/testing';

const root = process.cwd();
const logger = createLogger({ level: 'info' });

const catalog: Catalog = createCatalog({
  rootDir: root,
  locations: [{ type: 'file', target: './catalog-info.yaml' }],
  logger: logger.child({ plugin: 'catalog' }),
});
const scaffolder = createScaffolder({
  actions: builtinActions({ catalog }),
  workingDirectory: path.join(root, '.portalkit', 'tasks'),
});
const techdocs = techdocsPlugin({
  publisher: localPublisher({ root: path.join(root, '.portalkit', 'techdocs') }),
  getEntity: (name) => catalog.getEntityByRef(name),
  root,
});
export const portal: Portal = createPortal({
  plugins: [catalogPlugin({ catalog }), scaffolderPlugin({ scaffolder, getTemplate: (ref) => catalog.getEntityByRef(ref) }), techdocs],
  logger,
});

const docs: TechDocs = techdocs.techdocs;
const documented = await catalog.getEntities({
  filter: { 'metadata.annotations.backstage.io/techdocs-ref': CATALOG_FILTER_EXISTS },
});
const first: Entity | undefined = documented.items[0];
if (first) await docs.sync(first);

export const handler: ReturnType<typeof toNodeHandler> = toNodeHandler(portal.fetch);
export type Used = [UrlReader, ScmIntegrations, SqlClient, typeof createScorecards, typeof createSearch, typeof createTestPortal, typeof runCli];
