import type { Entity } from '@portalkit/catalog-model';
import { stitchEntity } from '../processing/stitcher.js';
import type { CatalogStore, FinalEntityRow } from './types.js';

// Shared by the store contract's case files.

/** A Component entity for contract cases. */
export const component = (name: string, extra: { spec?: Record<string, unknown>; tags?: string[]; namespace?: string; title?: string } = {}): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    ...(extra.namespace ? { namespace: extra.namespace } : { namespace: 'default' }),
    ...(extra.tags ? { tags: extra.tags } : {}),
    ...(extra.title ? { title: extra.title } : {}),
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a', ...extra.spec },
});

/** A final entity row of `entity`, stitched as the engine does. */
export const row = (entity: Entity, relations: { type: string; targetRef: string }[] = []): FinalEntityRow =>
  stitchEntity(
    {
      entityRef: `${entity.kind.toLowerCase()}:${(entity.metadata.namespace ?? 'default').toLowerCase()}/${entity.metadata.name.toLowerCase()}`,
      processed: entity,
      errors: [],
      orphan: false,
    },
    relations,
  );

/** The names of `rows`, in order. */
export const names = (rows: FinalEntityRow[]) => rows.map((r) => r.entity.metadata.name);

/** What every group of cases shares: the current test's store, and a way to write final entities to it. */
export interface StoreCaseContext {
  readonly store: CatalogStore;
  seed: (rows: FinalEntityRow[]) => Promise<void>;
}
