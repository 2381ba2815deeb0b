import { InputError } from '@portalkit/core';
import { DEFAULT_NAMESPACE } from './constants.js';
import type { CompoundEntityRef, Entity } from './types.js';

/*
 * Entity references, ported line by line from @backstage/catalog-model's `entity/ref` so every
 * input parses, defaults and fails exactly as in Backstage. The only difference: failures are
 * `InputError`s (Backstage throws `TypeError`/`Error`), with the same messages.
 */

/**
 * Defaults applied by {@link parseEntityRef} to parts a reference leaves out.
 *
 * @example
 * ```ts
 * const ownerContext: EntityRefContext = { defaultKind: 'Group', defaultNamespace: 'default' };
 * parseEntityRef('team-a', ownerContext);
 * ```
 */
export interface EntityRefContext {
  /** Kind used when the reference has none, e.g. `Group` for `spec.owner`. */
  defaultKind?: string;
  /** Namespace used when the reference has none. Default `default`. */
  defaultNamespace?: string;
}

function parseRefString(ref: string): { kind?: string; namespace?: string; name: string } {
  let colonI = ref.indexOf(':');
  const slashI = ref.indexOf('/');
  // A colon after the slash belongs to the name (`ns/a:b`), not to a kind.
  if (slashI !== -1 && slashI < colonI) colonI = -1;
  const kind = colonI === -1 ? undefined : ref.slice(0, colonI);
  const namespace = slashI === -1 ? undefined : ref.slice(colonI + 1, slashI);
  const name = ref.slice(Math.max(colonI + 1, slashI + 1));
  if (kind === '' || namespace === '' || name === '') {
    throw new InputError(`Entity reference "${ref}" was not on the form [<kind>:][<namespace>/]<name>`);
  }
  return { kind, namespace, name };
}

/**
 * Parse `[<kind>:][<namespace>/]<name>` (or a partial compound ref) into all three parts.
 * Kind and name keep their case. Throws `InputError` when the kind is missing and no
 * `defaultKind` is given, or when a part is empty.
 *
 * @example
 * ```ts
 * parseEntityRef('Component:petstore'); // { kind: 'Component', namespace: 'default', name: 'petstore' }
 * parseEntityRef('team-a', { defaultKind: 'Group', defaultNamespace: 'ops' }); // { kind: 'Group', namespace: 'ops', name: 'team-a' }
 * ```
 */
export function parseEntityRef(
  ref: string | { kind?: string; namespace?: string; name: string },
  context?: EntityRefContext,
): CompoundEntityRef {
  if (!ref) throw new InputError('Entity reference must not be empty');
  const defaultKind = context?.defaultKind;
  const defaultNamespace = context?.defaultNamespace || DEFAULT_NAMESPACE;
  let kind: string | undefined;
  let namespace: string | undefined;
  let name: string | undefined;
  if (typeof ref === 'string') {
    const parsed = parseRefString(ref);
    kind = parsed.kind ?? defaultKind;
    namespace = parsed.namespace ?? defaultNamespace;
    name = parsed.name;
  } else {
    kind = ref.kind ?? defaultKind;
    namespace = ref.namespace ?? defaultNamespace;
    name = ref.name;
  }
  // Compound refs often come straight from JSON bodies: a non-string part is bad input, not a crash later.
  for (const [part, value] of [['kind', kind], ['namespace', namespace], ['name', name]] as const) {
    if (value !== undefined && typeof value !== 'string') {
      throw new InputError(`Entity reference ${JSON.stringify(ref)} had a ${part} that is not a string`);
    }
  }
  if (!kind) {
    const textual = JSON.stringify(ref);
    throw new InputError(
      `Entity reference ${textual} had missing or empty kind (e.g. did not start with "component:" or similar)`,
    );
  } else if (!namespace) {
    throw new InputError(`Entity reference ${JSON.stringify(ref)} had missing or empty namespace`);
  } else if (!name) {
    throw new InputError(`Entity reference ${JSON.stringify(ref)} had missing or empty name`);
  }
  return { kind, namespace, name };
}

/**
 * The canonical string ref `kind:namespace/name`, all lowercased (as Backstage does), of a
 * compound ref or an entity. A missing namespace counts as `default`.
 *
 * @example
 * ```ts
 * stringifyEntityRef({ kind: 'Component', namespace: 'default', name: 'PetStore' }); // 'component:default/petstore'
 * stringifyEntityRef(entity); // 'api:default/petstore-api'
 * ```
 */
export function stringifyEntityRef(
  ref: CompoundEntityRef | { kind: string; namespace?: string; name: string } | Entity,
): string {
  let kind: string;
  let namespace: string;
  let name: string;
  if ('metadata' in ref) {
    kind = ref.kind;
    namespace = ref.metadata.namespace ?? DEFAULT_NAMESPACE;
    name = ref.metadata.name;
  } else {
    kind = ref.kind;
    namespace = ref.namespace ?? DEFAULT_NAMESPACE;
    name = ref.name;
  }
  return `${kind.toLowerCase()}:${namespace.toLowerCase()}/${name.toLowerCase()}`;
}

/**
 * The compound ref of an entity; an empty or missing namespace becomes `default`.
 *
 * @example
 * ```ts
 * getCompoundEntityRef(entity); // { kind: 'Component', namespace: 'default', name: 'petstore' }
 * ```
 */
export function getCompoundEntityRef(entity: Entity): CompoundEntityRef {
  return {
    kind: entity.kind,
    namespace: entity.metadata.namespace || DEFAULT_NAMESPACE,
    name: entity.metadata.name,
  };
}

/**
 * Whether two refs name the same entity, ignoring case. Accepts entities, compound refs and
 * full string refs (`kind:namespace/name`, or `kind:name` for the default namespace); a string
 * that does not parse matches nothing.
 *
 * @example
 * ```ts
 * entityRefEquals('Component:default/PetStore', { kind: 'component', namespace: 'default', name: 'petstore' }); // true
 * ```
 */
export function entityRefEquals(
  a: string | CompoundEntityRef | Entity,
  b: string | CompoundEntityRef | Entity,
): boolean {
  const left = canonical(a);
  return left !== undefined && left === canonical(b);
}

function canonical(ref: string | CompoundEntityRef | Entity): string | undefined {
  if (typeof ref !== 'string') return stringifyEntityRef(ref);
  try {
    return stringifyEntityRef(parseEntityRef(ref));
  } catch {
    return undefined;
  }
}
