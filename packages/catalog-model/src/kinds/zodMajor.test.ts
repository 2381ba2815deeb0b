import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { z as zodV4FromZod4 } from 'zod/v4';
import { z as zod3 } from 'zod3';
import { z as zodV4FromZod3 } from 'zod3/v4';
import { z as zodV3FromZod4 } from 'zod/v3';
import { InputError } from '@portalkit/core';
import { builtinKinds, createEntityValidator, defineKind } from '../index.js';
import type { KindDefinition } from '../types.js';

const widget = (kind: string, schema: unknown) => ({ kind, apiVersions: ['example.com/v1'], schema }) as unknown as KindDefinition;
const entity = (spec: unknown) => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec });
const zod3Message = "Invalid kind definition \"Widget\": zod 3 schema: use zod 4 (`import { z } from 'zod'` with zod@4, or `zod/v4`)";

describe('kind schemas of each zod major', () => {
  it.each([
    ['zod@4', z],
    ['zod@4 zod/v4', zodV4FromZod4],
    ['zod@3.25 zod/v4', zodV4FromZod3],
  ] as const)('accepts and validates with %s', (_name, zod) => {
    const kind = defineKind(widget('Widget', zod.looseObject({ size: zod.number().int().positive() })));
    const validator = createEntityValidator({ kinds: [...builtinKinds, kind] });
    expect(validator.validate(entity({ size: 2 })).ok).toBe(true);
    const bad = validator.validate(entity({ size: -1 }));
    expect(bad.ok).toBe(false);
  });

  it.each([
    ['zod@3', zod3.object({ size: zod3.number() })],
    ['zod@4 zod/v3', zodV3FromZod4.object({ size: zodV3FromZod4.number() })],
  ] as const)('names a %s schema in an InputError instead of crashing', (_name, schema) => {
    expect(() => defineKind(widget('Widget', schema))).toThrow(InputError);
    expect(() => defineKind(widget('Widget', schema))).toThrow(zod3Message);
    // A kind that skipped defineKind is refused the same way when the validator is created.
    expect(() => createEntityValidator({ kinds: [...builtinKinds, widget('Widget', schema)] })).toThrow(zod3Message);
  });

  it('refuses things that are no schema at all', () => {
    for (const schema of [undefined, null, {}, { safeParse: 'no' }, 'z.object()', { _zod: {} }]) {
      expect(() => defineKind(widget('Widget', schema))).toThrow(InputError);
    }
  });
});
