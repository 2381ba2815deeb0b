import type { Logger } from '@portalkit/core';
import { createEntityValidator, createKindDefinitionKind, declaredKindOf, defineKind } from '@portalkit/catalog-model';
import type { DeclaredKind, Entity, EntityValidator, KindDefinition, KindRelationRule } from '@portalkit/catalog-model';
import { z } from 'zod';
import type { CatalogStore } from '../stores/types.js';

/*
 * The kinds the catalog accepts: the host's kinds in code plus those declared by stored
 * `kind: KindDefinition` entities. Processing asks it for the current validator and a declared
 * kind's relation rules; `reload` rebuilds both from the store after a commit, so a declared
 * kind applies from the next pass on, and one that disappears makes its entities fail with an
 * error naming the definition that is gone.
 */

/** Options of {@link createKindRegistry}. */
export interface KindRegistryOptions {
  /** The kinds in code (the catalog's `kinds` option). */
  kinds: readonly KindDefinition[];
  allowUnknownKinds: boolean;
  /** Accept `kind: KindDefinition` entities and apply them. */
  declaredKinds: boolean;
  logger: Logger;
}

/** See {@link createKindRegistry}. */
export interface KindRegistry {
  /** The validator for the kinds as declared now. */
  validator(): EntityValidator;
  /** The relation rules of a declared kind, or undefined for kinds in code. */
  relationRules(kind: string): readonly KindRelationRule[] | undefined;
  /** The kinds declared in YAML now, by kind name. */
  declared(): readonly DeclaredKind[];
  /** Rebuild from the stored `KindDefinition` entities; true when the declared kinds changed. */
  reload(store: CatalogStore): Promise<boolean>;
}

/**
 * Create the catalog's kind registry.
 *
 * @example
 * ```ts
 * const kinds = createKindRegistry({ kinds: builtinKinds, allowUnknownKinds: false, declaredKinds: true, logger });
 * if (await kinds.reload(store)) await processing.refresh();
 * ```
 */
export function createKindRegistry(options: KindRegistryOptions): KindRegistry {
  const base = options.declaredKinds
    ? [...options.kinds, createKindDefinitionKind({ reservedKinds: options.kinds.map((k) => k.kind) })]
    : [...options.kinds];
  const build = (extra: readonly KindDefinition[]) => createEntityValidator({ kinds: [...base, ...extra], allowUnknownKinds: options.allowUnknownKinds });
  let validator = build([]);
  let declared: DeclaredKind[] = [];
  let signature = '';
  // Kinds once declared, so their entities get a clear error when the declaration goes.
  const formerly = new Map<string, Former>();

  return {
    validator: () => validator,
    relationRules: (kind) => declared.find((d) => d.definition.kind === kind)?.relations,
    declared: () => declared,
    async reload(store) {
      if (!options.declaredKinds) return false;
      const { items } = await store.queryEntities({ filter: { key: 'kind', values: ['kinddefinition'] }, limit: 1000 });
      const entities = items.map((row) => row.entity).sort((a, b) => (refOf(a) < refOf(b) ? -1 : 1));
      const next = new Map<string, DeclaredKind>();
      for (const entity of entities) {
        let kind: DeclaredKind;
        try {
          kind = declaredKindOf(entity);
        } catch (error) {
          options.logger.warn(`catalog: ignoring ${refOf(entity)}: ${(error as Error).message}`);
          continue;
        }
        const key = kind.definition.kind.toLowerCase();
        const first = next.get(key);
        // Two definitions of one kind: the first ref wins, the other is reported, not merged.
        if (first) options.logger.warn(`catalog: ${kind.definedBy} declares kind ${kind.definition.kind}, already declared by ${first.definedBy}; ignored`);
        else next.set(key, kind);
      }
      const nextSignature = JSON.stringify(entities.filter((e) => [...next.values()].some((d) => d.definedBy === refOf(e))).map((e) => [refOf(e), e.spec]));
      if (nextSignature === signature) return false;
      signature = nextSignature;
      declared = [...next.values()];
      for (const d of declared) formerly.set(d.definition.kind.toLowerCase(), { kind: d.definition.kind, apiVersions: d.definition.apiVersions, definedBy: d.definedBy });
      const retired = [...formerly.entries()].filter(([key]) => !next.has(key)).map(([, was]) => retiredKind(was));
      validator = build([...declared.map((d) => d.definition), ...retired]);
      return true;
    },
  };
}

function refOf(entity: Entity): string {
  return `${entity.kind}:${entity.metadata.namespace ?? 'default'}/${entity.metadata.name}`.toLowerCase();
}

/** A kind whose KindDefinition is gone: every entity of it fails, naming the definition. */
interface Former {
  kind: string;
  apiVersions: readonly string[];
  definedBy: string;
}

function retiredKind(was: Former): KindDefinition {
  return defineKind({
    kind: was.kind,
    apiVersions: [...was.apiVersions],
    schemaTarget: 'entity',
    schema: z.unknown().superRefine((_, ctx) => {
      ctx.addIssue({
        code: 'custom',
        path: ['kind'],
        message: `is no longer a known kind: it was declared by ${was.definedBy}, which no longer exists`,
        params: { rule: 'unknown-kind' },
      });
    }),
  });
}
