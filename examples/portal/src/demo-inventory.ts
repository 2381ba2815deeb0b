import type { EntityProvider, EntityProviderConnection } from '@portalkit/catalog';
import type { Entity } from '@portalkit/catalog-model';

/*
 * A demo entity provider: the databases an inventory system knows about, as Resource entities.
 * They are provider-owned, so the portal's "Change owner" (write-back) changes them directly;
 * entities read from a GitHub repository get a pull request instead (docs/write-back.md).
 */

const databases: Array<[name: string, owner: string, description: string]> = [
  ['orders-replica', 'group:default/team-fulfillment', 'Read replica of the orders database, from the inventory system'],
  ['payments-tokenizer', 'group:default/team-payments', 'Card tokenizer of the payments gateway, from the inventory system'],
];

function entityOf([name, owner, description]: (typeof databases)[number]): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: { name, description },
    spec: { type: 'database', owner },
  };
}

/**
 * The demo inventory provider: one full mutation when connected.
 *
 * @example
 * ```ts
 * createCatalog({ providers: [createDemoInventoryProvider()] });
 * ```
 */
export function createDemoInventoryProvider(): EntityProvider {
  return {
    name: 'demo-inventory',
    async connect(connection: EntityProviderConnection) {
      await connection.applyMutation({ type: 'full', entities: databases.map((d) => ({ entity: entityOf(d), locationKey: 'demo-inventory' })) });
    },
  };
}
