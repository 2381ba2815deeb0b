import { NotAllowedError } from '@portalkit/core';
import type { PortalAuth } from '@portalkit/core';
import type { CatalogAccess } from './access.js';

/**
 * The catalog's audit actions (permission-style names): location create/delete/update, entity
 * delete (unregister) and refresh, and a provider's `applyMutation`.
 *
 * @example
 * ```ts
 * const action: CatalogAuditAction = 'catalog.location.create';
 * ```
 */
export type CatalogAuditAction =
  | 'catalog.location.create'
  | 'catalog.location.delete'
  | 'catalog.location.update'
  | 'catalog.entity.delete'
  | 'catalog.entity.refresh'
  | 'catalog.entity.update'
  | 'catalog.provider.mutation';

/** What one audited mutation is about. */
export interface AuditedMutation {
  action: CatalogAuditAction;
  target: string;
  meta?: Record<string, unknown>;
}

/** Given to an audited mutation's body. */
export interface AuditContext {
  /** Mark the outcome `denied` (for an error that does not say so, such as not found for a hidden entity); returns `error`. */
  deny(error: Error): Error;
  /** Name the target more precisely once known (an entity's ref instead of its uid). */
  setTarget(target: string): void;
  /** Add non-secret detail known only once the mutation ran (a pull request's URL). */
  addMeta(meta: Record<string, unknown>): void;
}

/**
 * Runs catalog mutations and records each one with `auth.audit`: `success` when it resolves,
 * `denied` when it throws a NotAllowedError (or its body calls `deny`, e.g. for an entity the
 * principal may not see, which it answers as not found), `failure` otherwise. The error is
 * rethrown; a failing sink never fails the mutation (core's `audit` logs it).
 *
 * @example
 * ```ts
 * const audited = createAuditedMutations(() => auth);
 * await audited(access, { action: 'catalog.location.delete', target: `location:${id}` }, async () => remove(id));
 * ```
 */
export function createAuditedMutations(auth: () => PortalAuth) {
  return async function audited<T>(
    access: CatalogAccess,
    mutation: AuditedMutation,
    run: (context: AuditContext) => Promise<T>,
  ): Promise<T> {
    let denied = false;
    let target = mutation.target;
    let meta = mutation.meta;
    const context: AuditContext = {
      addMeta(more) {
        meta = { ...meta, ...more };
      },
      deny(error) {
        denied = true;
        return error;
      },
      setTarget(t) {
        target = t;
      },
    };
    const record = (outcome: 'success' | 'failure' | 'denied', error?: unknown) =>
      auth().audit({
        plugin: 'catalog',
        action: mutation.action,
        target,
        outcome,
        principal: access.principal,
        ...(access.request ? { request: access.request } : {}),
        ...(error !== undefined ? { error } : {}),
        ...(meta ? { meta } : {}),
      });
    try {
      const result = await run(context);
      await record('success');
      return result;
    } catch (error) {
      await record(denied || error instanceof NotAllowedError ? 'denied' : 'failure', error);
      throw error;
    }
  };
}

/** See {@link createAuditedMutations}. */
export type AuditedMutations = ReturnType<typeof createAuditedMutations>;
