import { isAbsolute, resolve } from 'node:path';
import { minimatch } from 'minimatch';
import { normalizeLocation } from '../locations/normalize-location.js';
import { stringifyLocationRef } from '../processing/paths.js';
import type { LocationSpec } from '../processing/processor.js';
import { DEFAULT_CATALOG_RULES, type CatalogRule, type CatalogRuleAllow } from './catalog-rule.js';

/**
 * A location the host configured (`createCatalog({ locations })`), with its own catalog rules
 * (Backstage's `catalog.locations[].rules`).
 *
 * @example
 * ```ts
 * const org: ConfiguredLocation = { type: 'file', target: './org.yaml', rules: [{ allow: ['User', 'Group'] }] };
 * ```
 */
export interface ConfiguredLocation extends LocationSpec {
  /** Kinds this location (and the locations nested below it) may contribute. */
  rules?: CatalogRule[];
}

/**
 * Options of {@link createCatalogRulesEnforcer}.
 *
 * @example
 * ```ts
 * const options: CatalogRulesEnforcerOptions = { rootDir: '/srv', rules: [{ allow: ['Component', 'API', 'Location', 'System'] }] };
 * ```
 */
export interface CatalogRulesEnforcerOptions {
  /** The host's rules (`catalog.rules`); when left out, Backstage's default applies to registered locations. */
  rules?: readonly CatalogRule[];
  /** The host's configured locations, trusted unless rules name them. */
  locations?: readonly ConfiguredLocation[];
  /** Base of relative `file` targets in rules and locations. */
  rootDir: string;
}

/**
 * Decides whether an entity may come from its origin location (Backstage's `CatalogRulesEnforcer`).
 *
 * @example
 * ```ts
 * const why = enforcer.refusal({ kind: 'User' }, { type: 'url', target: 'https://example.com/catalog-info.yaml' });
 * if (why) console.log(why); // 'kind User is not allowed from url:https://example.com/catalog-info.yaml; ...'
 * ```
 */
export interface CatalogRulesEnforcer {
  /** `undefined` when `entity` may come from `origin`, else why not (one sentence). */
  refusal(entity: { kind?: unknown; spec?: unknown }, origin: LocationSpec | undefined): string | undefined;
}

interface LocationMatcher {
  type: string;
  exact?: string;
  pattern?: string;
}
interface CompiledRule {
  allow: CatalogRuleAllow[];
  locations?: LocationMatcher[];
}

/**
 * Backstage's `DefaultCatalogRulesEnforcer` with one difference: a location the host configured
 * is trusted host config, so it may contribute every kind while the host gives no rules at all
 * (Backstage applies its default there too). Once the host gives `rules`, or rules of that
 * location, Backstage's semantics apply: an entity is accepted when a rule matching its origin
 * location allows its kind; with no host `rules`, the default `[Component, API, Location]` is
 * one of them. Locations registered through `addLocation` always get Backstage's semantics.
 *
 * @example
 * ```ts
 * const rules = createCatalogRulesEnforcer({ rootDir: '/srv', locations: [{ type: 'file', target: './org.yaml', rules: [{ allow: ['User', 'Group'] }] }] });
 * rules.refusal({ kind: 'Group' }, { type: 'url', target: 'https://example.com/catalog-info.yaml' }); // 'not of an allowed kind ...'
 * ```
 */
export function createCatalogRulesEnforcer(options: CatalogRulesEnforcerOptions): CatalogRulesEnforcer {
  const { rootDir } = options;
  const normalizeTarget = (type: string, target: string): string => {
    if (type === 'file') return resolve(rootDir, target);
    if (type === 'url') {
      try {
        return new URL(target).toString();
      } catch {
        return target;
      }
    }
    return target;
  };
  const compile = (rule: CatalogRule): CompiledRule => ({
    allow: rule.allow.map((a) => (typeof a === 'string' ? { kind: a } : a)),
    ...(rule.locations
      ? {
          locations: rule.locations.map((l) => {
            const exact = l.exact ?? l.target;
            const pattern = l.pattern && l.type === 'file' && !isAbsolute(l.pattern) ? resolve(rootDir, l.pattern) : l.pattern;
            return { type: l.type, ...(exact !== undefined ? { exact: normalizeTarget(l.type, exact) } : {}), ...(pattern ? { pattern } : {}) };
          }),
        }
      : {}),
  });

  const configured = new Set<string>();
  const ownRules: CompiledRule[] = [];
  for (const loc of options.locations ?? []) {
    let normalized: { type: string; target: string };
    try {
      normalized = normalizeLocation(loc, rootDir);
    } catch {
      // Registering the configured locations reports it; an unusable location has no entities.
      continue;
    }
    configured.add(stringifyLocationRef(normalized));
    for (const rule of loc.rules ?? []) ownRules.push(compile({ allow: rule.allow, locations: [{ type: normalized.type, exact: normalized.target }] }));
  }
  const hostRules = options.rules?.map(compile);
  const globalRules = hostRules ?? DEFAULT_CATALOG_RULES.map(compile);
  // The rules of an origin: the same for every entity read below it, so computed once.
  const byOrigin = new Map<string, CompiledRule[] | 'all'>();
  const rulesFor = (origin: LocationSpec | undefined): CompiledRule[] | 'all' => {
    const key = origin ? stringifyLocationRef(origin) : '';
    let rules = byOrigin.get(key);
    if (rules) return rules;
    const own = ownRules.filter((r) => matchLocation(origin, r.locations));
    rules = configured.has(key) && !hostRules && own.length === 0 ? 'all' : [...globalRules, ...own].filter((r) => matchLocation(origin, r.locations));
    byOrigin.set(key, rules);
    return rules;
  };

  return {
    refusal(entity, origin) {
      const rules = rulesFor(origin);
      if (rules === 'all' || rules.some((r) => matchEntity(entity, r.allow))) return undefined;
      const kinds = rules.flatMap((r) => r.allow.map((a) => (a['spec.type'] ? `${a.kind} (spec.type ${a['spec.type']})` : a.kind)));
      const where = origin ? stringifyLocationRef(origin) : 'an unknown location';
      return `kind ${String(entity.kind)} is not allowed from ${where}; its catalog rules allow ${kinds.length ? [...new Set(kinds)].join(', ') : 'no kinds'}`;
    },
  };
}

function matchLocation(location: LocationSpec | undefined, matchers: readonly LocationMatcher[] | undefined): boolean {
  if (!matchers) return true;
  if (!location) return false;
  return matchers.some(
    (m) =>
      m.type === location.type &&
      (m.exact === undefined || m.exact === location.target) &&
      (m.pattern === undefined || minimatch(location.target, m.pattern, { nocase: true, dot: true })),
  );
}

function matchEntity(entity: { kind?: unknown; spec?: unknown }, allow: readonly CatalogRuleAllow[]): boolean {
  if (typeof entity.kind !== 'string') return false;
  const kind = entity.kind.toLowerCase();
  const specType = (entity.spec as { type?: unknown } | null | undefined)?.type;
  return allow.some((a) => a.kind.toLowerCase() === kind && (a['spec.type'] === undefined || a['spec.type'] === specType));
}
