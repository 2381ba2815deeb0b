import type { KindDefinition } from '@portalkit/catalog';

/**
 * The catalog rules of a catalog the CLI opens: every kind that catalog knows, from every
 * location. The operator names the files on the command line, so they are the host's input like
 * `createCatalog({ locations })`, not a registration by a portal user (whom the catalog's default
 * rules limit to Component, API and Location). An entity of a kind the catalog does not know is
 * refused by these rules at its file:line, as the validator would refuse it anyway.
 *
 * @example
 * ```ts
 * const catalog = createCatalog({ kinds, rules: operatorRules(kinds) });
 * ```
 */
export function operatorRules(kinds: readonly KindDefinition[]): { allow: string[] }[] {
  return [{ allow: kinds.map((k) => k.kind) }];
}
