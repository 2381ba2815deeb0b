import Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { InputError } from '@portalkit/core';
import type { JsonObject, TemplateEntity, TemplateParameterPage } from '../types.js';

// `ui:*` and other frontend keywords are not JSON Schema; strict:false makes ajv ignore them
// (and unknown formats) instead of refusing the schema.
function createAjv(): Ajv {
  return new Ajv({ strict: false, allErrors: true, useDefaults: true, validateFormats: false, logger: false });
}

/** Compile each parameter page; schema problems are reported with their page path. */
export function compileParameterSchemas(pages: TemplateParameterPage[]): {
  validators: ValidateFunction[];
  problems: string[];
} {
  const ajv = createAjv();
  const validators: ValidateFunction[] = [];
  const problems: string[] = [];
  pages.forEach((page, i) => {
    try {
      // Pages are objects even when `type` is left out, as in Backstage's form.
      validators.push(ajv.compile({ type: 'object', ...page }));
    } catch (error) {
      problems.push(`spec.parameters[${i}]: invalid JSON Schema: ${(error as Error).message}`);
    }
  });
  return { validators, problems };
}

/** Turn an ajv error into `parameters.a.b: message`. */
export function formatAjvError(error: ErrorObject, root: string): string {
  const segments = error.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (error.keyword === 'required') {
    segments.push(String((error.params as { missingProperty: string }).missingProperty));
    return `${[root, ...segments].join('.')}: is required`;
  }
  if (error.keyword === 'additionalProperties') {
    segments.push(String((error.params as { additionalProperty: string }).additionalProperty));
    return `${[root, ...segments].join('.')}: is not allowed`;
  }
  if (error.keyword === 'enum') {
    const allowed = (error.params as { allowedValues: unknown[] }).allowedValues;
    return `${[root, ...segments].join('.')}: must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return `${[root, ...segments].join('.')}: ${error.message ?? 'is invalid'}`;
}

/**
 * Validate submitted values against every parameter page of a template (pages are merged:
 * each page validates the same values object). Returns the values with schema defaults applied;
 * throws `InputError` naming every bad field (`parameters.name: must be string`).
 *
 * @example
 * ```ts
 * const values = validateValues(template, { name: 'my-service' });
 * ```
 */
export function validateValues(template: Pick<TemplateEntity, 'spec'>, values: unknown): JsonObject {
  if (typeof values !== 'object' || values === null || Array.isArray(values)) {
    throw new InputError('Invalid values: parameters: must be an object');
  }
  const { validators, problems } = compileParameterSchemas(template.spec.parameters);
  if (problems.length) throw new InputError(`Invalid template:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  const copy = structuredClone(values) as JsonObject;
  const messages: string[] = [];
  for (const validate of validators) {
    if (!validate(copy)) {
      for (const error of validate.errors ?? []) {
        // `if`/`oneOf` wrappers repeat their branches' errors; keep the useful ones.
        if (error.keyword === 'if' || error.keyword === 'oneOf' || error.keyword === 'anyOf') continue;
        const message = formatAjvError(error, 'parameters');
        if (!messages.includes(message)) messages.push(message);
      }
      if (messages.length === 0) messages.push('parameters: do not match the template schema');
    }
  }
  if (messages.length) throw new InputError(`Invalid values: ${messages.join('; ')}`);
  return copy;
}
