import type { EntityProviderConnection } from '../processing/provider.js';
import { hostAccess } from './access.js';
import type { AuditedMutations } from './catalog-audit.js';

/**
 * A provider's connection whose `applyMutation` is audited as `catalog.provider.mutation` by the
 * host principal (providers are the host's code), target `provider:<name>`, with the mutation's
 * type and sizes (never its entities) as meta.
 *
 * @example
 * ```ts
 * await provider.connect(auditedConnection(connections.connectionFor(provider.name), provider.name, audited));
 * ```
 */
export function auditedConnection(connection: EntityProviderConnection, name: string, audited: AuditedMutations): EntityProviderConnection {
  const access = hostAccess();
  return {
    applyMutation: (mutation) => {
      const meta =
        mutation?.type === 'full'
          ? { type: 'full', entities: Array.isArray(mutation.entities) ? mutation.entities.length : 0 }
          : {
              type: mutation?.type,
              added: Array.isArray(mutation?.added) ? mutation.added.length : 0,
              removed: Array.isArray(mutation?.removed) ? mutation.removed.length : 0,
            };
      return audited(access, { action: 'catalog.provider.mutation', target: `provider:${name}`, meta }, () => connection.applyMutation(mutation));
    },
    refresh: (options) => connection.refresh(options),
  };
}
