import Ajv from 'ajv';
import { z } from 'zod';
import { InputError } from '@portalkit/core';
import type { ActionContext, JsonObject, ScaffolderAction } from '../types.js';
import { formatAjvError } from '../template/validateValues.js';
import { isStandardSchema, validateStandardInput, type StandardSchemaV1 } from './standardSchema.js';

type ZodType = z.ZodType;
/**
 * An input or output schema: a zod 4 schema, a record of zod schemas, `(z) => schema`, JSON
 * Schema, or any Standard Schema (zod 3.24+, valibot, arktype) or record of them.
 */
export type ActionSchemaInput =
  | ZodType
  | Record<string, ZodType>
  | ((zod: typeof z) => ZodType)
  | StandardSchemaV1
  | Record<string, StandardSchemaV1>
  | JsonObject;

/**
 * The handler's input type for an input schema: zod schemas (and `(z) => schema`, and records of
 * zod schemas) give their parsed type; JSON Schema gives `JsonObject`.
 */
export type InferActionInput<S> = [ActionSchemaInput | undefined] extends [S] ? JsonObject : InferFromSchema<S>;

type StandardOutput<S> = S extends StandardSchemaV1<unknown, infer O> ? O : never;

type InferFromSchema<S> = S extends ZodType
  ? z.output<S>
  : S extends (zod: typeof z) => infer R
    ? R extends ZodType
      ? z.output<R>
      : JsonObject
    : S extends StandardSchemaV1
      ? StandardOutput<S>
      : S extends Record<string, ZodType | StandardSchemaV1>
        ? { -readonly [K in keyof S]: S[K] extends ZodType ? z.output<S[K]> : StandardOutput<S[K]> }
        : JsonObject;

/** Options of {@link createAction}. */
export interface CreateActionOptions<Input, S extends ActionSchemaInput | undefined = ActionSchemaInput | undefined> {
  /** Action id used in templates, e.g. `acme:notify`. */
  id: string;
  description?: string;
  examples?: Array<{ description: string; example: string }>;
  /** True when the handler honours `ctx.isDryRun` (writes nothing outside the workspace). */
  supportsDryRun?: boolean;
  /** True when re-running an interrupted run of it is safe (see `ScaffolderAction.idempotent`). */
  idempotent?: boolean;
  schema?: { input?: S; output?: ActionSchemaInput };
  handler(ctx: ActionContext<Input>): Promise<void> | void;
}

const idPattern = /^[a-zA-Z0-9][a-zA-Z0-9:._-]*$/;

function isZod(value: unknown): value is ZodType {
  return typeof value === 'object' && value !== null && '_zod' in value;
}

function toZod(schema: ActionSchemaInput | undefined): ZodType | undefined {
  if (schema === undefined) return undefined;
  if (typeof schema === 'function') return schema(z);
  if (isZod(schema)) return schema;
  const values = Object.values(schema);
  if (values.length > 0 && values.every(isZod)) return z.object(schema as Record<string, ZodType>);
  return undefined;
}

/** A zod 3 schema (`_def` without zod 4's `_zod`), as `zod@3` and the `zod/v3` subpath make. */
function isZod3(value: unknown): boolean {
  return typeof value === 'object' && value !== null && '_def' in value && !('_zod' in value);
}

type StandardInput = StandardSchemaV1 | Record<string, StandardSchemaV1>;

/**
 * Schemas that are not zod 4 but implement Standard Schema (zod 3.24+, valibot, arktype), alone
 * or as a record of fields. A zod 3 schema without it (zod before 3.24) is refused by name.
 */
function toStandard(id: string, schema: ActionSchemaInput | undefined): StandardInput | undefined {
  if (schema === undefined || typeof schema === 'function' || isZod(schema)) return undefined;
  const values = isStandardSchema(schema) || isZod3(schema) ? [schema] : Object.values(schema);
  if (values.some((v) => isZod3(v) && !isStandardSchema(v))) {
    throw new InputError(`createAction(${id}): ${ZOD3_MESSAGE}; zod 3 before 3.24 has no Standard Schema support`);
  }
  if (isStandardSchema(schema)) return schema;
  if (values.every(isZod)) return undefined; // a record of zod 4 schemas: converted by toZod
  if (values.length > 0 && values.every((v) => isZod(v) || isStandardSchema(v))) return schema as Record<string, StandardSchemaV1>;
  if (values.some((v) => isZod(v) || isStandardSchema(v))) {
    throw new InputError(`createAction(${id}): a record of schemas must hold only schemas (zod or Standard Schema), not a mix with plain values`);
  }
  return undefined;
}

const ZOD3_MESSAGE = "zod 3 schema: use zod 4 (`import { z } from 'zod'` with zod@4, or `zod/v4`)";

function toJsonSchema(schema: ActionSchemaInput | undefined, zodSchema: ZodType | undefined, standard: StandardInput | undefined): JsonObject | undefined {
  // Standard Schemas other than zod 4 carry no JSON Schema: the action lists no input schema.
  if (standard) return undefined;
  if (zodSchema) {
    const json = z.toJSONSchema(zodSchema, { unrepresentable: 'any', io: 'input' }) as JsonObject;
    delete json.$schema;
    return json;
  }
  return schema as JsonObject | undefined;
}

function zodPath(issuePath: PropertyKey[]): string {
  return ['input', ...issuePath.map(String)].join('.');
}

/**
 * Define a scaffolder action. Input is validated (zod, Standard Schema or JSON Schema) before the
 * handler runs; a bad input fails the step with an `InputError` naming each field (`input.url: ...`).
 * zod 4 schemas are also listed as JSON Schema; other Standard Schemas (zod 3.24+, valibot,
 * arktype) validate and type the input but list no schema. A zod 3 schema older than 3.24 is an
 * `InputError` naming the action.
 *
 * @example
 * ```ts
 * const notify = createAction({
 *   id: 'acme:notify',
 *   description: 'Posts a message',
 *   schema: { input: z.object({ message: z.string() }) },
 *   // ctx.input is { message: string }, inferred from the schema
 *   async handler(ctx) { ctx.logger.info(ctx.input.message); ctx.output('sent', true); },
 * });
 * ```
 */
export function createAction<Input = never, const S extends ActionSchemaInput | undefined = ActionSchemaInput | undefined>(
  // An explicit `Input` wins; otherwise the input type is inferred from the zod input schema.
  options: CreateActionOptions<[Input] extends [never] ? InferActionInput<S> : Input, S>,
): ScaffolderAction {
  if (!options || typeof options !== 'object') throw new InputError('createAction: options are required');
  if (typeof options.id !== 'string' || !idPattern.test(options.id)) {
    throw new InputError(`createAction: invalid action id ${JSON.stringify(options.id)}`);
  }
  if (typeof options.handler !== 'function') throw new InputError(`createAction(${options.id}): handler must be a function`);
  const inputStandard = toStandard(options.id, options.schema?.input);
  const outputStandard = toStandard(options.id, options.schema?.output);
  const inputZod = inputStandard ? undefined : toZod(options.schema?.input);
  const outputZod = outputStandard ? undefined : toZod(options.schema?.output);
  const inputJson = toJsonSchema(options.schema?.input, inputZod, inputStandard);
  const outputJson = toJsonSchema(options.schema?.output, outputZod, outputStandard);

  let validateJson: ((input: unknown) => void) | undefined;
  if (!inputZod && !inputStandard && inputJson) {
    let compiled: ReturnType<Ajv['compile']>;
    try {
      compiled = new Ajv({ strict: false, allErrors: true, validateFormats: false, logger: false }).compile(inputJson);
    } catch (error) {
      throw new InputError(`createAction(${options.id}): invalid input JSON Schema: ${(error as Error).message}`);
    }
    validateJson = (input) => {
      if (!compiled(input)) {
        const messages = (compiled.errors ?? []).map((e) => formatAjvError(e, 'input'));
        throw new InputError(`Invalid input passed to action ${options.id}: ${messages.join('; ')}`);
      }
    };
  }

  const schema: ScaffolderAction['schema'] = {};
  if (inputJson) schema.input = inputJson;
  if (outputJson) schema.output = outputJson;
  return {
    id: options.id,
    ...(options.description !== undefined ? { description: options.description } : {}),
    ...(options.examples !== undefined ? { examples: options.examples } : {}),
    supportsDryRun: options.supportsDryRun ?? false,
    ...(options.idempotent === true ? { idempotent: true } : {}),
    schema,
    parseInput(input: unknown) {
      const value = input ?? {};
      if (inputZod) {
        const result = inputZod.safeParse(value);
        if (!result.success) {
          const messages = result.error.issues.map((issue) => `${zodPath(issue.path)}: ${issue.message}`);
          throw new InputError(`Invalid input passed to action ${options.id}: ${messages.join('; ')}`);
        }
        return result.data;
      }
      if (inputStandard) return validateStandardInput(inputStandard, value, options.id);
      validateJson?.(value);
      return value;
    },
    async handler(ctx) {
      // parseInput ran first, so the input has the handler's type.
      await options.handler(ctx as Parameters<typeof options.handler>[0]);
    },
  };
}
