// Its own module so that query/locations.ts and types.ts need not import each other.
/**
 * A registered location, as Backstage's catalog API returns it.
 *
 * @example
 * ```ts
 * const loc: Location = { id: '…', type: 'file', target: '/srv/catalog-info.yaml', entityRef: 'location:default/generated-…' };
 * ```
 */
export interface Location {
  id: string;
  type: string;
  target: string;
  /** Ref of the `Location` entity generated for it, e.g. `location:default/generated-<sha1>`. */
  entityRef: string;
}
