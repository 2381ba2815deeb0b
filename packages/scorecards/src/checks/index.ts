import type { Check } from '../types.js';
import { apiHasDefinition } from './api-has-definition.js';
import { dependenciesInProduction } from './dependencies-in-production.js';
import { hasDescription } from './has-description.js';
import { hasLinks } from './has-links.js';
import { hasOwner } from './has-owner.js';
import { hasSystem } from './has-system.js';
import { hasTags } from './has-tags.js';
import { hasTechDocs } from './has-techdocs.js';
import { ownerHasMembers } from './owner-has-members.js';

export { apiHasDefinition, dependenciesInProduction, hasDescription, hasLinks, hasOwner, hasSystem, hasTags, hasTechDocs, ownerHasMembers };

/**
 * Every built-in check with its default options, under its default id: `has-owner`,
 * `owner-has-members`, `has-techdocs`, `has-description`, `dependencies-in-production`,
 * `api-has-definition`, `has-system`, `has-tags`, `has-links`. Scorecard YAML refers to checks by
 * these ids.
 *
 * @example
 * ```ts
 * const scorecards = createScorecards({ catalog, checks: [...builtinChecks(), myCheck] });
 * ```
 */
export function builtinChecks(): Check[] {
  return [
    hasOwner(),
    ownerHasMembers(),
    hasTechDocs(),
    hasDescription(),
    dependenciesInProduction(),
    apiHasDefinition(),
    hasSystem(),
    hasTags(),
    hasLinks(),
  ];
}
