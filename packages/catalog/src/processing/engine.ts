import { NotAllowedError, locateYamlPath, mapLimit } from '@portalkit/core';
import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  parseEntityRef,
  stringifyEntityRef,
} from '@portalkit/catalog-model';
import type { CompoundEntityRef, Entity, EntityValidator, KindRelationRule } from '@portalkit/catalog-model';
import type { CatalogRulesEnforcer } from '../rules/rules-enforcer.js';
import type { ProcessingError } from '../stores/types.js';
import { assertEntityRefText, assertLocationTargetLength } from '../stores/text-limits.js';
import { builtinRelations, type RefRelation } from './builtin-relations.js';
import { scmAnnotations } from './scm-annotations.js';
import {
  readBuiltinLocation,
  resolveTarget,
  toProcessingError,
  type EntitySource,
  type LocationReaderContext,
} from './location-reader.js';
import { parseLocationRef, stringifyLocationRef } from './paths.js';
import { containsPlaceholder, resolvePlaceholders } from './placeholders.js';
import type { EntityProcessor, LocationSpec, ProcessorEmit } from './processor.js';

/** One entity waiting to be processed in a pass. */
export interface PassInput {
  /** Lowercase ref. */
  ref: string;
  entity: Entity;
  rootKey?: string;
  locationKey?: string;
  parentRef?: string;
  source?: EntitySource;
}

/** What processing one entity produced. */
export interface ProcessOutcome {
  /** The processed entity; missing when processing failed. */
  processed?: Entity;
  errors: ProcessingError[];
  relations: RefRelation[];
  refreshKeys: string[];
  children: PassInput[];
  /**
   * `type:target` locations this entity reads that failed this time (unreadable file, broken
   * YAML): entities it read from them before keep it as their parent instead of turning orphan.
   */
  retainedLocationKeys?: string[];
  /**
   * Refs this entity read but the catalog rules refused: a stored entity of that ref keeps this
   * parent, unchanged (Backstage keeps what a location emitted before when its processing fails).
   */
  refusedRefs?: string[];
}

/**
 * A processed entity of a pass, as claimed. Its children are not kept: they become the next
 * level's inputs, and holding them would keep every entity's YAML source alive until commit.
 */
export interface PassItem extends Omit<ProcessOutcome, 'children'> {
  ref: string;
  unprocessed: Entity;
  rootKey?: string;
  locationKey?: string;
  parentRefs: string[];
}

/** Everything processing needs. */
export interface EngineContext extends LocationReaderContext {
  processors: readonly EntityProcessor[];
  validator: EntityValidator;
  concurrency?: number;
  /** Validate only: do not read the targets of Location entities. */
  skipLocationReading?: boolean;
  /** The relation rules of a kind declared in YAML (kind: KindDefinition); undefined for kinds in code. */
  declaredRelations?: (kind: string) => readonly KindRelationRule[] | undefined;
  /** Which kinds each origin location may contribute; without it every kind is accepted. */
  rules?: CatalogRulesEnforcer;
}

/**
 * Runs `process` over all of `refs`, calling it on subsets that no other worker is processing
 * at the same time (several catalog processes on one store); see `createWorkLeases`.
 */
export type EntityGuard = (refs: readonly string[], process: (refs: readonly string[]) => Promise<void>) => Promise<void>;

/** Looks up the stored claims of refs, so a ref held by another source stays with it. */
export type StoredClaims = (refs: string[]) => Promise<Map<string, { locationKey?: string; rootKey?: string; parentRefs: readonly string[] }>>;

/**
 * The location an entity was read from, from its `managed-by-location` annotation.
 *
 * @example
 * ```ts
 * entityLocation(entity); // { type: 'file', target: '/srv/catalog-info.yaml' }
 * ```
 */
export function entityLocation(entity: Entity): LocationSpec | undefined {
  return parseLocationRef(entity.metadata.annotations?.[ANNOTATION_LOCATION]);
}

/** The ref of a raw entity, or `undefined` when it has no usable kind/name. */
export function refOf(entity: unknown): string | undefined {
  const e = entity as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } } | null;
  if (!e || typeof e.kind !== 'string' || !e.kind || typeof e.metadata?.name !== 'string' || !e.metadata.name) return undefined;
  if (e.metadata.namespace !== undefined && typeof e.metadata.namespace !== 'string') return undefined;
  return stringifyEntityRef({ kind: e.kind, namespace: (e.metadata.namespace as string) || undefined, name: e.metadata.name } as CompoundEntityRef);
}

const toRef = (ref: string | CompoundEntityRef) => {
  const text = stringifyEntityRef(typeof ref === 'string' ? parseEntityRef(ref) : ref);
  // A ref no store can key (NUL, lone surrogate, too long) fails this entity alone, not the batch.
  assertEntityRefText(text);
  return text;
};

/**
 * Run one entity through the pipeline: placeholders, `preProcess`, validation, `validate`,
 * reading of Location targets, built-in relations, `postProcess`. Never throws: failures come
 * back as errors with no `processed` entity.
 */
export async function processEntity(input: PassInput, context: EngineContext): Promise<ProcessOutcome> {
  const errors: ProcessingError[] = [];
  const relations: RefRelation[] = [];
  const refreshKeys: string[] = [];
  const children: PassInput[] = [];
  const retained: string[] = [];
  const refused: string[] = [];
  const ownLocation = entityLocation(input.entity);
  const origin = input.entity.metadata.annotations?.[ANNOTATION_ORIGIN_LOCATION] ?? (ownLocation ? stringifyLocationRef(ownLocation) : undefined);
  const file = input.source?.file;
  let failed = false;

  const addChild = (raw: Entity, location: LocationSpec, source?: EntitySource) => {
    const locationRef = stringifyLocationRef(location);
    const ref = refOf(raw);
    if (!ref) {
      // Without kind and name nobody can own the problem but the entity that read it.
      const result = context.validator.validate(raw, source ? { file: source.file, yamlText: source.text, documentLine: source.line } : {});
      const list = result.ok ? [{ path: 'metadata.name', rule: 'required', message: 'entity has no kind or name', file: source?.file, line: source?.line }] : result.errors;
      for (const e of list) errors.push(cleanError({ name: 'InputError', message: e.message, file: e.file, line: e.line, path: e.path, rule: e.rule }));
      return;
    }
    try {
      // The ref keys the child's store rows; one no store can key is the reader's problem.
      assertEntityRefText(ref);
    } catch (error) {
      errors.push(cleanError({ ...toProcessingError(error, { path: 'metadata.name', rule: 'ref' }), file: source?.file, line: source?.line }));
      return;
    }
    const refusal = ruleRefusal(context, raw, ref, origin ?? locationRef, source);
    if (refusal) {
      errors.push(refusal);
      refused.push(ref);
      return;
    }
    const entity = withLocationAnnotations(raw, locationRef, origin ?? locationRef, scmAnnotations(location, context.integrations));
    children.push({ ref, entity, locationKey: locationRef, parentRef: input.ref, ...(source ? { source } : {}) });
  };

  const emit: ProcessorEmit = {
    entity(entity, location) {
      const loc = location ?? ownLocation ?? { type: 'provider', target: input.ref };
      addChild(entity, loc);
    },
    relation(relation) {
      try {
        relations.push({ sourceRef: toRef(relation.source), type: relation.type, targetRef: toRef(relation.target) });
      } catch (error) {
        errors.push(toProcessingError(error, { rule: 'relation' }));
      }
    },
    error(error, details) {
      const e = typeof error === 'string' ? { name: 'InputError', message: error } : toProcessingError(error);
      errors.push(cleanError({ ...e, file: details?.file ?? file, ...details }));
    },
    refresh(key) {
      if (!refreshKeys.includes(key)) refreshKeys.push(key);
    },
  };
  const location = ownLocation ?? { type: 'provider', target: input.locationKey ?? input.rootKey ?? 'unknown' };
  const lineOf = (path: string | undefined) => lineOfPath(input.source, path);
  const fail = (error: unknown, details: { path?: string; rule?: string } = {}) => {
    failed = true;
    const path = details.path ?? (error as { path?: unknown } | null)?.path;
    const e = toProcessingError(error, { ...details, ...(typeof path === 'string' ? { path } : {}) });
    const line = lineOf(e.path);
    errors.push(cleanError({ ...e, ...(file ? { file } : {}), ...(line ? { line } : {}) }));
  };

  // Built-in steps never mutate; only foreign processors might, and they must not reach the stored input.
  let entity: Entity = context.processors.length ? structuredClone(input.entity) : input.entity;
  try {
    if (containsPlaceholder(entity)) {
      const resolved = await resolvePlaceholders(entity, ownLocation, context);
      entity = resolved.entity;
      if (resolved.errors.length) {
        failed = true;
        for (const e of resolved.errors) {
          const line = lineOf(e.path);
          errors.push(cleanError({ ...e, ...(file ? { file } : {}), ...(line ? { line } : {}) }));
        }
      }
    }
    if (!failed) {
      for (const p of context.processors) {
        if (!p.preProcess) continue;
        try {
          entity = (await p.preProcess(entity, location, emit)) ?? entity;
        } catch (error) {
          fail(error, { rule: `processor:${p.name}` });
          break;
        }
      }
    }
    if (!failed) {
      const result = context.validator.validate(
        entity,
        input.source ? { file: input.source.file, yamlText: input.source.text, documentLine: input.source.line } : {},
      );
      if (!result.ok) {
        failed = true;
        for (const e of result.errors) {
          errors.push(cleanError({ name: 'InputError', message: e.message, file: e.file ?? file, line: e.line, path: e.path, rule: e.rule }));
        }
      } else entity = result.entity;
    }
    // Placeholders or a processor may have changed what the emitter's check saw (kind, spec.type).
    if (!failed && !input.rootKey && context.rules && origin) {
      const refusal = context.rules.refusal(entity, parseLocationRef(origin));
      if (refusal) fail(new NotAllowedError(`entity ${input.ref} ${refusal}`), { path: 'kind', rule: 'catalog-rules' });
    }
    if (!failed) {
      for (const p of context.processors) {
        if (!p.validate) continue;
        try {
          await p.validate(entity, location, emit);
        } catch (error) {
          fail(error, { rule: `processor:${p.name}` });
          break;
        }
      }
    }
    if (!failed && entity.kind === 'Location' && !context.skipLocationReading) await readLocationTargets(entity, ownLocation, context, emit, errors, addChild, retained, input.source);
    if (!failed) {
      try {
        relations.push(...builtinRelations(entity, context.declaredRelations?.(entity.kind)));
      } catch (error) {
        fail(error, { rule: 'relation' });
      }
    }
    if (!failed) {
      for (const p of context.processors) {
        if (!p.postProcess) continue;
        try {
          entity = (await p.postProcess(entity, location, emit)) ?? entity;
        } catch (error) {
          fail(error, { rule: `processor:${p.name}` });
          break;
        }
      }
    }
  } catch (error) {
    fail(error);
  }
  return failed
    ? { errors, relations: [], refreshKeys, children: [] }
    : { processed: entity, errors, relations, refreshKeys, children, ...(retained.length ? { retainedLocationKeys: retained } : {}), ...(refused.length ? { refusedRefs: refused } : {}) };
}

/** The YAML line of `path` in the entity's source; flow-style values (`[a, b]`) hide their items from the locator, so the nearest parent's line is used. */
function lineOfPath(source: EntitySource | undefined, path: string | undefined): number | undefined {
  if (!source || !path) return undefined;
  const parts = splitPath(path);
  for (let n = parts.length; n > 0; n--) {
    const line = locateYamlPath(source.text, source.line, parts.slice(0, n));
    if (line !== undefined) return line;
  }
  return undefined;
}

/**
 * The error of a child the catalog rules refuse (at its `kind:` line), or `undefined` when they
 * accept it. Rules judge by the location the child originated at, so a nested Location's files
 * answer to the rules of the location that was registered or configured.
 */
function ruleRefusal(context: EngineContext, raw: Entity, ref: string, origin: string, source: EntitySource | undefined): ProcessingError | undefined {
  const refusal = context.rules?.refusal(raw, parseLocationRef(origin));
  if (!refusal) return undefined;
  const line = lineOfPath(source, 'kind') ?? source?.line;
  const at = source ? `${source.file}${line ? `:${line}` : ''}: ` : '';
  return cleanError({ name: 'NotAllowedError', message: `${at}entity ${ref} ${refusal}`, file: source?.file, line, path: 'kind', rule: 'catalog-rules' });
}

/**
 * A child entity as read from `locationRef`: Backstage's location and origin annotations set;
 * `defaults` (view/edit/source) only where the YAML sets none.
 */
function withLocationAnnotations(raw: Entity, locationRef: string, originRef: string, defaults: Record<string, string> = {}): Entity {
  const metadata = raw.metadata ?? ({} as Entity['metadata']);
  return {
    ...raw,
    metadata: {
      ...metadata,
      annotations: { ...defaults, ...(metadata.annotations ?? {}), [ANNOTATION_LOCATION]: locationRef, [ANNOTATION_ORIGIN_LOCATION]: originRef },
    },
  };
}

async function readLocationTargets(
  entity: Entity,
  ownLocation: LocationSpec | undefined,
  context: EngineContext,
  emit: ProcessorEmit,
  errors: ProcessingError[],
  addChild: (raw: Entity, location: LocationSpec, source?: EntitySource) => void,
  retained: string[],
  source?: EntitySource,
) {
  const spec = (entity.spec ?? {}) as { type?: unknown; target?: unknown; targets?: unknown; presence?: unknown };
  const type = typeof spec.type === 'string' && spec.type ? spec.type : (ownLocation?.type ?? 'file');
  const targets = [
    ...(typeof spec.target === 'string' ? [spec.target] : []),
    ...(Array.isArray(spec.targets) ? spec.targets.filter((t): t is string => typeof t === 'string') : []),
  ];
  for (const [index, raw] of targets.entries()) {
    // Where this target is written in the Location's YAML, for refusals of the target itself.
    const at = (): { file: string; line?: number; path: string } | undefined => {
      if (!source) return undefined;
      const path = typeof spec.target === 'string' ? (index === 0 ? 'spec.target' : `spec.targets[${index - 1}]`) : `spec.targets[${index}]`;
      const line = lineOfPath(source, path);
      return { file: source.file, ...(line ? { line } : {}), path };
    };
    let location: LocationSpec;
    try {
      assertLocationTargetLength(raw);
      location = {
        type,
        target: resolveTarget(ownLocation, type, raw, context.rootDir, context.integrations),
        ...(spec.presence === 'optional' ? { presence: 'optional' as const } : {}),
      };
    } catch (error) {
      errors.push(toProcessingError(error, { path: 'spec.target', rule: 'location' }));
      continue;
    }
    let handled = false;
    for (const p of context.processors) {
      if (!p.readLocation) continue;
      try {
        if (await p.readLocation(location, emit)) {
          handled = true;
          break;
        }
      } catch (error) {
        errors.push(toProcessingError(error, { rule: `processor:${p.name}` }));
        retained.push(stringifyLocationRef(location));
        handled = true;
        break;
      }
    }
    if (handled) continue;
    const result = await readBuiltinLocation(location, context);
    if (!result.handled) {
      errors.push({ name: 'InputError', message: `no reader for location type '${location.type}'`, rule: 'location' });
      continue;
    }
    // A target refused before anything was read (a host that is not configured, a file outside
    // the root) is the Location's problem: report it at the line naming the target.
    for (const e of result.errors) {
      const where = e.name === 'NotAllowedError' && e.line === undefined ? at() : undefined;
      errors.push(where ? { ...e, ...where, message: `${where.file}${where.line ? `:${where.line}` : ''}: ${e.message}` } : e);
    }
    retained.push(...result.failed);
    for (const read of result.entities) addChild(read.entity, read.location, read.source);
  }
}

function cleanError(e: ProcessingError): ProcessingError {
  const out: ProcessingError = { name: e.name, message: e.message };
  if (e.file !== undefined) out.file = e.file;
  if (e.line !== undefined) out.line = e.line;
  if (e.path !== undefined) out.path = e.path;
  if (e.rule !== undefined) out.rule = e.rule;
  return out;
}

/**
 * Process `inputs` and everything they emit, level by level (a level's entities concurrently,
 * their children in emission order), so the first claimant of a ref is the same however fast
 * each entity is. A ref emitted again from the same source gains a parent; from another source
 * it is a conflict recorded on the emitting entity. `storedClaims` lets the stored claim of a
 * ref win over a new source. Cycles end because each ref is processed once per pass.
 */
export async function runPass(
  inputs: readonly PassInput[],
  context: EngineContext,
  storedClaims?: StoredClaims,
  guard?: EntityGuard,
): Promise<Map<string, PassItem>> {
  const items = new Map<string, PassItem>();
  const concurrency = Math.max(1, context.concurrency ?? 16);
  let level = [...inputs];
  while (level.length) {
    const batch: { item: PassItem; input: PassInput }[] = [];
    const stored = storedClaims
      ? await storedClaims([...new Set(level.filter((i) => !items.has(i.ref)).map((i) => i.ref))])
      : new Map<string, { locationKey?: string; rootKey?: string; parentRefs: readonly string[] }>();
    for (const input of level) {
      const existing = items.get(input.ref);
      if (existing) {
        if (existing.locationKey === input.locationKey || input.locationKey === undefined) {
          if (input.parentRef && !existing.parentRefs.includes(input.parentRef)) existing.parentRefs.push(input.parentRef);
        } else {
          conflict(items, input, existing.locationKey);
        }
        continue;
      }
      // The stored claim stands while one of its emitters has not been reprocessed in this pass.
      const claim = stored.get(input.ref);
      if (
        claim &&
        claim.locationKey !== input.locationKey &&
        (claim.rootKey !== undefined ? claim.rootKey !== input.rootKey : claim.parentRefs.some((p) => !items.has(p)))
      ) {
        conflict(items, input, claim.locationKey ?? claim.rootKey);
        continue;
      }
      const item: PassItem = {
        ref: input.ref,
        unprocessed: input.entity,
        parentRefs: input.parentRef ? [input.parentRef] : [],
        errors: [],
        relations: [],
        refreshKeys: [],
        ...(input.rootKey ? { rootKey: input.rootKey } : {}),
        ...(input.locationKey ? { locationKey: input.locationKey } : {}),
      };
      items.set(input.ref, item);
      batch.push({ item, input });
    }
    const outcomes = new Map<string, ProcessOutcome>();
    const processRefs = async (refs: readonly string[]) => {
      const wanted = new Set(refs);
      const part = batch.filter((b) => wanted.has(b.item.ref));
      const results = await mapLimit(part, concurrency, ({ input }) => processEntity(input, context));
      part.forEach((b, i) => outcomes.set(b.item.ref, results[i]!));
    };
    if (guard) await guard(batch.map((b) => b.item.ref), processRefs);
    else await processRefs(batch.map((b) => b.item.ref));
    // Children in emission order whatever order the guard processed the level in.
    const next: PassInput[] = [];
    for (const { item } of batch) {
      const { children, ...outcome } = outcomes.get(item.ref)!;
      Object.assign(item, outcome);
      // A loop, not push(...children): a Location can emit more children than call arguments fit.
      for (const child of children) next.push(child);
    }
    level = next;
  }
  return items;
}

function conflict(items: Map<string, PassItem>, input: PassInput, heldBy: string | undefined) {
  const parent = input.parentRef ? items.get(input.parentRef) : undefined;
  const message = `${input.ref} from ${input.locationKey ?? 'unknown source'} is already provided by ${heldBy ?? 'another source'}`;
  const error: ProcessingError = { name: 'ConflictError', message, rule: 'conflict' };
  if (input.source) {
    error.file = input.source.file;
    error.line = input.source.line;
  }
  if (parent && !parent.errors.some((e) => e.message === message)) parent.errors.push(error);
}

/** `spec.steps[2].input` -> `['spec', 'steps', 2, 'input']`. */
function splitPath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const part of path.split('.')) {
    const m = part.match(/^([^[]*)((?:\[\d+\])*)$/);
    if (!m) {
      out.push(part);
      continue;
    }
    if (m[1]) out.push(m[1]);
    for (const idx of m[2]!.matchAll(/\[(\d+)\]/g)) out.push(Number(idx[1]));
  }
  return out;
}
