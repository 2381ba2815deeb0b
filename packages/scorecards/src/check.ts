import { InputError } from '@portalkit/core';
import type { Check, CheckContext, CheckOutcome } from './types.js';
import type { EntityFilterQuery } from '@portalkit/catalog';
import type { Entity } from '@portalkit/catalog-model';
import { compileFilter } from './filter.js';

/**
 * Options of {@link createCheck}.
 *
 * @example
 * ```ts
 * const options: CreateCheckOptions = { id: 'has-title', title: 'Has a title', evaluate: () => ({ status: 'pass', message: 'ok' }) };
 * ```
 */
export interface CreateCheckOptions {
  /** Unique id, referenced from scorecards (`[a-z0-9]` words joined by `-`, `_` or `.`). */
  id: string;
  title: string;
  description?: string;
  /** Entities the check concerns (a catalog filter); others skip it. Default: all. */
  appliesTo?: EntityFilterQuery;
  evaluate(entity: Entity, ctx: CheckContext): Promise<CheckOutcome> | CheckOutcome;
}

const checkIdPattern = /^[a-z0-9]+(?:[-_.][a-z0-9]+)*$/;

/**
 * Create a check. Misuse (bad id, missing title or evaluate, malformed `appliesTo`) is rejected
 * here with an `InputError` naming the check.
 *
 * @example
 * ```ts
 * const hasTitle = createCheck({
 *   id: 'has-title',
 *   title: 'Has a title',
 *   appliesTo: { kind: 'Component' },
 *   evaluate: (entity) =>
 *     entity.metadata.title ? { status: 'pass', message: 'has a title' } : { status: 'fail', message: 'metadata.title is missing' },
 * });
 * ```
 */
export function createCheck(options: CreateCheckOptions): Check {
  if (options === null || typeof options !== 'object') throw new InputError('createCheck: options must be an object');
  const label = `createCheck(${JSON.stringify(options.id)})`;
  if (typeof options.id !== 'string' || !checkIdPattern.test(options.id)) {
    throw new InputError(`${label}: id must be lowercase words joined by -, _ or . (e.g. has-owner)`);
  }
  if (typeof options.title !== 'string' || !options.title.trim()) throw new InputError(`${label}: title must be a non-empty string`);
  if (typeof options.evaluate !== 'function') throw new InputError(`${label}: evaluate must be a function`);
  compileFilter(options.appliesTo, label);
  return Object.freeze({
    id: options.id,
    title: options.title,
    ...(options.description !== undefined ? { description: options.description } : {}),
    ...(options.appliesTo !== undefined ? { appliesTo: options.appliesTo } : {}),
    evaluate: options.evaluate,
  });
}
