import { InputError, serializeError } from '@portalkit/core';
import type { Logger } from '@portalkit/core';
import { stringifyEntityRef } from '@portalkit/catalog-model';
import type { Entity } from '@portalkit/catalog-model';
import type { ScorecardCatalog } from './evaluator.js';
import { scorecardFromEntity } from './kind.js';
import { scorecardRefOf } from './scorecard-id.js';
import type { ScorecardTrust } from './trust.js';
import type { Check, Scorecard } from './types.js';

/** A `kind: Scorecard` entity that could not be used, and why. */
export interface RegistryProblem {
  entityRef: string;
  message: string;
}

/**
 * The scorecards a service rates against: those defined in code, fixed, plus the catalog's
 * `kind: Scorecard` entities from trusted locations, loaded on first use and kept in step with
 * catalog changes. Catalog scorecards are identified by their full entity ref. A catalog
 * scorecard that stops loading (unknown check, id clash) keeps its last good version and is
 * listed in `problems()`; one from an untrusted location is never loaded, and listed there too.
 */
export interface ScorecardRegistry {
  all(): Scorecard[];
  /**
   * A code scorecard by its id, else a catalog scorecard by its ref, full or short (see
   * `scorecardRefOf`). Throws an `InputError` for ids no store can hold.
   */
  byId(id: string): Scorecard | undefined;
  /** Checks Scorecard entities may name. */
  checks(): Check[];
  /** Load the catalog's scorecards unless already loaded. */
  ensureLoaded(): Promise<void>;
  /** Re-read the catalog's scorecards; returns those that are gone. */
  reload(): Promise<Scorecard[]>;
  /** A Scorecard entity changed: the scorecard to re-run (if it loaded) and the one it replaced. */
  upsert(entity: Entity): { card?: Scorecard; replaced?: Scorecard };
  /** A Scorecard entity was deleted: the scorecard it defined, if any. */
  remove(entityRef: string): Scorecard | undefined;
  problems(): RegistryProblem[];
}

/** Create a {@link ScorecardRegistry}; `catalogScorecards: false` keeps it to the code scorecards. */
export function createScorecardRegistry(options: {
  catalog: ScorecardCatalog;
  scorecards: readonly Scorecard[];
  checks: readonly Check[];
  catalogScorecards: boolean;
  /** Which Scorecard entities may be used, by where they were read from. */
  trust: ScorecardTrust;
  logger: () => Logger;
}): ScorecardRegistry {
  const codeCards = new Map<string, Scorecard>();
  for (const card of options.scorecards) {
    if (!card || typeof card.id !== 'string' || !Array.isArray(card.levels)) {
      throw new InputError('createScorecards: each scorecard must come from defineScorecard');
    }
    if (codeCards.has(card.id)) throw new InputError(`createScorecards: two scorecards have id ${JSON.stringify(card.id)}`);
    codeCards.set(card.id, card);
  }
  const checks = new Map<string, Check>();
  for (const check of options.checks) checks.set(check.id, check);
  // The checks of code scorecards are always known, so YAML may reuse them by id.
  for (const card of codeCards.values()) {
    for (const level of card.levels) for (const { check } of level.checks) if (!checks.has(check.id)) checks.set(check.id, check);
  }
  const catalogCards = new Map<string, Scorecard>();
  const problems = new Map<string, string>();
  let loaded: Promise<void> | undefined;

  const refuse = (ref: string, message: string) => {
    problems.set(ref, message);
    options.logger().warn('scorecards: a Scorecard entity cannot be used', { entityRef: ref, message });
    return undefined;
  };

  const load = (entity: Entity): Scorecard | undefined => {
    const ref = stringifyEntityRef(entity);
    // Trust first: an untrusted entity is never parsed into a scorecard, so it replaces nothing.
    const trust = options.trust(entity);
    if (!trust.trusted) {
      catalogCards.delete(ref);
      return refuse(ref, trust.reason);
    }
    try {
      const card = scorecardFromEntity(entity, [...checks.values()]);
      // A short id (`name`) means scorecard:default/name; a code scorecard of that id keeps it.
      const shadowed = [...codeCards.keys()].find((id) => scorecardRefOf(id) === card.id);
      if (shadowed !== undefined) {
        return refuse(ref, `scorecard ${card.id} has the id of a scorecard defined in code (${JSON.stringify(shadowed)}); the code scorecard is used`);
      }
      problems.delete(ref);
      catalogCards.set(ref, card);
      return card;
    } catch (error) {
      problems.set(ref, (error as Error).message);
      options.logger().warn('scorecards: a Scorecard entity cannot be used', { entityRef: ref, error: serializeError(error) });
      return undefined;
    }
  };

  const registry: ScorecardRegistry = {
    all: () => [...codeCards.values(), ...catalogCards.values()],
    byId(id) {
      const ref = scorecardRefOf(id);
      return codeCards.get(id) ?? (ref !== undefined ? catalogCards.get(ref) : undefined);
    },
    checks: () => [...checks.values()],
    ensureLoaded() {
      if (!options.catalogScorecards) return Promise.resolve();
      loaded ??= (async () => {
        const { items } = await options.catalog.getEntities({ filter: { kind: 'scorecard' } });
        for (const entity of items) load(entity);
      })().catch((error: unknown) => {
        loaded = undefined;
        throw error;
      });
      return loaded;
    },
    async reload() {
      if (!options.catalogScorecards) return [];
      const before = [...catalogCards.values()];
      loaded = undefined;
      catalogCards.clear();
      problems.clear();
      await registry.ensureLoaded();
      return before.filter((card) => !catalogCards.has(card.id));
    },
    upsert(entity) {
      const replaced = catalogCards.get(stringifyEntityRef(entity));
      const card = load(entity);
      // An entity that became untrusted loses its scorecard (and its results) at once.
      return { ...(card ? { card } : {}), ...(replaced && !catalogCards.has(replaced.id) ? { replaced } : {}) };
    },
    remove(entityRef) {
      problems.delete(entityRef);
      const card = catalogCards.get(entityRef);
      catalogCards.delete(entityRef);
      return card;
    },
    problems: () => [...problems.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([entityRef, message]) => ({ entityRef, message })),
  };
  return registry;
}
