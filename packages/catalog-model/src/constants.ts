/*
 * Well-known values, spelled exactly as in @backstage/catalog-model so entities and annotations
 * written for Backstage keep their meaning.
 */

/**
 * The namespace of entities that do not name one.
 * @example
 * ```ts
 * entity.metadata.namespace ?? DEFAULT_NAMESPACE;
 * ```
 */
export const DEFAULT_NAMESPACE = 'default';

/**
 * The location (`type:target`) the catalog uses to manage and refresh the entity.
 * @example
 * ```ts
 * entity.metadata.annotations?.[ANNOTATION_LOCATION]; // 'url:https://github.com/o/r/blob/main/catalog-info.yaml'
 * ```
 */
export const ANNOTATION_LOCATION = 'backstage.io/managed-by-location';

/**
 * The location that first discovered the entity.
 * @example
 * ```ts
 * entity.metadata.annotations?.[ANNOTATION_ORIGIN_LOCATION];
 * ```
 */
export const ANNOTATION_ORIGIN_LOCATION = 'backstage.io/managed-by-origin-location';

/**
 * Set to `"true"` when no location references the entity any more.
 * @example
 * ```ts
 * const orphaned = entity.metadata.annotations?.[ANNOTATION_ORPHAN] === 'true';
 * ```
 */
export const ANNOTATION_ORPHAN = 'backstage.io/orphan';

/**
 * Location of the entity's source, e.g. the repository folder holding it.
 * @example
 * ```ts
 * entity.metadata.annotations?.[ANNOTATION_SOURCE_LOCATION]; // 'url:https://github.com/o/r/tree/main/'
 * ```
 */
export const ANNOTATION_SOURCE_LOCATION = 'backstage.io/source-location';

/**
 * Where TechDocs finds the entity's docs source (`dir:.` or `url:...`).
 * @example
 * ```ts
 * entity.metadata.annotations?.[ANNOTATION_TECHDOCS_REF]; // 'dir:.'
 * ```
 */
export const ANNOTATION_TECHDOCS_REF = 'backstage.io/techdocs-ref';

/**
 * A URL to view the entity in an external tool.
 * @example
 * ```ts
 * entity.metadata.annotations?.[ANNOTATION_VIEW_URL];
 * ```
 */
export const ANNOTATION_VIEW_URL = 'backstage.io/view-url';

/**
 * A URL to edit the entity in an external tool.
 * @example
 * ```ts
 * entity.metadata.annotations?.[ANNOTATION_EDIT_URL];
 * ```
 */
export const ANNOTATION_EDIT_URL = 'backstage.io/edit-url';
