import Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { z } from 'zod';
import { jsonSchemaProblems, type SchemaProblem } from './schema-guard.js';

/*
 * A kind's `spec` schema written as JSON Schema (a KindDefinition's `spec.schema`), turned into
 * the zod schema `defineKind` takes: ajv does the validating inside a zod refinement, whose
 * issues carry ajv's instance paths so the validator reports them at their YAML line like every
 * other problem.
 */

/** A compiled spec schema, or the problems that prevented compiling it. */
export type CompiledSpecSchema = { ok: true; schema: z.ZodType } | { ok: false; problems: SchemaProblem[] };

const CYCLE = 'refers to itself without reaching any data ($ref cycle)';

function createAjv(): Ajv {
  // strict: unknown keywords and formats are errors, not silently ignored constraints. Formats
  // are not loaded at all (no ajv-formats): a `format` is refused rather than unchecked.
  return new Ajv({
    allErrors: true,
    strict: true,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    allowUnionTypes: true,
    logger: false,
    addUsedSchema: false,
  });
}

/**
 * Check `jsonSchema` against the bounds of `jsonSchemaProblems`, compile it with ajv and return a
 * zod schema for `spec` that reports every ajv error with its path. A recursive `$ref` that never
 * reaches data (`{ $ref: '#' }`) is refused here; one that recurses with the data is bounded by
 * the entity's own depth, and a stack overflow on a pathological entity is reported, not thrown.
 *
 * @example
 * ```ts
 * const compiled = compileSpecSchema({ type: 'object', required: ['owner'], properties: { owner: { type: 'string' } } });
 * if (compiled.ok) compiled.schema.safeParse({}).success; // false: spec.owner is required
 * ```
 */
export function compileSpecSchema(jsonSchema: unknown): CompiledSpecSchema {
  const problems = jsonSchemaProblems(jsonSchema);
  if (problems.length) return { ok: false, problems };
  let validate: ValidateFunction;
  try {
    validate = createAjv().compile(jsonSchema as object);
  } catch (error) {
    // ajv inlines $refs: a cycle of refs with no data between them overflows while compiling.
    if (error instanceof RangeError) return { ok: false, problems: [{ path: [], message: CYCLE }] };
    return { ok: false, problems: [{ path: [], message: `is not a valid JSON Schema: ${(error as Error).message}` }] };
  }
  try {
    validate({});
  } catch (error) {
    if (error instanceof RangeError) return { ok: false, problems: [{ path: [], message: CYCLE }] };
    throw error;
  }
  const schema = z.unknown().superRefine((value, ctx) => {
    if (value === undefined) {
      ctx.addIssue({ code: 'custom', message: 'is required', params: { rule: 'required' } });
      return;
    }
    let valid: boolean;
    try {
      valid = validate(value) as boolean;
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      ctx.addIssue({ code: 'custom', message: 'nests too deeply for its kind schema', params: { rule: 'schema-depth' } });
      return;
    }
    if (valid) return;
    for (const e of validate.errors ?? []) {
      const issue = issueOf(e);
      ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message, params: { rule: issue.rule } });
    }
  });
  return { ok: true, schema };
}

/** An ajv error as a path below `spec`, a rule id and a message in the validator's words. */
function issueOf(e: ErrorObject): { path: (string | number)[]; rule: string; message: string } {
  const path: (string | number)[] = e.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { path: [...path, String(params['missingProperty'])], rule: 'required', message: 'is required' };
    case 'additionalProperties':
      return { path: [...path, String(params['additionalProperty'])], rule: 'unknown-field', message: 'is not allowed' };
    case 'type':
      return { path, rule: 'type', message: `must be ${String(params['type'])}` };
    case 'enum':
      return { path, rule: 'enum', message: `must be one of ${(params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    default:
      return { path, rule: e.keyword, message: e.message ?? `fails ${e.keyword}` };
  }
}
