/*
 * Shared by the catalog benches: writes N generated entities as YAML files (perFile documents
 * each) under `<dir>/files/` and a `<dir>/catalog-info.yaml` Location that globs them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Entity } from '../packages/catalog/src/index.js';
import { generateCatalogEntities, toYaml } from '../packages/catalog/src/testing/generate.js';

/** `edit` may change each generated entity (its index in the generated list) before it is written. */
export function writeGeneratedCatalog(dir: string, count: number, perFile: number, edit?: (entity: Entity, index: number) => Entity): void {
  const generated = generateCatalogEntities(count);
  const entities = edit ? generated.map((e, i) => edit(e, i)) : generated;
  mkdirSync(join(dir, 'files'));
  for (let i = 0; i < entities.length; i += perFile) {
    const docs = entities.slice(i, i + perFile).map((e) => toYaml(e));
    writeFileSync(join(dir, 'files', `part-${String(i / perFile).padStart(5, '0')}.yaml`), docs.join('---\n'));
  }
  writeFileSync(
    join(dir, 'catalog-info.yaml'),
    'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: generated\nspec:\n  targets: ["./files/*.yaml"]\n',
  );
}
