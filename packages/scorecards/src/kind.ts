import { z } from 'zod';
import { InputError } from '@portalkit/core';
import { defineKind, stringifyEntityRef } from '@portalkit/catalog-model';
import type { EntityProcessor } from '@portalkit/catalog';
import type { Entity } from '@portalkit/catalog-model';
import { MAX_SCORECARD_WEIGHT, defineScorecard } from './scorecard.js';
import type { Check, Scorecard } from './types.js';

/** The apiVersion of `kind: Scorecard` entities. */
export const SCORECARD_API_VERSION = 'portalkit.dev/v1alpha1';

const name = z.string().regex(/^[a-zA-Z0-9]+(?:[-_.][a-zA-Z0-9]+)*$/, 'must be letters and digits joined by -, _ or .');
const filterValue = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);
const filterSet = z.record(z.string().min(1), filterValue);

/**
 * `spec` of a `kind: Scorecard` entity: what it applies to (a catalog filter set, or a list of
 * them ORed) and its levels, lowest first, each naming checks by id with optional weights.
 *
 * @example
 * ```ts
 * scorecardSpecSchema.parse({ appliesTo: { kind: 'Component' }, levels: [{ id: 'bronze', checks: ['has-owner', { check: 'has-description', weight: 2 }] }] });
 * ```
 */
export const scorecardSpecSchema = z.strictObject({
  appliesTo: z.union([filterSet, z.array(filterSet).min(1)]).optional(),
  levels: z
    .array(
      z.strictObject({
        id: name,
        title: z.string().min(1).optional(),
        checks: z.array(
          // A bare id is short for `{ check: id }`; validating one shape gives errors a precise path.
          z.preprocess(
            (entry) => (typeof entry === 'string' ? { check: entry } : entry),
            z.strictObject({
              check: name,
              weight: z.number().finite().min(0).max(MAX_SCORECARD_WEIGHT, `must be at most ${MAX_SCORECARD_WEIGHT}`).optional(),
            }),
          ),
        ),
      }),
    )
    .min(1),
});

/**
 * A `kind: Scorecard` entity.
 * @example
 * ```ts
 * const e: ScorecardEntity = { apiVersion: 'portalkit.dev/v1alpha1', kind: 'Scorecard', metadata: { name: 'readiness' }, spec: { levels: [{ id: 'bronze', checks: ['has-owner'] }] } };
 * ```
 */
export type ScorecardEntity = Entity & { kind: 'Scorecard'; spec: z.input<typeof scorecardSpecSchema> };

/**
 * The `Scorecard` catalog kind (`portalkit.dev/v1alpha1`), validated like every other entity:
 * add it to the catalog's kinds so Scorecard YAML is accepted, and malformed YAML is reported as
 * processing errors with `file:line`.
 *
 * @example
 * ```ts
 * const catalog = createCatalog({ kinds: [...builtinKinds, scorecardKind] });
 * ```
 */
export const scorecardKind = defineKind({
  kind: 'Scorecard',
  apiVersions: [SCORECARD_API_VERSION],
  schema: scorecardSpecSchema,
  description: 'A scorecard: ordered levels of checks that entities are rated against.',
});

/** `['spec', 'levels', 0]` -> `spec.levels[0]`, the path form the catalog locates in YAML. */
const yamlPath = (parts: readonly (string | number)[]) =>
  parts.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');

/** Error with the path the catalog turns into a YAML line. */
function pathError(message: string, path: string): InputError {
  return Object.assign(new InputError(message), { path });
}

/** ` (check <id>)` when a spec path points at a check's weight, so the error names the check. */
function weightOf(entity: Entity, parts: readonly (string | number)[]): string {
  if (parts.length !== 5 || parts[0] !== 'levels' || parts[2] !== 'checks' || parts[4] !== 'weight') return '';
  const levels = (entity.spec as { levels?: { checks?: { check?: unknown }[] }[] } | undefined)?.levels;
  const check = levels?.[parts[1] as number]?.checks?.[parts[3] as number]?.check;
  return typeof check === 'string' ? ` (check ${check})` : '';
}

/**
 * Turn a `kind: Scorecard` entity into a {@link Scorecard}, resolving check ids against
 * `checks`. Its id is the entity's full ref (`scorecard:<namespace>/<name>`), so scorecards of
 * the same name in different namespaces never stand for each other. Throws an `InputError` (with the `path` of the bad field) for an unknown check or a
 * spec that does not validate.
 *
 * @example
 * ```ts
 * const card = scorecardFromEntity(entity, builtinChecks());
 * ```
 */
export function scorecardFromEntity(entity: Entity, checks: readonly Check[]): Scorecard {
  const parsed = scorecardSpecSchema.safeParse(entity.spec);
  const ref = stringifyEntityRef(entity);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const parts = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    const path = yamlPath(['spec', ...parts]);
    throw pathError(`${ref}: ${path}: ${issue.message}${weightOf(entity, parts)}`, path);
  }
  const byId = new Map(checks.map((c) => [c.id, c]));
  const spec = parsed.data;
  const levels = spec.levels.map((level, i) => ({
    id: level.id,
    ...(level.title ? { title: level.title } : {}),
    checks: level.checks.map((entry, j) => {
      const check = byId.get(entry.check);
      if (!check) {
        const raw = (entity.spec as ScorecardEntity['spec']).levels[i]!.checks[j];
        const path = yamlPath(typeof raw === 'string' ? ['spec', 'levels', i, 'checks', j] : ['spec', 'levels', i, 'checks', j, 'check']);
        throw pathError(`${ref}: ${path}: unknown check ${JSON.stringify(entry.check)}; known: ${[...byId.keys()].sort().join(', ')}`, path);
      }
      return { check, ...(entry.weight !== undefined ? { weight: entry.weight } : {}) };
    }),
  }));
  try {
    const card = defineScorecard({
      id: entity.metadata.name,
      title: entity.metadata.title ?? entity.metadata.name,
      ...(entity.metadata.description ? { description: entity.metadata.description } : {}),
      ...(spec.appliesTo ? { appliesTo: spec.appliesTo } : {}),
      levels,
      entityRef: ref,
    });
    return Object.freeze({ ...card, id: ref });
  } catch (error) {
    throw pathError(`${ref}: ${(error as Error).message}`, 'spec.levels');
  }
}

/**
 * A catalog processor that checks Scorecard entities against the checks a portal has, so a
 * scorecard naming an unknown check is a processing error at its `file:line`, not a surprise at
 * evaluation time.
 *
 * @example
 * ```ts
 * const catalog = createCatalog({ kinds: [...builtinKinds, scorecardKind], processors: [scorecardProcessor({ checks: builtinChecks() })] });
 * ```
 */
export function scorecardProcessor(options: { checks: readonly Check[] }): EntityProcessor {
  if (!options || !Array.isArray(options.checks)) throw new InputError('scorecardProcessor: checks must be an array of checks');
  return {
    name: 'scorecards',
    validate(entity) {
      if (entity.kind === 'Scorecard') scorecardFromEntity(entity, options.checks);
    },
  };
}
