import { createEventBus } from '@portalkit/core';
import { builtinKinds, createCatalog } from '@portalkit/catalog';
import type { Catalog, Entity, EntityProviderConnection } from '@portalkit/catalog';
import { scorecardKind } from '../kind.js';

/** A catalog fed by a provider the test drives, publishing on its own event bus. */
export async function providerCatalog(entities: Entity[]): Promise<{
  catalog: Catalog;
  events: ReturnType<typeof createEventBus>;
  /** Replace or add entities (by ref) and remove others, then let the catalog commit. */
  change(mutation: { added?: Entity[]; removed?: string[] }): Promise<void>;
}> {
  const events = createEventBus();
  let connection: EntityProviderConnection | undefined;
  const catalog = createCatalog({
    kinds: [...builtinKinds, scorecardKind],
    events,
    providers: [{ name: 'test', connect: (c) => void (connection = c) }],
  });
  await catalog.refresh();
  await connection!.applyMutation({ type: 'full', entities });
  return {
    catalog,
    events,
    change: (mutation) => connection!.applyMutation({ type: 'delta', added: mutation.added ?? [], removed: mutation.removed ?? [] }),
  };
}

const v = 'backstage.io/v1alpha1';

export const group = (name: string): Entity => ({ apiVersion: v, kind: 'Group', metadata: { name }, spec: { type: 'team', children: [] } });

export const user = (name: string, memberOf: string[]): Entity => ({ apiVersion: v, kind: 'User', metadata: { name }, spec: { memberOf } });

export const component = (name: string, spec: Record<string, unknown> = {}, metadata: Partial<Entity['metadata']> = {}): Entity => ({
  apiVersion: v,
  kind: 'Component',
  metadata: { name, ...metadata },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a', ...spec },
});
