import { InputError } from '@portalkit/core';
import { describe, expect, it } from 'vitest';
import { createAction } from './createAction.js';
import { createActionRegistry } from './actionRegistry.js';

const noop = (id: string, extra: Record<string, unknown> = {}) => createAction({ id, handler: () => {}, ...extra });

describe('createActionRegistry', () => {
  it('indexes actions by id and lists them in order, without handlers', () => {
    const registry = createActionRegistry([noop('acme:b', { description: 'B' }), noop('acme:a', { examples: [{ description: 'x', example: 'y' }] })]);
    expect([...registry.byId.keys()]).toEqual(['acme:b', 'acme:a']);
    const listed = registry.list();
    expect(listed.map((a) => a.id)).toEqual(['acme:b', 'acme:a']);
    expect(listed[0]).toEqual({ id: 'acme:b', description: 'B', schema: registry.byId.get('acme:b')!.schema });
    expect(listed[1]).not.toHaveProperty('description');
    expect(listed[1]!.examples).toEqual([{ description: 'x', example: 'y' }]);
    expect(listed[0]).not.toHaveProperty('handler');
  });

  it('rejects a non-array, a hand-made action and a duplicate id, naming createScaffolder', () => {
    expect(() => createActionRegistry(undefined)).toThrow(InputError);
    expect(() => createActionRegistry({})).toThrow(/createScaffolder: options.actions must be an array/);
    expect(() => createActionRegistry([{ id: 'x' }])).toThrow(/createScaffolder: every action must be made with createAction\(\)/);
    expect(() => createActionRegistry([null])).toThrow(/createAction\(\)/);
    expect(() => createActionRegistry([noop('acme:a'), noop('acme:a')])).toThrow(/createScaffolder: duplicate action id acme:a/);
  });
});
