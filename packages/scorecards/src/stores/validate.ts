import { InputError } from '@portalkit/core';
import { textProblem } from '../text.js';
import type { ScorecardResult, ScorecardResultQuery, ScorecardWrite, ScorecardWriteRejection } from '../types.js';

const STATUSES = new Set(['pass', 'fail', 'warn']);
// Timestamps are indexed in the history; an ISO string is 24-27 characters.
const MAX_TIMESTAMP = 64;
const INT_MAX = 2 ** 31 - 1;

/** The first reason `value` is not storable text, naming `field`. */
function textError(value: unknown, field: string, options: { optional?: boolean; nonEmpty?: boolean; max?: number } = {}): string | undefined {
  if (value === undefined && options.optional) return undefined;
  if (typeof value !== 'string') return `${field} must be a string`;
  if (options.nonEmpty && !value) return `${field} must not be empty`;
  if (options.max !== undefined && value.length > options.max) return `${field} must be at most ${options.max} characters`;
  const problem = textProblem(value);
  return problem ? `${field} ${problem}` : undefined;
}

/** Why a result cannot be stored, or undefined when it can. */
function resultError(r: ScorecardResult): string | undefined {
  if (!r || typeof r !== 'object') return 'a result must be an object';
  const first =
    textError(r.scorecardId, 'scorecardId', { nonEmpty: true }) ??
    textError(r.entityRef, 'entityRef', { nonEmpty: true }) ??
    textError(r.ownerRef, 'ownerRef', { optional: true }) ??
    textError(r.evaluatedAt, 'evaluatedAt', { nonEmpty: true, max: MAX_TIMESTAMP }) ??
    textError(r.level, 'level', { optional: true });
  if (first) return first;
  if (!Number.isInteger(r.levelIndex) || r.levelIndex < -1 || r.levelIndex > INT_MAX) return `levelIndex must be an integer of at least -1, got ${String(r.levelIndex)}`;
  if (typeof r.percentage !== 'number' || !Number.isFinite(r.percentage) || r.percentage < 0 || r.percentage > 100) {
    return `percentage must be a finite number from 0 to 100, got ${String(r.percentage)}`;
  }
  if (!Array.isArray(r.checks)) return 'checks must be an array';
  for (const [i, c] of r.checks.entries()) {
    const at = `checks[${i}]`;
    if (!c || typeof c !== 'object') return `${at} must be an object`;
    const error = textError(c.checkId, `${at}.checkId`, { nonEmpty: true }) ?? textError(c.level, `${at}.level`) ?? textError(c.message, `${at}.message`);
    if (error) return error;
    if (!STATUSES.has(c.status)) return `${at}.status must be pass, fail or warn`;
    if (typeof c.weight !== 'number' || !Number.isFinite(c.weight) || c.weight < 0) return `${at}.weight must be a finite number of at least 0, got ${String(c.weight)}`;
    if (c.dependencies !== undefined) {
      if (!Array.isArray(c.dependencies)) return `${at}.dependencies must be an array`;
      for (const [j, ref] of c.dependencies.entries()) {
        const refError = textError(ref, `${at}.dependencies[${j}]`, { nonEmpty: true });
        if (refError) return refError;
      }
    }
  }
  if (!Array.isArray(r.dependencies)) return 'dependencies must be an array';
  for (const [i, ref] of r.dependencies.entries()) {
    const error = textError(ref, `dependencies[${i}]`, { nonEmpty: true });
    if (error) return error;
  }
  return undefined;
}

const keyOf = (scorecardId: string, entityRef: string) => `${scorecardId}\u0000${entityRef}`;

/**
 * Split a batch into what a store writes and what it refuses. Every store runs this first, so
 * they all refuse the same rows with the same `InputError`s: one bad result never fails the
 * batch. Later puts of one key win, as if written one by one; removals of keys no store could
 * hold are dropped (nothing can be stored under them).
 */
export function checkWrite(
  batch: ScorecardWrite,
  store: string,
): { put: ScorecardResult[]; remove: { scorecardId: string; entityRef?: string }[]; rejected: ScorecardWriteRejection[] } {
  if (!batch || typeof batch !== 'object') throw new InputError(`${store}: write expects { put?, remove? }`);
  if (batch.put !== undefined && !Array.isArray(batch.put)) throw new InputError(`${store}: write: put must be an array`);
  if (batch.remove !== undefined && !Array.isArray(batch.remove)) throw new InputError(`${store}: write: remove must be an array`);
  const put = new Map<string, ScorecardResult>();
  const rejected: ScorecardWriteRejection[] = [];
  for (const r of batch.put ?? []) {
    const error = resultError(r);
    if (error) {
      const scorecardId = String(r?.scorecardId);
      const entityRef = String(r?.entityRef);
      rejected.push({
        scorecardId,
        entityRef,
        error: new InputError(`${store}: result of scorecard ${JSON.stringify(scorecardId)} on ${JSON.stringify(entityRef)} refused: ${error}`),
      });
    } else {
      const key = keyOf(r.scorecardId, r.entityRef);
      put.delete(key); // keep the order of the last put of a key
      put.set(key, r);
    }
  }
  const remove = (batch.remove ?? []).filter(
    (r) => r && !textError(r.scorecardId, 'scorecardId', { nonEmpty: true }) && !textError(r.entityRef, 'entityRef', { optional: true }),
  );
  return { put: [...put.values()], remove, rejected };
}

/** Throw an `InputError` naming the store for a query no store could answer. */
export function checkLatestQuery(query: ScorecardResultQuery, store: string): void {
  if (!query || typeof query !== 'object') throw new InputError(`${store}: latest expects a query object`);
  const error =
    textError(query.scorecardId, 'scorecardId', { optional: true }) ??
    textError(query.ownerRef, 'ownerRef', { optional: true }) ??
    (query.entityRefs !== undefined && !Array.isArray(query.entityRefs)
      ? 'entityRefs must be an array'
      : (query.entityRefs ?? []).map((ref, i) => textError(ref, `entityRefs[${i}]`)).find(Boolean)) ??
    limitError(query.limit) ??
    (query.order !== undefined && query.order !== 'ref' && query.order !== 'worst' ? 'order must be ref or worst' : undefined);
  if (error) throw new InputError(`${store}: latest: ${error}`);
}

/** Throw an `InputError` naming the store for a history query no store could answer. */
export function checkHistoryQuery(query: { entityRef: string; scorecardId?: string; limit?: number }, store: string): void {
  if (!query || typeof query !== 'object') throw new InputError(`${store}: history expects { entityRef, scorecardId?, limit? }`);
  const error =
    textError(query.entityRef, 'entityRef') ?? textError(query.scorecardId, 'scorecardId', { optional: true }) ?? limitError(query.limit);
  if (error) throw new InputError(`${store}: history: ${error}`);
}

function limitError(limit: unknown): string | undefined {
  if (limit === undefined) return undefined;
  return typeof limit === 'number' && !Number.isNaN(limit) && limit >= 0 ? undefined : `limit must be a number of at least 0, got ${String(limit)}`;
}
