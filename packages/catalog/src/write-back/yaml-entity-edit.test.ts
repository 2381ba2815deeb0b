import { InputError } from '@portalkit/core';
import { describe, expect, it } from 'vitest';
import { editEntityInYaml } from './yaml-entity-edit.js';

const ENTITY = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: web\nspec:\n  owner: team-a\n';
// A "billion laughs" document: each level repeats the one before nine times through aliases.
const LAUGHS = ['a: &a [x, x, x, x, x, x, x, x, x]', ...'bcde'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcd'[i]}`).join(', ')}]`)].join('\n');

describe('editEntityInYaml on a hostile source file', () => {
  it('refuses a file with an alias bomb beside the entity with a typed InputError', () => {
    const edit = () => editEntityInYaml(`${LAUGHS}\n---\n${ENTITY}`, { kind: 'Component', namespace: 'default', name: 'web' }, { spec: { owner: 'team-b' } });
    expect(edit).toThrow(InputError);
  });

  it('still edits the entity of a file with harmless aliases', () => {
    const out = editEntityInYaml(`x: &x 1\ny: *x\n---\n${ENTITY}`, { kind: 'Component', namespace: 'default', name: 'web' }, { spec: { owner: 'team-b' } });
    expect(out).toContain('owner: team-b');
    expect(out.startsWith('x: &x 1\ny: *x\n---\n')).toBe(true);
  });
});
