import { z } from 'zod';
import { ANNOTATION_LOCATION, ANNOTATION_ORIGIN_LOCATION } from './constants.js';

/*
 * The contract of a write-back (the catalog's `updateEntity`, its PATCH route, and the
 * scaffolder's `catalog:entity:update`): a JSON merge patch (RFC 7386: objects merge, `null`
 * deletes, anything else replaces) of `metadata` and `spec`, and how the change went. An
 * entity's identity and the annotations the catalog sets are not the patch's to change.
 */

const MAX_PATCH_BYTES = 16 * 1024;
const MAX_PATCH_DEPTH = 12;
const FIXED_METADATA = ['name', 'namespace', 'uid', 'etag', 'generation'];
const FIXED_ANNOTATIONS = [ANNOTATION_LOCATION, ANNOTATION_ORIGIN_LOCATION];

function depthOf(value: unknown, depth = 0): number {
  if (typeof value !== 'object' || value === null || depth > MAX_PATCH_DEPTH) return depth;
  let max = depth;
  for (const child of Object.values(value)) max = Math.max(max, depthOf(child, depth + 1));
  return max;
}

/**
 * An entity update: `patch` (merge patch of `metadata` and/or `spec`), and the title and
 * description of the pull request when the change goes through one.
 *
 * @example
 * ```ts
 * entityUpdateSchema.parse({ patch: { spec: { owner: 'group:default/payments' } }, title: 'Payments owns web' });
 * ```
 */
export const entityUpdateSchema = z.strictObject({
  patch: z
    .strictObject({ metadata: z.record(z.string(), z.unknown()).optional(), spec: z.record(z.string(), z.unknown()).optional() })
    .superRefine((patch, ctx) => {
      const issue = (message: string) => ctx.addIssue({ code: 'custom', message });
      if (!patch.metadata && !patch.spec) issue('the patch changes neither metadata nor spec');
      if (Buffer.byteLength(JSON.stringify(patch)) > MAX_PATCH_BYTES) issue(`the patch is larger than ${MAX_PATCH_BYTES} bytes`);
      if (depthOf(patch) > MAX_PATCH_DEPTH) issue(`the patch nests deeper than ${MAX_PATCH_DEPTH} levels`);
      for (const key of FIXED_METADATA) if (patch.metadata && Object.hasOwn(patch.metadata, key)) issue(`metadata.${key} cannot be changed by an update`);
      const annotations = patch.metadata?.['annotations'];
      // `null` would delete the catalog's annotations with all the others.
      if (patch.metadata && Object.hasOwn(patch.metadata, 'annotations') && (annotations === null || typeof annotations !== 'object' || Array.isArray(annotations))) {
        issue('metadata.annotations cannot be removed or replaced whole; change its keys one by one');
      }
      if (annotations && typeof annotations === 'object') {
        for (const key of FIXED_ANNOTATIONS) if (Object.hasOwn(annotations, key)) issue(`annotation ${key} is set by the catalog`);
      }
    }),
  title: z.string().min(1).max(200).optional(),
  description: z.string().max(10_000).optional(),
});

/** See {@link entityUpdateSchema}. @example `const u: EntityUpdate = { patch: { spec: { lifecycle: 'deprecated' } } };` */
export type EntityUpdate = z.infer<typeof entityUpdateSchema>;

/**
 * How a write-back went: a pull request against the entity's source file, or a direct change of
 * an entity a provider owns (stored and processed at once).
 *
 * @example
 * ```ts
 * entityUpdateResultSchema.parse({ method: 'pull-request', url: 'https://github.com/acme/web/pull/7', number: 7, branch: 'portalkit/update-web-1a2b' });
 * ```
 */
export const entityUpdateResultSchema = z.discriminatedUnion('method', [
  z.object({ method: z.literal('pull-request'), url: z.string(), number: z.number().int(), branch: z.string() }),
  z.object({ method: z.literal('direct') }),
]);

/** See {@link entityUpdateResultSchema}. @example `const r: EntityUpdateResult = { method: 'direct' };` */
export type EntityUpdateResult = z.infer<typeof entityUpdateResultSchema>;
