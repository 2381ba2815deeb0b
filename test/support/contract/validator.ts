import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * Validates a contract server's responses against definitions extracted from a host's published
 * API description (see extract-definitions.mjs). ajv comes from the scaffolder's dependencies,
 * so the test support adds none of its own.
 */
export interface SchemaValidator {
  /** Problems of `value` against the definition (`Repository`) or an array of it (`Repository[]`); `[]` when valid. */
  validate(definition: string, value: unknown): string[];
  /** Every problem seen so far, as `<definition>: <problem>`; a contract test expects none. */
  violations: string[];
}

interface AjvLike {
  addSchema(schema: object, key: string): void;
  compile(schema: object): ((value: unknown) => boolean) & { errors?: Array<{ instancePath: string; message?: string }> | null };
}

const requireFromScaffolder = createRequire(new URL('../../../packages/scaffolder/package.json', import.meta.url));
const Ajv = requireFromScaffolder('ajv') as { default: new (options: object) => AjvLike };

/** A {@link SchemaValidator} over a definitions file next to a contract server. */
export function createSchemaValidator(definitionsFile: URL): SchemaValidator {
  const document = JSON.parse(readFileSync(definitionsFile, 'utf8')) as { definitions: Record<string, object> };
  // Swagger 2.0 schemas: vendor keywords (x-go-name, x-ms-enum) and formats (int64, uuid) are not JSON Schema's.
  const ajv = new Ajv.default({ strict: false, validateFormats: false, allErrors: true });
  ajv.addSchema({ definitions: document.definitions }, 'spec');
  const compiled = new Map<string, ReturnType<AjvLike['compile']>>();
  const violations: string[] = [];
  return {
    violations,
    validate(definition, value) {
      let check = compiled.get(definition);
      if (!check) {
        const name = definition.replace(/\[\]$/, '');
        if (!document.definitions[name]) throw new Error(`no definition ${name} in ${definitionsFile.pathname}`);
        const ref = { $ref: `spec#/definitions/${name}` };
        check = ajv.compile(definition.endsWith('[]') ? { type: 'array', items: ref } : ref);
        compiled.set(definition, check);
      }
      if (check(value)) return [];
      const problems = (check.errors ?? []).map((error) => `${definition}: ${error.instancePath || '/'} ${error.message ?? 'invalid'}`);
      violations.push(...problems);
      return problems;
    },
  };
}
