import { InputError } from '@portalkit/core';
import { ANNOTATION_LOCATION } from '@portalkit/catalog-model';
import type { Entity } from '@portalkit/catalog-model';

/**
 * A catalog location trusted to declare `kind: Scorecard` entities, in the shape of a Backstage
 * catalog rule's `locations` entry: a location `type` (`file`, `url`, or whatever a provider
 * writes), and optionally an exact `target` or a glob `pattern` (`*` stays within one path
 * segment, `**` crosses segments). Neither: every target of that type. It is matched against
 * the `backstage.io/managed-by-location` annotation of the entity: the file or URL its YAML was
 * read from (the catalog writes that annotation itself for everything it reads; providers must
 * set it truthfully on what they emit). `file` targets are absolute paths, as the catalog
 * records them.
 *
 * @example
 * ```ts
 * const rules: ScorecardLocationRule[] = [
 *   { type: 'file', pattern: '/srv/portal/platform/scorecards/*.yaml' },
 *   { type: 'url', pattern: 'https://github.com/acme/platform/blob/main/scorecards/**' },
 * ];
 * ```
 */
export interface ScorecardLocationRule {
  type: string;
  target?: string;
  pattern?: string;
}

/** Whether a catalog entity may declare a scorecard, and if not, why. */
export type ScorecardTrust = (entity: Entity) => { trusted: true } | { trusted: false; reason: string };

const escape = (text: string) => text.replace(/[.+^${}()|[\]\\]/g, '\\$&');

/** A glob as a whole-string regular expression: `**` any characters, `*` and `?` within a segment. */
function globRegex(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      source += '.*';
      i++;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += escape(c);
  }
  return new RegExp(`^${source}$`, 's');
}

/**
 * Compile the rules of `createScorecards({ trustedLocations })`; bad rules are an `InputError`
 * naming `label` and the rule's index.
 */
export function compileScorecardTrust(rules: readonly ScorecardLocationRule[] | undefined, label: string): ScorecardTrust {
  if (rules !== undefined && !Array.isArray(rules)) throw new InputError(`${label}: trustedLocations must be an array of { type, target? | pattern? }`);
  const matchers = (rules ?? []).map((rule, i) => {
    const at = `${label}: trustedLocations[${i}]`;
    if (!rule || typeof rule.type !== 'string' || !rule.type || rule.type.includes(':')) throw new InputError(`${at}: type must be a location type such as file or url`);
    if (rule.target !== undefined && rule.pattern !== undefined) throw new InputError(`${at}: give a target or a pattern, not both`);
    for (const key of ['target', 'pattern'] as const) {
      if (rule[key] !== undefined && (typeof rule[key] !== 'string' || !rule[key])) throw new InputError(`${at}: ${key} must be a non-empty string`);
    }
    const pattern = rule.pattern !== undefined ? globRegex(rule.pattern) : undefined;
    return (type: string, target: string) =>
      type === rule.type && (rule.target !== undefined ? target === rule.target : pattern ? pattern.test(target) : true);
  });
  return (entity) => {
    const location = entity.metadata.annotations?.[ANNOTATION_LOCATION];
    const colon = typeof location === 'string' ? location.indexOf(':') : -1;
    if (!location || colon <= 0) {
      return { trusted: false, reason: `it has no ${ANNOTATION_LOCATION} annotation, so its source cannot be trusted to declare scorecards` };
    }
    const type = location.slice(0, colon);
    const target = location.slice(colon + 1);
    if (matchers.some((matches) => matches(type, target))) return { trusted: true };
    return {
      trusted: false,
      reason: `it was read from ${location}, which is not among the locations trusted to declare scorecards (createScorecards trustedLocations); it is ignored`,
    };
  };
}
