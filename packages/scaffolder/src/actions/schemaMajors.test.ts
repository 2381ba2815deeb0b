import path from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { z as zod3 } from 'zod3';
import { z as zodV3FromZod4 } from 'zod/v3';
import { InputError } from '@portalkit/core';
import { createAction, createScaffolder, parseTemplate, type StandardSchemaV1 } from '../index.js';
import { tempDir } from '../test-support.js';

const template = (input: Record<string, unknown>) =>
  parseTemplate({
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: { name: 'majors' },
    spec: { parameters: [], steps: [{ id: 'greet', action: 'acme:greet', input }] },
  });

async function run(action: ReturnType<typeof createAction>, input: Record<string, unknown>) {
  const scaffolder = createScaffolder({ actions: [action], workingDirectory: path.join(await tempDir(), 'work') });
  const task = await scaffolder.run(template(input), { values: {} });
  return task.result;
}

describe('createAction schemas of each zod major', () => {
  it('runs an action whose input is a zod 3 schema, through Standard Schema', async () => {
    const seen: unknown[] = [];
    const action = createAction({
      id: 'acme:greet',
      schema: { input: zod3.object({ name: zod3.string().min(2), times: zod3.number().int().default(1) }) },
      handler(ctx) {
        expectTypeOf(ctx.input).toEqualTypeOf<{ name: string; times: number }>();
        seen.push(ctx.input);
      },
    });
    // zod 3 carries no JSON Schema: the action lists none rather than a wrong one.
    expect(action.schema).toEqual({});
    expect((await run(action, { name: 'Ann' })).status).toBe('completed');
    expect(seen).toEqual([{ name: 'Ann', times: 1 }]);
    const failed = await run(action, { name: 'A', times: 'x' });
    expect(failed.status).toBe('failed');
    expect(failed.error?.message).toMatch(/Invalid input passed to action acme:greet: input\.name: .*; input\.times: /);
  });

  it('runs a zod/v3 schema of zod@4 the same way', async () => {
    const action = createAction({ id: 'acme:greet', schema: { input: zodV3FromZod4.object({ name: zodV3FromZod4.string() }) }, handler() {} });
    expect((await run(action, { name: 'Ann' })).status).toBe('completed');
    expect((await run(action, { name: 1 })).error?.message).toBe('Step greet: Invalid input passed to action acme:greet: input.name: Expected string, received number');
  });

  it('takes a record of zod 3 fields, and of zod 4 fields as before', () => {
    const three = createAction({ id: 'acme:three', schema: { input: { name: zod3.string() } }, handler() {} });
    expect(three.parseInput({ name: 'x', extra: 1 })).toEqual({ name: 'x' });
    expect(() => three.parseInput({ name: 3 })).toThrow(/input\.name: Expected string, received number/);
    expect(() => three.parseInput('text')).toThrow(InputError);
    const four = createAction({ id: 'acme:four', schema: { input: { name: z.string() } }, handler() {} });
    expect(four.schema.input).toMatchObject({ type: 'object', properties: { name: { type: 'string' } } });
    expect(() => four.parseInput({ name: 3 })).toThrow(/input\.name/);
  });

  it('refuses what it cannot validate, naming the action', () => {
    // A zod 3 schema without Standard Schema (zod before 3.24) looks like this.
    const old = { _def: { typeName: 'ZodString' }, safeParse() {} };
    expect(() => createAction({ id: 'acme:old', schema: { input: old as never }, handler() {} })).toThrow(
      "createAction(acme:old): zod 3 schema: use zod 4 (`import { z } from 'zod'` with zod@4, or `zod/v4`); zod 3 before 3.24 has no Standard Schema support",
    );
    expect(() => createAction({ id: 'acme:mixed', schema: { input: { a: zod3.string(), b: 'string' } as never }, handler() {} })).toThrow(
      /createAction\(acme:mixed\): a record of schemas must hold only schemas/,
    );
    const asyncSchema: StandardSchemaV1<unknown, string> = {
      '~standard': { version: 1, vendor: 'test', validate: async (value) => ({ value: String(value) }) },
    };
    const action = createAction({ id: 'acme:async', schema: { input: asyncSchema }, handler() {} });
    expect(() => action.parseInput({})).toThrow(/acme:async: it validates asynchronously/);
  });
});
