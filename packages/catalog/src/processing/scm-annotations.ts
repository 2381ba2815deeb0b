import { ANNOTATION_EDIT_URL, ANNOTATION_SOURCE_LOCATION, ANNOTATION_VIEW_URL } from '@portalkit/catalog-model';
import { resolveDirectoryUrl, type ScmIntegrations } from '@portalkit/integrations';
import { stringifyLocationRef } from './paths.js';
import type { LocationSpec } from './processor.js';

/**
 * Backstage's AnnotateLocationEntityProcessor for entities read from a source host: the file's
 * `view-url`, its host's `edit-url`, and `source-location` as `url:` + the tree URL of the file's
 * directory. Empty for other locations (local files, plain HTTP) and when the host's grammar
 * cannot resolve the URL; the caller lets annotations the YAML sets win.
 *
 * @example
 * ```ts
 * scmAnnotations({ type: 'url', target: 'https://github.com/acme/web/blob/main/catalog-info.yaml' }, integrations);
 * // { 'backstage.io/view-url': ..., 'backstage.io/edit-url': ..., 'backstage.io/source-location': 'url:https://github.com/acme/web/tree/main' }
 * ```
 */
export function scmAnnotations(location: LocationSpec, integrations: ScmIntegrations | undefined): Record<string, string> {
  if (location.type !== 'url' || !integrations) return {};
  const integration = integrations.byUrl(location.target);
  if (!integration) return {};
  try {
    return {
      [ANNOTATION_VIEW_URL]: location.target,
      [ANNOTATION_EDIT_URL]: integration.resolveEditUrl(location.target),
      [ANNOTATION_SOURCE_LOCATION]: stringifyLocationRef({ type: 'url', target: resolveDirectoryUrl(integrations, { url: './', base: location.target }) }),
    };
  } catch {
    // A URL the grammar cannot place (no ref, odd shape) gets no derived annotations.
    return {};
  }
}
