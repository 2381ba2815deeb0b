import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { generateEntities } from './__testkit__/generateEntities.js';
import { compileFastCheck } from './fastCheck.js';
import { builtinKinds } from './index.js';

describe('compileFastCheck', () => {
  test('compiles every built-in kind schema', () => {
    for (const kind of builtinKinds) expect(compileFastCheck(kind.schema), kind.kind).toBeTypeOf('function');
  });

  test('agrees with safeParse on generated specs of every kind', () => {
    const entities = generateEntities({ count: 3000, seed: 9, invalidRate: 0.8 });
    let rejected = 0;
    for (const entity of entities) {
      const spec = (entity as { spec?: unknown } | null)?.spec;
      for (const kind of builtinKinds) {
        const expected = kind.schema.safeParse(spec).success;
        expect(compileFastCheck(kind.schema)!(spec), `${kind.kind} ${JSON.stringify(spec)}`).toBe(expected);
        if (!expected) rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(1000);
  });

  test('agrees with safeParse on arbitrary JSON', () => {
    const checks = builtinKinds.map((kind) => [kind.schema, compileFastCheck(kind.schema)!] as const);
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        for (const [schema, check] of checks) expect(check(value)).toBe(schema.safeParse(value).success);
      }),
      { numRuns: 300 },
    );
  });

  test('agrees with safeParse on the supported constructs', () => {
    const schema = z.strictObject({
      a: z.string().min(2).max(4).regex(/^[a-z]+$/),
      b: z.array(z.union([z.literal(1), z.boolean()])).optional(),
      c: z.record(z.string(), z.enum(['x', 'y'])).nullable(),
      d: z.object({ e: z.string() }).catchall(z.string().nullable().or(z.boolean())).optional(),
    });
    const check = compileFastCheck(schema)!;
    expect(check).toBeTypeOf('function');
    const samples: unknown[] = [
      { a: 'ab', c: null },
      { a: 'abcde', c: null },
      { a: 'AB', c: null },
      { a: 'ab', c: { k: 'x' } },
      { a: 'ab', c: { k: 'z' } },
      { a: 'ab', c: null, extra: 1 },
      { a: 'ab', c: null, b: [1, true] },
      { a: 'ab', c: null, b: [2] },
      { a: 'ab', c: null, d: { e: 'x', f: 's', g: null, h: false } },
      { a: 'ab', c: null, d: { e: 'x', f: 1 } },
      { a: 'ab' },
      [],
      null,
    ];
    for (const sample of samples) expect(check(sample), JSON.stringify(sample)).toBe(schema.safeParse(sample).success);
  });

  test('declines schemas outside the subset so zod stays in charge', () => {
    expect(compileFastCheck(z.object({ n: z.number() }))).toBeUndefined();
    expect(compileFastCheck(z.object({ s: z.string().email() }))).toBeUndefined();
    expect(compileFastCheck(z.object({ s: z.string() }).refine(() => true))).toBeUndefined();
    expect(compileFastCheck(z.array(z.string()).min(1))).toBeUndefined();
    expect(compileFastCheck(z.string().transform((s) => s.length))).toBeUndefined();
  });
});
