import type { Entity, EntityUpdate, EntityUpdateResult } from '@portalkit/catalog-model';
import type { LocationService } from '../locations/location-service.js';
import type { CatalogStore } from '../stores/types.js';
import type { CatalogView } from '../types.js';
import type { AuditedMutations } from './catalog-audit.js';

/**
 * The catalog's parts as views use them: unchecked, unaudited operations. The host's library
 * and every `forPrincipal` view are built over the same parts, so the only difference between
 * them is the {@link CatalogAccess} they ask.
 */
export interface CatalogParts {
  store: CatalogStore;
  /** Records mutations with the auth in use at the time (the portal's arrives with `start`). */
  audited: AuditedMutations;
  /** Location reads and writes; writes wait for the catalog's first-run initialisation. */
  locations: Pick<
    LocationService,
    'addLocation' | 'removeLocation' | 'updateLocation' | 'getLocations' | 'getLocation' | 'getLocationByEntity' | 'queryLocations'
  >;
  validateEntity: CatalogView['validateEntity'];
  getProcessingErrors: CatalogView['getProcessingErrors'];
  /** Every provider's status, unchecked. */
  providerStatuses: CatalogView['getProviderStatuses'];
  removeEntityByUid(uid: string): Promise<void>;
  /** Change an entity through its source (write-back/); permissions are the caller's to check. */
  updateEntity(entity: Entity, update: EntityUpdate, actor: string): Promise<EntityUpdateResult>;
  refresh(options: { entityRef?: string; key?: string }): Promise<void>;
}
