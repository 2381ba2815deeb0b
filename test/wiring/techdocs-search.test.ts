import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { catalogPlugin } from '@portalkit/catalog';
import { stringifyEntityRef } from '@portalkit/catalog-model';
import { createLogger, createPortal, memorySink, type Portal } from '@portalkit/core';
import { catalogCollator, searchPlugin, techdocsCollator } from '@portalkit/search';
import { memoryPublisher, techdocsPlugin, type TechDocs } from '@portalkit/techdocs';

// techdocs -> search (and catalog -> search for a deleted entity's docs): the real TechDocs
// builds and announces, the real search indexes. The techdocs collator's `sites()` lists nothing,
// so every docs hit below arrived through the event.
describe('wiring: techdocs -> search', () => {
  let dir: string;
  let portal: Portal;
  let techdocs: TechDocs;
  let catalog: ReturnType<typeof catalogPlugin>['catalog'];

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wiring-techdocs-search-'));
    await mkdir(path.join(dir, 'docs'));
    await writeFile(
      path.join(dir, 'catalog-info.yaml'),
      'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: payments\n  annotations:\n    backstage.io/techdocs-ref: dir:.\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n',
    );
    await writeFile(path.join(dir, 'mkdocs.yml'), 'site_name: Payments\nnav:\n  - Home: index.md\n');
    await writeFile(path.join(dir, 'docs', 'index.md'), '# Payments\n\n## Refunds\n\nRefunds go through the ledger.\n');
    const catalogInstance = catalogPlugin({ rootDir: dir });
    catalog = catalogInstance.catalog;
    const docs = techdocsPlugin({ publisher: memoryPublisher(), getEntity: (name) => catalog.getEntityByRef(name), root: dir });
    techdocs = docs.techdocs;
    portal = createPortal({
      logger: createLogger({ sink: memorySink() }),
      plugins: [
        catalogInstance,
        docs,
        searchPlugin({
          collators: [
            catalogCollator({ getEntities: async () => (await catalog.getEntities()).items }),
            techdocsCollator({ sites: () => [] }),
          ],
        }),
      ],
    });
    await portal.start();
  });

  afterEach(async () => {
    await portal.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const docsHits = async (term: string): Promise<string[]> => {
    const res = await portal.request(`/api/search/query?term=${encodeURIComponent(term)}&types[0]=techdocs`);
    expect(res.status).toBe(200);
    return ((await res.json()) as { results: Array<{ document: { location: string } }> }).results.map((r) => r.document.location);
  };

  test('built and rebuilt docs are searchable, and a deleted entity takes its docs out of search', async () => {
    const { location } = await catalog.addLocation({ type: 'file', target: path.join(dir, 'catalog-info.yaml') });
    const entity = (await catalog.getEntityByRef('component:default/payments'))!;

    await techdocs.build(entity);
    expect(await docsHits('ledger')).toEqual(['/docs/default/component/payments/#refunds']);

    // A rebuild replaces the site's documents: the new text is found, the old one is gone.
    await writeFile(path.join(dir, 'docs', 'index.md'), '# Payments\n\n## Chargebacks\n\nChargebacks are disputed in the portal.\n');
    const synced = await techdocs.sync(entity);
    expect(synced.updated).toBe(true);
    expect(await docsHits('disputed')).toEqual(['/docs/default/component/payments/#chargebacks']);
    expect(await docsHits('ledger')).toEqual([]);

    await catalog.removeLocation(location.id);
    expect(await catalog.getEntityByRef(stringifyEntityRef(entity))).toBeUndefined();
    expect(await docsHits('disputed')).toEqual([]);
  });
});
