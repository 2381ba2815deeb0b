import { InputError } from '@portalkit/core';
import { z } from 'zod';
import { defaultFieldValidators } from '../../fieldFormats.js';
import { stringifyEntityRef } from '../../refs.js';
import type { Entity, KindDefinition } from '../../types.js';
import { apiKind } from '../api.js';
import { componentKind } from '../component.js';
import { domainKind } from '../domain.js';
import { groupKind } from '../group.js';
import { locationKind } from '../location.js';
import { resourceKind } from '../resource.js';
import { systemKind } from '../system.js';
import { templateKind } from '../template.js';
import { userKind } from '../user.js';
import { defineKind } from '../defineKind.js';
import { compileSpecSchema } from './json-schema-spec.js';

/*
 * `kind: KindDefinition` (apiVersion portalkit.dev/v1alpha1): a kind declared in catalog YAML,
 * like Port's blueprints. Its own schema compiles the declared JSON Schema, so a bad definition
 * fails at its own file:line; `declaredKindOf` turns a valid one into the `KindDefinition` the
 * validator takes plus its relation rules, facets and table columns.
 */

/** The apiVersion of `kind: KindDefinition` entities. */
export const KIND_DEFINITION_API_VERSION = 'portalkit.dev/v1alpha1';

const relationName = z.string().regex(/^[a-zA-Z][a-zA-Z0-9]{0,62}$/, 'must be a relation name like ownedBy ([a-zA-Z][a-zA-Z0-9]*, at most 63 characters)');
const fieldPath = z.string().regex(/^(metadata|spec)(\.[A-Za-z0-9_-]{1,63}){1,4}$/, 'must be a field path like spec.tier or metadata.tags');

/**
 * One spec field that yields a relation pair, as Backstage's built-in kinds do (`spec.owner` ->
 * `ownedBy` from the entity, `ownerOf` back): the field holds a ref or a list of refs.
 *
 * @example
 * ```ts
 * const rule: KindRelationRule = { field: 'owner', defaultKind: 'Group', outgoing: 'ownedBy', incoming: 'ownerOf' };
 * ```
 */
export const kindRelationRuleSchema = z.strictObject({
  /** A top-level `spec` field. */
  field: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,62}$/, 'must be a top-level spec field name'),
  /** Kind assumed when a ref omits it; without one, refs must name their kind. */
  defaultKind: z.string().refine((k) => defaultFieldValidators.isValidKind(k), 'must be a kind name').optional(),
  outgoing: relationName,
  incoming: relationName,
});

/** See {@link kindRelationRuleSchema}. */
export type KindRelationRule = z.infer<typeof kindRelationRuleSchema>;

/** A column of the portal's entity table for a declared kind. */
export const kindColumnSchema = z.strictObject({ title: z.string().min(1).max(64), field: fieldPath });

/** See {@link kindColumnSchema}. @example `{ title: 'Tier', field: 'spec.tier' }` */
export type KindColumn = z.infer<typeof kindColumnSchema>;

/** A kind declared in YAML, ready for the validator, the relation step and the portal. */
export interface DeclaredKind {
  /** The ref of the `KindDefinition` entity that declares it. */
  definedBy: string;
  definition: KindDefinition;
  relations: readonly KindRelationRule[];
  /** Field paths the portal offers as filters (the catalog's facets). */
  facets: readonly string[];
  columns: readonly KindColumn[];
}

// Imported one by one: kinds/index.ts re-exports this file.
const BUILTIN_KIND_NAMES = [apiKind, componentKind, domainKind, groupKind, locationKind, resourceKind, systemKind, templateKind, userKind].map((k) => k.kind);

/** Options of {@link createKindDefinitionKind}. */
export interface KindDefinitionKindOptions {
  /** Kinds YAML may not (re)declare, compared case-insensitively; default the built-in kinds. */
  reservedKinds?: readonly string[];
}

function specSchemaFor(reserved: ReadonlySet<string>) {
  return z
    .strictObject({
      kind: z.string().refine((k) => defaultFieldValidators.isValidKind(k), 'must match [a-zA-Z][a-z0-9A-Z]* (at most 63 characters)'),
      apiVersions: z
        .array(z.string().refine((v) => defaultFieldValidators.isValidApiVersion(v), 'must be an apiVersion like example.com/v1'))
        .min(1)
        .max(16),
      description: z.string().max(1000).optional(),
      schema: z.record(z.string(), z.unknown()),
      relations: z.array(kindRelationRuleSchema).max(32).optional(),
      facets: z.array(fieldPath).max(16).optional(),
      columns: z.array(kindColumnSchema).max(16).optional(),
    })
    .superRefine((spec, ctx) => {
      if (reserved.has(spec.kind.toLowerCase())) {
        ctx.addIssue({ code: 'custom', path: ['kind'], message: `${spec.kind} is a built-in kind and cannot be redefined`, params: { rule: 'reserved-kind' } });
      }
      const compiled = compileSpecSchema(spec.schema);
      if (!compiled.ok) {
        for (const p of compiled.problems) ctx.addIssue({ code: 'custom', path: ['schema', ...p.path], message: p.message, params: { rule: 'kind-schema' } });
      }
      const fields = new Set<string>();
      spec.relations?.forEach((r, i) => {
        if (fields.has(r.field)) ctx.addIssue({ code: 'custom', path: ['relations', i, 'field'], message: `${r.field} already has a relation rule`, params: { rule: 'duplicate' } });
        fields.add(r.field);
      });
    });
}

/**
 * The `KindDefinition` kind, refusing declarations of `reservedKinds`. A catalog with kinds of
 * its own in code passes them, so YAML cannot replace those either.
 *
 * @example
 * ```ts
 * const validator = createEntityValidator({ kinds: [...builtinKinds, createKindDefinitionKind()] });
 * ```
 */
export function createKindDefinitionKind(options: KindDefinitionKindOptions = {}): KindDefinition {
  const reserved = new Set([...(options.reservedKinds ?? BUILTIN_KIND_NAMES), 'KindDefinition'].map((k) => k.toLowerCase()));
  return defineKind({
    kind: 'KindDefinition',
    apiVersions: [KIND_DEFINITION_API_VERSION],
    schema: specSchemaFor(reserved),
    description: 'A kind declared in catalog YAML: its apiVersions, JSON Schema for spec, relation fields, facets and table columns.',
  });
}

/** The `KindDefinition` kind with the built-in kinds reserved. @example `createEntityValidator({ kinds: [...builtinKinds, kindDefinitionKind] })` */
export const kindDefinitionKind: KindDefinition = createKindDefinitionKind();

/**
 * The declared kind of a `KindDefinition` entity that passed validation. Throws `InputError` if
 * it did not (its spec no longer matches, or its schema no longer compiles).
 *
 * @example
 * ```ts
 * const declared = declaredKindOf(entity);
 * createEntityValidator({ kinds: [...builtinKinds, kindDefinitionKind, declared.definition] });
 * ```
 */
export function declaredKindOf(entity: Entity): DeclaredKind {
  const ref = stringifyEntityRef(entity);
  const parsed = specSchemaFor(new Set()).safeParse(entity.spec);
  if (entity.kind !== 'KindDefinition' || !parsed.success) throw new InputError(`${ref} is not a valid KindDefinition`);
  const spec = parsed.data;
  const compiled = compileSpecSchema(spec.schema);
  if (!compiled.ok) throw new InputError(`${ref}: spec.schema ${compiled.problems[0]?.message ?? 'does not compile'}`);
  return Object.freeze({
    definedBy: ref,
    definition: defineKind({
      kind: spec.kind,
      apiVersions: spec.apiVersions,
      schema: compiled.schema,
      ...(spec.description ? { description: spec.description } : {}),
    }),
    relations: Object.freeze(spec.relations ?? []),
    facets: Object.freeze(spec.facets ?? []),
    columns: Object.freeze(spec.columns ?? []),
  });
}
