import { NotAllowedError, NotFoundError } from '@portalkit/core';
import type { Permission } from '@portalkit/core';
import {
  catalogEntityCreatePermission,
  catalogEntityDeletePermission,
  catalogEntityRefreshPermission,
  catalogEntityUpdatePermission,
  catalogLocationCreatePermission,
  catalogLocationDeletePermission,
  stringifyEntityRef,
} from '@portalkit/catalog-model';
import type { Entity } from '@portalkit/catalog-model';
import type { EntitiesReader } from '../entities/entities-reader.js';
import { refKey } from '../query/ref-key.js';
import type { CatalogView } from '../types.js';
import type { CatalogAccess } from './access.js';
import type { CatalogParts } from './catalog-parts.js';
import { assertLocationType, createReadableDryRun } from './location-dry-run.js';
import { readableResultEntities } from './readable-results.js';
import { parseEntityUpdate } from '../write-back/entity-patch.js';

type Mutations = Pick<CatalogView, 'addLocation' | 'removeLocation' | 'updateLocation' | 'removeEntityByUid' | 'refresh' | 'updateEntity'>;

const notAllowed = (permission: Permission, target?: string) =>
  new NotAllowedError(`Not allowed: ${permission.name}${target ? ` on ${target}` : ''}`);

/**
 * The catalog's mutations as `access` may make them, each audited (success, failure or denied):
 * - `addLocation`: `catalog.location.create` and `catalog.entity.create` (dry runs too, unaudited
 *   as they store nothing), and a type in `allowedLocationTypes`; the entities returned are those
 *   the caller can read, without relations to entities it cannot read;
 * - `removeLocation`: `catalog.location.delete`;
 * - `updateLocation`: `catalog.location.delete`, `catalog.location.create` and
 *   `catalog.entity.create` (retargeting removes and ingests), and a new type in `allowedLocationTypes`;
 * - `removeEntityByUid` / `refresh({ entityRef })`: `catalog.entity.delete` / `.refresh` on the
 *   entity; an entity the caller cannot read is not found, as if it did not exist;
 * - `refresh()` of everything or of a key: `catalog.entity.refresh` outright;
 * - `updateEntity`: `catalog.entity.update` on the entity (hidden entities are not found).
 * Permissions are checked before anything is touched, so a denied call changes nothing.
 *
 * @example
 * ```ts
 * const { removeLocation } = createAuthorizedMutations(parts, access, reader);
 * await removeLocation(id); // NotAllowedError without catalog.location.delete
 * ```
 */
export function createAuthorizedMutations(parts: CatalogParts, access: CatalogAccess, reader: EntitiesReader): Mutations {
  const { audited, locations } = parts;
  const dryRun = createReadableDryRun(parts, access);
  const require = async (...permissions: Permission[]) => {
    for (const permission of permissions) if (!(await access.allows(permission))) throw notAllowed(permission);
  };
  const requireOnEntity = async (permission: Permission, entity: Entity) => {
    if (!(await access.allowsEntity(permission, entity))) throw notAllowed(permission, stringifyEntityRef(entity));
  };
  return {
    async addLocation(spec, options = {}) {
      if (options.dryRun) {
        await require(catalogLocationCreatePermission, catalogEntityCreatePermission);
        return dryRun(spec);
      }
      const target = `${spec?.type ?? 'url'}:${spec?.target}`;
      return audited(access, { action: 'catalog.location.create', target }, async () => {
        await require(catalogLocationCreatePermission, catalogEntityCreatePermission);
        assertLocationType(access, spec);
        const result = await locations.addLocation(spec, options);
        // A ref the location emits may be another location's entity (a conflict): show only readable ones.
        return { ...result, entities: await readableResultEntities(parts.store, result.entities, await access.readFilter()) };
      });
    },

    async removeLocation(id) {
      await audited(access, { action: 'catalog.location.delete', target: `location:${id}` }, async () => {
        await require(catalogLocationDeletePermission);
        await locations.removeLocation(id);
      });
    },

    async updateLocation(id, spec) {
      const meta = { type: spec?.type ?? 'url', target: spec?.target };
      return audited(access, { action: 'catalog.location.update', target: `location:${id}`, meta }, async () => {
        await require(catalogLocationDeletePermission, catalogLocationCreatePermission, catalogEntityCreatePermission);
        assertLocationType(access, spec);
        return locations.updateLocation(id, spec);
      });
    },

    async removeEntityByUid(uid) {
      await audited(access, { action: 'catalog.entity.delete', target: `uid:${uid}` }, async ({ deny, setTarget }) => {
        const entity = await reader.getEntityByUid(uid);
        if (!entity) {
          const [row] = await parts.store.getEntities({ uids: [uid] });
          const error = new NotFoundError(`No entity with uid ${uid}`);
          throw row ? deny(error) : error;
        }
        setTarget(refKey(stringifyEntityRef(entity)));
        await requireOnEntity(catalogEntityDeletePermission, entity);
        await parts.removeEntityByUid(uid);
      });
    },

    async updateEntity(entityRef, input) {
      const key = refKey(entityRef);
      return audited(access, { action: 'catalog.entity.update', target: key }, async ({ deny, addMeta }) => {
        const entity = await reader.getEntityByRef(key);
        if (!entity) {
          const error = new NotFoundError(`No entity ${key}`);
          throw (await parts.store.getRefreshStates({ refs: [key] })).length ? deny(error) : error;
        }
        // Permission before the input is judged: a caller without it learns nothing from the errors.
        await requireOnEntity(catalogEntityUpdatePermission, entity);
        const update = parseEntityUpdate(input);
        const actor = access.principal.userEntityRef ?? access.principal.type;
        const result = await parts.updateEntity(entity, update, actor);
        // Which fields changed and where the change went; never the values (they are entity content).
        addMeta({
          method: result.method,
          fields: [...Object.keys(update.patch.metadata ?? {}).map((k) => `metadata.${k}`), ...Object.keys(update.patch.spec ?? {}).map((k) => `spec.${k}`)],
          ...(result.method === 'pull-request' ? { pullRequest: result.url } : {}),
        });
        return result;
      });
    },

    async refresh(options = {}) {
      if (options.entityRef) return refreshEntity(options.entityRef);
      const target = options.key ? `refresh-key:${options.key}` : 'catalog';
      await audited(access, { action: 'catalog.entity.refresh', target }, async () => {
        await require(catalogEntityRefreshPermission);
        await parts.refresh(options);
      });
    },
  };

  async function refreshEntity(entityRef: string): Promise<void> {
    const key = refKey(entityRef);
    await audited(access, { action: 'catalog.entity.refresh', target: key }, async ({ deny }) => {
      const entity = await reader.getEntityByRef(key);
      if (entity) await requireOnEntity(catalogEntityRefreshPermission, entity);
      else if ((await access.readFilter()) !== undefined || !(await access.allows(catalogEntityRefreshPermission))) {
        // Hidden, or never served (only those who see everything may refresh an entity that failed processing).
        const error = new NotFoundError(`No entity ${key}`);
        const states = await parts.store.getRefreshStates({ refs: [key] });
        throw states.length ? deny(error) : error;
      }
      await parts.refresh({ entityRef: key });
    });
  }
}
