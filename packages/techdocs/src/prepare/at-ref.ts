import { InputError } from '@portalkit/core';
import type { ScmIntegrations } from '@portalkit/integrations';
import { TECHDOCS_REF_ANNOTATION, docsEntityName, docsEntityRef } from '../entity.js';
import type { TechDocsEntity } from '../types.js';
import { resolveDocsLocation } from './index.js';

// A branch or tag name as git allows it, minus what could change which path a URL names.
const safeRef = /^(?!.*\.\.)(?!.*\/\/)(?!\/)(?!.*\/$)[A-Za-z0-9._/+-]{1,200}$/;

/**
 * The entity with its docs read at another git ref (tag or branch): its docs location, a tree
 * URL of a configured host, with the ref swapped. The new URL is parsed again with the host's
 * grammar and must name the same repository and path at `ref`, else `InputError` (a `file:`
 * location, an unconfigured host, or a URL whose ref cannot be told apart).
 *
 * @example
 * ```ts
 * entityAtRef(entity, 'v1.0.0', { integrations }); // techdocs-ref: url:https://git.example/acme/x.git/tree/v1.0.0
 * ```
 */
export function entityAtRef(entity: TechDocsEntity, ref: string, options: { integrations?: ScmIntegrations | undefined }): TechDocsEntity {
  const name = docsEntityRef(docsEntityName(entity));
  if (!safeRef.test(ref)) throw new InputError(`invalid git ref '${ref}' for the docs of ${name}`);
  const integrations = options.integrations;
  const location = resolveDocsLocation(entity, integrations ? { integrations } : {});
  const from = location.type === 'url' ? integrations?.parseUrl(location.target) : undefined;
  if (!integrations || !from?.ref) {
    throw new InputError(`the docs of ${name} are not read from a tree URL of a configured host with a ref, so they cannot be built at '${ref}'`);
  }
  const url = new URL(location.target);
  const segments = url.pathname.split('/');
  const oldRef = from.ref.split('/').map(encodeURIComponent);
  const at = segments.findIndex((_, i) => oldRef.every((part, j) => segments[i + j] === part));
  if (at < 0) throw new InputError(`cannot find the ref '${from.ref}' in ${location.target}`);
  segments.splice(at, oldRef.length, ...ref.split('/').map(encodeURIComponent));
  url.pathname = segments.join('/');
  const target = url.toString();
  const to = integrations.parseUrl(target);
  if (!to || to.ref !== ref || to.repo !== from.repo || to.owner !== from.owner || to.path !== from.path || to.host !== from.host) {
    throw new InputError(`cannot build the docs of ${name} at '${ref}': ${location.target} does not take another ref`);
  }
  return {
    ...entity,
    metadata: { ...entity.metadata, annotations: { ...entity.metadata.annotations, [TECHDOCS_REF_ANNOTATION]: `url:${target}` } },
  };
}
