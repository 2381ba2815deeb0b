import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import {
  createCatalog,
  createEntityValidator,
  parseEntityFilterStrings,
  parseEntityRef,
  parseFilterPredicate,
  stringifyEntityRef,
  type Entity,
  type EntityProviderConnection,
} from '@portalkit/catalog';
import { InputError } from '@portalkit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectPrototypeClean, fuzzRuns, pollutionKeys, resultOrTypedError } from '../support/typed.js';

const key = fc.oneof(fc.constantFrom(...pollutionKeys, 'kind', 'metadata', 'spec', 'name', 'namespace', 'annotations', 'labels', 'owner', '$text', '$yaml', '$json'), fc.string({ maxLength: 10 }));
const value = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    fc.string({ maxLength: 30 }),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('node'), { maxLength: 4 }),
    fc.dictionary(key, tie('node'), { maxKeys: 5 }),
  ),
})).node;

/** Entities that are mostly right, with one field or another broken or hostile. */
const nearEntity = fc.record(
  {
    apiVersion: fc.oneof(fc.constant('backstage.io/v1alpha1'), fc.string({ maxLength: 20 }), value),
    kind: fc.oneof(fc.constantFrom('Component', 'API', 'Group', 'User', 'System', 'Location', 'Template'), fc.string({ maxLength: 12 }), value),
    metadata: fc.oneof(
      fc.record(
        {
          name: fc.oneof(fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/), fc.string({ maxLength: 70 }), value),
          namespace: fc.oneof(fc.constant('default'), fc.string({ maxLength: 70 }), value),
          annotations: fc.oneof(fc.dictionary(key, fc.string({ maxLength: 20 }), { maxKeys: 3 }), value),
          labels: fc.oneof(fc.dictionary(key, fc.string({ maxLength: 20 }), { maxKeys: 3 }), value),
          tags: fc.oneof(fc.array(fc.string({ maxLength: 20 }), { maxLength: 3 }), value),
          links: fc.oneof(fc.array(fc.record({ url: fc.oneof(fc.webUrl(), fc.string()), title: fc.string() }), { maxLength: 2 }), value),
        },
        { requiredKeys: ['name'] },
      ),
      value,
    ),
    spec: fc.oneof(fc.dictionary(key, value, { maxKeys: 6 }), value),
  },
  { requiredKeys: [] },
);

describe('entity validator under arbitrary input', () => {
  const validator = createEntityValidator();
  it('returns a result (never throws) and errors always name a path and a rule', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(nearEntity, value, fc.anything()), async (input) => {
        const result = validator.validate(input, { file: 'catalog-info.yaml' });
        if (!result.ok) {
          expect(result.errors.length).toBeGreaterThan(0);
          for (const error of result.errors) expect(typeof error.message).toBe('string');
        }
        const asyncResult = await validator.validateAsync(input);
        expect(asyncResult.ok).toBe(result.ok);
      }),
      { ...fuzzRuns, numRuns: 300 },
    );
    expectPrototypeClean();
  });
});

describe('entity refs under arbitrary input', () => {
  it('rejects compound refs with non-string parts as InputError', () => {
    expect(() => parseEntityRef({ kind: 'Component', namespace: 1, name: true } as never)).toThrow(/namespace that is not a string/);
    expect(() => parseEntityRef({ kind: ['x'], name: 'a' } as never)).toThrow(InputError);
  });

  it('parse to a ref or throw InputError, and a parsed ref round-trips', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ maxLength: 60 }), fc.stringMatching(/^([a-z]{1,8}:)?([a-z]{1,8}\/)?[a-z0-9:/._-]{0,20}$/), value, fc.record({ kind: value, namespace: value, name: value })),
        async (input) => {
          const outcome = await resultOrTypedError(() => parseEntityRef(input as string));
          if (!outcome.ok) {
            expect(outcome.error).toBeInstanceOf(InputError);
            return;
          }
          const text = stringifyEntityRef(outcome.value);
          // Like Backstage's, compound parts are taken as given: a kind or namespace holding a
          // separator (`{ kind: ':' }`) stringifies to text that reads differently, so only refs
          // whose kind and namespace have none must round-trip.
          const { kind, namespace } = outcome.value;
          if (/[:/]/.test(kind) || /[:/]/.test(namespace)) return;
          expect(stringifyEntityRef(parseEntityRef(text))).toBe(text);
        },
      ),
      { ...fuzzRuns, numRuns: 300 },
    );
  });
});

describe('filters under arbitrary input', () => {
  let catalog: ReturnType<typeof createCatalog>;
  beforeAll(async () => {
    catalog = createCatalog({
      providers: [
        {
          name: 'seed',
          connect: (connection) =>
            connection.applyMutation({
              type: 'full',
              entities: ['a', 'b', 'c'].map((name) => ({
                apiVersion: 'backstage.io/v1alpha1',
                kind: 'Component',
                metadata: { name, tags: [name] },
                spec: { type: 'service', owner: 'team', lifecycle: 'production' },
              })),
            }),
        },
      ],
    });
    await catalog.refresh();
  });

  it('parseEntityFilterStrings yields a filter or an InputError, and the filter runs', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fc.string({ maxLength: 30 }), fc.stringMatching(/^[a-z.=,_]{0,20}$/)), { maxLength: 4 }), async (filters) => {
        const outcome = await resultOrTypedError(() => parseEntityFilterStrings(filters));
        if (!outcome.ok) {
          expect(outcome.error).toBeInstanceOf(InputError);
          return;
        }
        if (!outcome.value) return;
        const queried = await resultOrTypedError(() => catalog.getEntities({ filter: Object.fromEntries(filters.filter((f) => f.includes('=')).map((f) => f.split('=', 2) as [string, string])) }));
        if (!queried.ok) expect(queried.error).toBeInstanceOf(InputError);
      }),
      fuzzRuns,
    );
  });

  const predicate = fc.letrec((tie) => ({
    p: fc.oneof(
      { depthSize: 'small' },
      fc.dictionary(fc.oneof(fc.constantFrom('kind', 'metadata.name', '$all', '$any', '$not', '__proto__', 'constructor'), fc.string({ maxLength: 10 })), fc.oneof(value, fc.record({ $exists: value }), fc.record({ $in: value }), fc.record({ $hasPrefix: value }), fc.record({ $contains: value })), { maxKeys: 3 }),
      fc.record({ $all: fc.array(tie('p'), { maxLength: 3 }) }),
      fc.record({ $any: fc.array(tie('p'), { maxLength: 3 }) }),
      fc.record({ $not: tie('p') }),
      value,
    ),
  })).p;

  it('rejects $in lists holding objects as InputError', () => {
    expect(() => parseFilterPredicate({ kind: { $in: [Object.create(null)] } })).toThrow(/\$in of 'kind' takes strings/);
    expect(() => parseFilterPredicate({ kind: { $in: [{ a: 1 }] } })).toThrow(InputError);
  });

  it('parseFilterPredicate yields a filter or an InputError, and catalog.query runs it', async () => {
    await fc.assert(
      fc.asyncProperty(predicate, async (p) => {
        const outcome = await resultOrTypedError(() => parseFilterPredicate(p));
        if (!outcome.ok) {
          expect(outcome.error).toBeInstanceOf(InputError);
          return;
        }
        const queried = await resultOrTypedError(() => catalog.query({ query: p as never, limit: 5 }));
        if (!queried.ok) expect(queried.error).toBeInstanceOf(InputError);
      }),
      { ...fuzzRuns, numRuns: 200 },
    );
    expectPrototypeClean();
  });
});

describe('a catalog fed bad entities keeps what it stored', () => {
  const good = (name: string): Entity => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, annotations: { 'example.com/n': name } },
    spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
  });
  let root: string;
  let connection: EntityProviderConnection;
  let catalog: ReturnType<typeof createCatalog>;
  let snapshot: Entity[];
  // Processing errors of a rejected update show in `status` (and so the etag), as in Backstage;
  // the served content must not change.
  const content = (entity: Entity | undefined) => {
    if (!entity) return entity;
    const { status: _status, ...rest } = entity as Entity & { status?: unknown };
    const { etag: _etag, ...metadata } = rest.metadata;
    return { ...rest, metadata };
  };
  const expectUnchanged = async () => {
    for (const before of snapshot) {
      expect(content(await catalog.getEntityByRef(stringifyEntityRef(before)))).toEqual(content(before));
    }
  };
  const all = async () => (await catalog.getEntities({ order: { field: 'metadata.name', order: 'asc' } })).items;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'pk-fuzz-catalog-'));
    await writeFile(path.join(root, 'good.yaml'), ['x', 'y'].map((n) => JSON.stringify(good(`file-${n}`))).join('\n---\n'));
    catalog = createCatalog({
      rootDir: root,
      providers: [{ name: 'fuzz', connect: (c) => void (connection = c) }],
    });
    await catalog.addLocation({ type: 'file', target: './good.yaml' });
    await connection!.applyMutation({ type: 'full', entities: [good('p-1'), good('p-2')] });
    snapshot = await all();
    expect(snapshot.filter((e) => e.kind === 'Component')).toHaveLength(4);
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  // Hostile versions of the stored entities: same refs, broken or polluted content.
  const brokenSameRef = fc.tuple(fc.constantFrom('p-1', 'p-2'), nearEntity).map(([name, broken]) => ({
    ...(broken as object),
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { ...(typeof broken.metadata === 'object' && broken.metadata ? broken.metadata : {}), name, namespace: 'default', __proto__: { injected: true } as never },
    spec: { owner: 42 },
  }));

  it('provider deltas of bad entities leave stored entities unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(nearEntity, brokenSameRef), { minLength: 1, maxLength: 4 }), async (entities) => {
        // Entities that happen to be valid and new are fine to add; nothing may replace p-1/p-2.
        const outcome = await resultOrTypedError(() => connection.applyMutation({ type: 'delta', added: entities as Entity[], removed: [] }));
        if (!outcome.ok) expect(outcome.error).toBeInstanceOf(InputError);
        await expectUnchanged();
      }),
      { ...fuzzRuns, numRuns: 40 },
    );
    expectPrototypeClean();
  });

  it('addLocation of arbitrary files leaves stored entities unchanged', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.array(nearEntity, { maxLength: 3 }).map((es) => es.map((e) => JSON.stringify(e)).join('\n---\n')),
          fc.string({ maxLength: 200 }),
          fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')),
        ),
        async (text) => {
          const file = `bad-${n++}.yaml`;
          await writeFile(path.join(root, file), text);
          const outcome = await resultOrTypedError(() => catalog.addLocation({ type: 'file', target: `./${file}` }));
          if (!outcome.ok) expect(outcome.error).toBeInstanceOf(InputError);
          await expectUnchanged();
        },
      ),
      { ...fuzzRuns, numRuns: 30 },
    );
  });

  it('a registered file turning into garbage keeps serving its last good entities', async () => {
    await writeFile(path.join(root, 'good.yaml'), 'kind: [unclosed\n  *nope');
    await catalog.refresh();
    await expectUnchanged();
    const errors = await catalog.getProcessingErrors();
    expect(errors.flatMap((e) => e.errors.map((x) => x.message)).join('\n')).toMatch(/good\.yaml:\d+/);

    // Once the file parses again, an entity that is really gone does become an orphan.
    await writeFile(path.join(root, 'good.yaml'), JSON.stringify(good('file-x')));
    await catalog.refresh();
    const annotations = async (name: string) => (await catalog.getEntityByRef(`component:default/${name}`))?.metadata.annotations ?? {};
    expect(await annotations('file-x')).not.toHaveProperty(['backstage.io/orphan']);
    expect(await annotations('file-y')).toHaveProperty(['backstage.io/orphan'], 'true');
  });
});
