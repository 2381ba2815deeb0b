import { InputError } from '@portalkit/core';
import type { ScaffolderAction } from '../types.js';
import type { ActionDescription } from '../scaffolderTypes.js';

/** The scaffolder's actions by id, checked once at creation. */
export interface ActionRegistry {
  /** The actions by id, as the workflow runner looks them up. */
  readonly byId: ReadonlyMap<string, ScaffolderAction>;
  /** The actions as `GET /v2/actions` lists them, in the order they were given. */
  list(): ActionDescription[];
}

/**
 * Index `actions` by id. A value not made with `createAction()` or a duplicate id is rejected
 * with an `InputError` naming `createScaffolder`, the factory the host called.
 */
export function createActionRegistry(actions: unknown): ActionRegistry {
  if (!Array.isArray(actions)) throw new InputError('createScaffolder: options.actions must be an array of actions');
  const byId = new Map<string, ScaffolderAction>();
  for (const action of actions as Array<ScaffolderAction | undefined>) {
    if (!action || typeof action.id !== 'string' || typeof action.handler !== 'function') {
      throw new InputError('createScaffolder: every action must be made with createAction()');
    }
    if (byId.has(action.id)) throw new InputError(`createScaffolder: duplicate action id ${action.id}`);
    byId.set(action.id, action);
  }
  return {
    byId,
    list: () =>
      [...byId.values()].map((a) => ({
        id: a.id,
        ...(a.description !== undefined ? { description: a.description } : {}),
        ...(a.examples !== undefined ? { examples: a.examples } : {}),
        schema: a.schema,
      })),
  };
}
