import * as backstage from '@backstage/catalog-model';
import { InputError } from '@portalkit/core';
import { describe, expect, test } from 'vitest';
import { mulberry32 } from './__testkit__/generateEntities.js';
import {
  DEFAULT_NAMESPACE,
  entityRefEquals,
  getCompoundEntityRef,
  parseEntityRef,
  stringifyEntityRef,
} from './index.js';

const parts = ['', 'Component', 'component', 'API', 'default', 'team-a', 'My-Service', 'a:b', 'a/b', ':', '/', 'x y', 'ÄÖ', '.', '-'];
const separators = ['', ':', '/', '::', '//', ':/', '/:'];

function generateRefs(count: number, seed: number): string[] {
  const rand = mulberry32(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const refs = ['a', 'a:b', 'a/b', 'a:b/c', 'a/b:c', ':b', 'a:', '/b', 'a/', 'a:/c', 'a:b/', ':/', 'k:n/na:me', 'k:n/a/b'];
  while (refs.length < count) {
    const pieces = 1 + Math.floor(rand() * 4);
    let ref = '';
    for (let i = 0; i < pieces; i++) ref += pick(parts) + (i < pieces - 1 ? pick(separators) : '');
    refs.push(ref);
  }
  return refs;
}

const contexts: Array<{ defaultKind?: string; defaultNamespace?: string } | undefined> = [
  undefined,
  {},
  { defaultKind: 'Group' },
  { defaultNamespace: 'ops' },
  { defaultKind: 'Component', defaultNamespace: 'team-a' },
  { defaultKind: '', defaultNamespace: '' },
];

type Outcome = { ok: true; value: unknown } | { ok: false; message: string };

function outcome(run: () => unknown): Outcome {
  try {
    return { ok: true, value: run() };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}

describe('parseEntityRef matches @backstage/catalog-model', () => {
  test('on generated string refs with and without contexts', () => {
    const refs = generateRefs(300, 1);
    let failures = 0;
    for (const ref of refs) {
      for (const context of contexts) {
        const expected = outcome(() => backstage.parseEntityRef(ref, context));
        const actual = outcome(() => parseEntityRef(ref, context));
        expect({ ref, context, ...actual }).toEqual({ ref, context, ...expected });
        if (!actual.ok) failures++;
      }
    }
    // Both outcomes must be exercised.
    expect(failures).toBeGreaterThan(100);
    expect(failures).toBeLessThan(refs.length * contexts.length - 100);
  });

  test('on compound refs with missing and empty parts', () => {
    const rand = mulberry32(2);
    const values = [undefined, '', 'Component', 'team-a', 'Name'];
    for (let i = 0; i < 200; i++) {
      const ref: { kind?: string; namespace?: string; name: string } = {
        name: values[1 + Math.floor(rand() * 4)]!,
      };
      const kind = values[Math.floor(rand() * values.length)];
      const namespace = values[Math.floor(rand() * values.length)];
      if (kind !== undefined) ref.kind = kind;
      if (namespace !== undefined) ref.namespace = namespace;
      const context = contexts[Math.floor(rand() * contexts.length)];
      expect(outcome(() => parseEntityRef(ref, context))).toEqual(outcome(() => backstage.parseEntityRef(ref, context)));
    }
  });

  test('throws InputError with the Backstage message', () => {
    expect(() => parseEntityRef('a:')).toThrow(InputError);
    expect(() => parseEntityRef('a:')).toThrow('Entity reference "a:" was not on the form [<kind>:][<namespace>/]<name>');
    expect(() => parseEntityRef('petstore')).toThrow(/had missing or empty kind/);
    expect(() => parseEntityRef('')).toThrow('Entity reference must not be empty');
  });

  test('keeps case and applies defaults', () => {
    expect(parseEntityRef('Component:petstore')).toEqual({ kind: 'Component', namespace: DEFAULT_NAMESPACE, name: 'petstore' });
    expect(parseEntityRef('team-a', { defaultKind: 'Group', defaultNamespace: 'ops' })).toEqual({
      kind: 'Group',
      namespace: 'ops',
      name: 'team-a',
    });
    // A colon after the slash is part of the name.
    expect(parseEntityRef('ns/a:b', { defaultKind: 'X' })).toEqual({ kind: 'X', namespace: 'ns', name: 'a:b' });
  });
});

describe('stringifyEntityRef matches @backstage/catalog-model', () => {
  test('on compound refs and entities', () => {
    const rand = mulberry32(3);
    const words = ['Component', 'API', 'default', 'Team-A', 'MyService', 'x_y.z', 'ÄÖ'];
    const pick = () => words[Math.floor(rand() * words.length)]!;
    for (let i = 0; i < 300; i++) {
      const compound = { kind: pick(), namespace: pick(), name: pick() };
      expect(stringifyEntityRef(compound)).toBe(backstage.stringifyEntityRef(compound));
      const entity = {
        apiVersion: 'backstage.io/v1alpha1',
        kind: compound.kind,
        metadata: rand() < 0.5 ? { name: compound.name } : { name: compound.name, namespace: compound.namespace },
      };
      expect(stringifyEntityRef(entity)).toBe(backstage.stringifyEntityRef(entity));
      expect(getCompoundEntityRef(entity)).toEqual(backstage.getCompoundEntityRef(entity));
    }
  });

  test('lowercases every part', () => {
    expect(stringifyEntityRef({ kind: 'Component', namespace: 'Default', name: 'PetStore' })).toBe('component:default/petstore');
  });
});

describe('entityRefEquals', () => {
  test('compares case-insensitively across ref forms', () => {
    const entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'PetStore' } };
    expect(entityRefEquals('component:default/petstore', entity)).toBe(true);
    expect(entityRefEquals('Component:PetStore', { kind: 'COMPONENT', namespace: 'DEFAULT', name: 'petstore' })).toBe(true);
    expect(entityRefEquals('component:other/petstore', entity)).toBe(false);
    expect(entityRefEquals('petstore', 'petstore')).toBe(false);
  });
});
