import { describe, expect, it } from 'vitest';
import { createCatalog, createCatalogOwnershipResolver } from '../index.js';
import type { Catalog, Entity } from '../index.js';

const group = (name: string, spec: Record<string, unknown> = {}): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name },
  spec: { type: 'team', children: [], ...spec },
});
const user = (name: string, memberOf: string[]): Entity => ({ apiVersion: 'backstage.io/v1alpha1', kind: 'User', metadata: { name }, spec: { memberOf } });

/** An org pushed by a provider (host code): a cycle Team-A <-> b, a chain g0 -> ... -> g14, and x listing u as member. */
async function org(): Promise<Catalog> {
  const chain = Array.from({ length: 15 }, (_, i) => group(`g${i}`, i < 14 ? { parent: `g${i + 1}` } : {}));
  const entities = [
    group('Team-A', { parent: 'b' }),
    group('b', { parent: 'group:default/Team-A' }),
    group('x', { members: ['u'] }),
    ...chain,
    user('u', ['team-a', 'Group:default/G0']),
    user('u2', ['b']),
    user('loner', []),
  ];
  const catalog = createCatalog({ providers: [{ name: 'org', connect: (c) => c.applyMutation({ type: 'full', entities }) }] });
  await catalog.refresh();
  return catalog;
}

const chainRefs = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `group:default/g${from + i}`);

describe('createCatalogOwnershipResolver', () => {
  it("resolves a user to its ref, its groups (either side's memberOf) and their parents, to maxDepth (default 10)", async () => {
    const catalog = await org();
    const resolve = createCatalogOwnershipResolver(catalog);
    expect(await resolve('user:default/u')).toEqual([
      'user:default/u',
      'group:default/g0',
      'group:default/team-a',
      'group:default/x',
      'group:default/b',
      'group:default/g1',
      ...chainRefs(2, 10),
    ]);
    // Any spelling of the user's ref gives the same lowercase answer.
    expect(await resolve('User:Default/U')).toEqual(await resolve('u'));
    expect(await createCatalogOwnershipResolver(catalog, { maxDepth: 50 })('user:default/u')).toEqual(expect.arrayContaining(chainRefs(0, 14)));
    expect(await createCatalogOwnershipResolver(catalog, { maxDepth: 0 })('user:default/u')).toEqual([
      'user:default/u',
      'group:default/g0',
      'group:default/team-a',
      'group:default/x',
    ]);
  });

  it('ends on a cycle of groups, visiting each once', async () => {
    const resolve = createCatalogOwnershipResolver(await org(), { maxDepth: 1000 });
    expect(await resolve('user:default/u2')).toEqual(['user:default/u2', 'group:default/b', 'group:default/team-a']);
  });

  it('without transitive: the user and its direct groups only', async () => {
    const resolve = createCatalogOwnershipResolver(await org(), { transitive: false });
    expect(await resolve('user:default/u')).toEqual(['user:default/u', 'group:default/g0', 'group:default/team-a', 'group:default/x']);
  });

  it('an unknown user or one in no group is just its own ref; a malformed ref or option is an InputError', async () => {
    const catalog = await org();
    const resolve = createCatalogOwnershipResolver(catalog);
    expect(await resolve('user:default/nobody')).toEqual(['user:default/nobody']);
    expect(await resolve('user:default/loner')).toEqual(['user:default/loner']);
    await expect(resolve('')).rejects.toMatchObject({ name: 'InputError' });
    await expect(resolve('user:default/')).rejects.toMatchObject({ name: 'InputError' });
    expect(() => createCatalogOwnershipResolver(catalog, { maxDepth: -1 })).toThrow(expect.objectContaining({ name: 'InputError' }));
    expect(() => createCatalogOwnershipResolver(catalog, { maxDepth: 1.5 })).toThrow(/maxDepth/);
  });
});
