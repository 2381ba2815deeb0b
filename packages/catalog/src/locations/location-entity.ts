import { createHash } from 'node:crypto';
import { ANNOTATION_LOCATION, ANNOTATION_ORIGIN_LOCATION, stringifyEntityRef } from '@portalkit/catalog-model';
import type { Entity } from '@portalkit/catalog-model';
import type { Location } from '../location.js';
import type { PassInput } from '../processing/engine.js';
import { stringifyLocationRef } from '../processing/paths.js';
import type { StoredLocation } from '../stores/types.js';

/**
 * Backstage's generated `Location` entity for a registered location, named after a hash of its
 * `type:target`.
 *
 * @example
 * ```ts
 * locationEntityFor({ type: 'file', target: '/srv/catalog-info.yaml' }).metadata.name; // 'generated-…'
 * ```
 */
export function locationEntityFor(loc: { type: string; target: string }): Entity {
  const ref = stringifyLocationRef(loc);
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Location',
    metadata: {
      name: `generated-${createHash('sha1').update(ref).digest('hex')}`,
      namespace: 'default',
      annotations: { [ANNOTATION_LOCATION]: ref, [ANNOTATION_ORIGIN_LOCATION]: ref },
    },
    spec: { type: loc.type, target: loc.target },
  };
}

/** The root key of a registered location's tree in the refresh states. */
export const locationRootKey = (id: string): string => `location:${id}`;

/** The pass input that (re)reads a registered location: its generated entity, as a root. */
export function locationRootInput(loc: StoredLocation): PassInput {
  const entity = locationEntityFor(loc);
  return { ref: stringifyEntityRef(entity), entity, rootKey: locationRootKey(loc.id) };
}

/** A stored location as the API returns it. */
export function toLocation(l: StoredLocation): Location {
  return { id: l.id, type: l.type, target: l.target, entityRef: stringifyEntityRef(locationEntityFor(l)) };
}
