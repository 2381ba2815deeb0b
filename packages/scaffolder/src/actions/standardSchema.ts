import { InputError } from '@portalkit/core';

/**
 * The Standard Schema interface (https://standardschema.dev), implemented by zod 3.24+, zod 4,
 * valibot and arktype. Declared here, as the spec asks, instead of adding a dependency.
 *
 * @example
 * ```ts
 * import { z } from 'zod3'; // any zod 3.24+ schema
 * const schema: StandardSchemaV1<unknown, { message: string }> = z.object({ message: z.string() });
 * ```
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}

type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<{ readonly message: string; readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined }> };

/** True for a Standard Schema (version 1). */
export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  const standard = (value as { '~standard'?: { version?: unknown; validate?: unknown } })['~standard'];
  return typeof standard === 'object' && standard !== null && standard.version === 1 && typeof standard.validate === 'function';
}

/** Issues as `input.a.b: message` lines, or the parsed value. */
export function standardIssues(schema: StandardSchemaV1, value: unknown, actionId: string, prefix: readonly string[] = []): { value: unknown } | { messages: string[] } {
  const result = schema['~standard'].validate(value);
  if (result instanceof Promise) {
    throw new InputError(`Invalid input schema of action ${actionId}: it validates asynchronously; action input schemas must be synchronous`);
  }
  if (!result.issues) return { value: result.value };
  return {
    messages: result.issues.map((issue) => {
      const keys = (issue.path ?? []).map((p) => String(typeof p === 'object' && p !== null ? p.key : p));
      return `${['input', ...prefix, ...keys].join('.')}: ${issue.message}`;
    }),
  };
}

/**
 * Validate action input with a Standard Schema, or a record of them (one per input key, unknown
 * keys dropped as `z.object` does), synchronously: actions parse their input before the step
 * starts. Every issue of every key becomes one `InputError` naming each field (`input.a.b: ...`).
 */
export function validateStandardInput(schema: StandardSchemaV1 | Readonly<Record<string, StandardSchemaV1>>, value: unknown, actionId: string): unknown {
  const fail = (messages: string[]) => new InputError(`Invalid input passed to action ${actionId}: ${messages.join('; ')}`);
  if (isStandardSchema(schema)) {
    const result = standardIssues(schema, value, actionId);
    if ('messages' in result) throw fail(result.messages);
    return result.value;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fail(['input: expected an object']);
  const out: Record<string, unknown> = {};
  const messages: string[] = [];
  for (const [key, field] of Object.entries(schema)) {
    const result = standardIssues(field, (value as Record<string, unknown>)[key], actionId, [key]);
    if ('messages' in result) messages.push(...result.messages);
    else if (result.value !== undefined) out[key] = result.value;
  }
  if (messages.length) throw fail(messages);
  return out;
}
