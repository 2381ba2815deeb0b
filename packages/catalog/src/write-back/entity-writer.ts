import { randomBytes } from 'node:crypto';
import { InputError, NotFoundError } from '@portalkit/core';
import { ANNOTATION_LOCATION, stringifyEntityRef } from '@portalkit/catalog-model';
import type { Entity, EntityUpdate, EntityUpdateResult } from '@portalkit/catalog-model';
import { isGithubIntegration, openGithubFilePullRequest } from '@portalkit/integrations';
import type { ScmIntegrations } from '@portalkit/integrations';
import { parseLocationRef } from '../processing/paths.js';
import type { CatalogStore, RefreshState } from '../stores/types.js';
import type { CatalogView } from '../types.js';
import { patchEntity } from './entity-patch.js';
import { editEntityInYaml } from './yaml-entity-edit.js';

/** Options of {@link createEntityWriter}. */
export interface EntityWriterOptions {
  store: CatalogStore;
  validateEntity: CatalogView['validateEntity'];
  /** Reprocess and commit changed refresh states (a provider-owned entity's direct change). */
  refreshRows(rows: RefreshState[]): Promise<void>;
  integrations?: ScmIntegrations | undefined;
  /** Author of write-back commits. */
  author?: { name: string; email: string } | undefined;
}

/** See {@link createEntityWriter}. */
export interface EntityWriter {
  /** Change `entity` (as served) through its source; the caller has checked permissions. */
  update(entity: Entity, update: EntityUpdate, actor: string): Promise<EntityUpdateResult>;
}

const YAML_FILE = /\.ya?ml$/i;

/**
 * Create the catalog's write-back: the patched entity is validated first (a patch that makes
 * it invalid is refused before anything is written), then the change goes through the entity's
 * source — a pull request editing its YAML document in place when it was read from a GitHub
 * repository, a direct change when a provider owns it. Other sources are refused, typed.
 *
 * @example
 * ```ts
 * const writer = createEntityWriter({ store, validateEntity, refreshRows, integrations });
 * await writer.update(entity, { patch: { spec: { owner: 'team-b' } } }, 'user:default/jane');
 * ```
 */
export function createEntityWriter(options: EntityWriterOptions): EntityWriter {
  return {
    async update(entity, update, actor) {
      const ref = stringifyEntityRef(entity).toLowerCase();
      const [row] = await options.store.getRefreshStates({ refs: [ref] });
      if (!row) throw new NotFoundError(`No entity ${ref}`);
      const patched = patchEntity(row.unprocessed, update.patch);
      const locationKey = row.unprocessed.metadata.annotations?.[ANNOTATION_LOCATION];
      const verdict = await options.validateEntity(patched, row.rootKey?.startsWith('provider:') ? undefined : locationKey);
      if (!verdict.valid) {
        throw new InputError(`The update makes ${ref} invalid: ${verdict.errors.map((e) => e.message).join('; ')}`);
      }
      if (row.rootKey?.startsWith('provider:')) {
        // The provider's next full mutation replaces this; docs/write-back.md says so.
        await options.refreshRows([{ ...row, unprocessed: patched }]);
        return { method: 'direct' };
      }
      return pullRequest(options, entity, row, update, actor);
    },
  };
}

async function pullRequest(options: EntityWriterOptions, entity: Entity, row: RefreshState, update: EntityUpdate, actor: string): Promise<EntityUpdateResult> {
  const ref = stringifyEntityRef(entity).toLowerCase();
  const location = parseLocationRef(row.unprocessed.metadata.annotations?.[ANNOTATION_LOCATION]);
  if (!location || location.type !== 'url') {
    throw new InputError(`${ref} comes from ${location ? `a ${location.type} location` : 'no location'}; only entities read from a repository (url) or owned by a provider can be updated`);
  }
  const integration = options.integrations?.byUrl(location.target);
  if (!integration || !isGithubIntegration(integration)) {
    throw new InputError(`${ref} comes from ${location.target}, which is not on a configured GitHub integration; write-back opens pull requests on GitHub only`);
  }
  const source = integration.parseUrl(location.target);
  if (!source || source.kind !== 'blob' || !YAML_FILE.test(source.path)) {
    throw new InputError(`${ref} comes from ${location.target}, which is not a YAML file in a repository`);
  }
  const identity = { kind: entity.kind, namespace: entity.metadata.namespace ?? 'default', name: entity.metadata.name };
  const result = await openGithubFilePullRequest({
    integration,
    owner: source.owner,
    repo: source.repo,
    path: source.path,
    base: source.ref,
    branch: `portalkit/update-${identity.name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').slice(0, 40)}-${randomBytes(4).toString('hex')}`,
    edit: (text) => editEntityInYaml(text, identity, update.patch),
    title: update.title ?? `Update ${ref}`,
    body: `${update.description ?? ''}\n\nRequested by ${actor} through the catalog (catalog.entity.update).`.trim(),
    author: options.author ?? { name: 'portalkit', email: 'portalkit@localhost' },
  });
  return { method: 'pull-request', url: result.url, number: result.number, branch: result.branch };
}
