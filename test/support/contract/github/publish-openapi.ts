import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

// ajv and @octokit/openapi are dependencies of the packages, not of the repository root.
const requireFromScaffolder = createRequire(fileURLToPath(new URL('../../../../packages/scaffolder/package.json', import.meta.url)));
const requireFromIntegrations = createRequire(fileURLToPath(new URL('../../../../packages/integrations/package.json', import.meta.url)));
interface AjvValidate {
  (data: unknown): boolean;
  errors?: Array<{ instancePath: string; message?: string }> | null;
}
const AjvClass = requireFromScaffolder('ajv') as new (options: Record<string, unknown>) => { compile(schema: object): AjvValidate };

type Schema = Record<string, unknown>;
interface Operation {
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}

let spec: { paths: Record<string, Record<string, Operation>> } | undefined;
function loadSpec() {
  if (!spec) {
    const file = requireFromIntegrations.resolve('@octokit/openapi/generated/api.github.com.deref.json');
    spec = JSON.parse(readFileSync(file, 'utf8'));
  }
  return spec!;
}

/** GitHub's generic error body, used for statuses an operation does not document (401, 429). */
const basicError: Schema = { type: 'object', required: ['message'], properties: { message: { type: 'string' }, documentation_url: { type: 'string' } } };

const ajv = new AjvClass({ strict: false, allErrors: true, validateFormats: false, logger: false });
const compiled = new Map<Schema, ReturnType<typeof ajv.compile>>();
function validator(schema: Schema) {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

/**
 * The operation of GitHub's REST description for `method` + `route` (a path template as in the
 * description, e.g. `/orgs/{org}/repos`); an unknown operation throws, so a contract route can
 * only serve what GitHub documents.
 */
export function githubOperation(method: string, route: string): Operation {
  const operation = loadSpec().paths[route]?.[method.toLowerCase()];
  if (!operation) throw new Error(`GitHub's OpenAPI description has no ${method} ${route}`);
  return operation;
}

/**
 * Problems of a response body against the description (`[]` when valid). A status the operation
 * does not document must still be GitHub's basic error shape.
 */
export function validateGithubResponse(method: string, route: string, status: number, body: unknown): string[] {
  const operation = githubOperation(method, route);
  const response = operation.responses[String(status)];
  const schema = response ? response.content?.['application/json']?.schema : status >= 400 ? basicError : undefined;
  if (!response && status < 400) return [`${method} ${route}: status ${status} is not documented`];
  if (!schema) return body === undefined || body === '' ? [] : [`${method} ${route} ${status}: documented without a body`];
  const validate = validator(schema);
  if (validate(body)) return [];
  return (validate.errors ?? []).slice(0, 5).map((e) => `${method} ${route} ${status}: ${e.instancePath || '/'} ${e.message}`);
}

/** Problems of a request body against the operation's documented request body. */
export function validateGithubRequest(method: string, route: string, body: unknown): string[] {
  const schema = githubOperation(method, route).requestBody?.content?.['application/json']?.schema;
  if (!schema) return [];
  const validate = validator(schema);
  if (validate(body)) return [];
  return (validate.errors ?? []).slice(0, 5).map((e) => `request ${method} ${route}: ${e.instancePath || '/'} ${e.message}`);
}

/**
 * A value satisfying `schema` with every required property filled by type (first enum value,
 * first `oneOf` branch, `null` where nullable): the skeleton a route overlays real values on,
 * so responses carry all of GitHub's required fields without hand-copying them.
 */
export function sampleFromSchema(schema: Schema | undefined): unknown {
  if (!schema) return null;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  const branches = (schema.oneOf ?? schema.anyOf) as Schema[] | undefined;
  if (branches?.length) return sampleFromSchema(branches[0]);
  if (Array.isArray(schema.allOf)) return Object.assign({}, ...(schema.allOf as Schema[]).map((s) => sampleFromSchema(s)));
  if (schema.nullable) return null;
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      const required = (schema.required ?? []) as string[];
      return Object.fromEntries(required.map((key) => [key, sampleFromSchema(properties[key])]));
    }
    case 'array':
      return [];
    case 'integer':
    case 'number':
      return 0;
    case 'boolean':
      return false;
    case 'string':
      return schema.format === 'date-time' ? '2026-01-01T00:00:00Z' : schema.format === 'uri' ? 'https://example.invalid/' : '';
    default:
      return null;
  }
}

/** A response skeleton of an operation (see {@link sampleFromSchema}) with `values` laid over it. */
export function githubResponse(method: string, route: string, status: number, values: Record<string, unknown>): Record<string, unknown> {
  let schema = githubOperation(method, route).responses[String(status)]?.content?.['application/json']?.schema;
  if (schema?.type === 'array') schema = schema.items as Schema;
  return { ...(sampleFromSchema(schema) as Record<string, unknown>), ...values };
}

/** A skeleton (see {@link sampleFromSchema}) of the schema at `properties` path `keys` of a response. */
export function githubSampleAt(method: string, route: string, status: number, keys: string[], values: Record<string, unknown>): Record<string, unknown> {
  let schema = githubOperation(method, route).responses[String(status)]?.content?.['application/json']?.schema;
  if (schema?.type === 'array') schema = schema.items as Schema;
  for (const key of keys) schema = (schema?.properties as Record<string, Schema> | undefined)?.[key];
  const resolved = schema && (schema.nullable || schema.anyOf || schema.oneOf) ? { ...schema, nullable: false } : schema;
  return { ...(sampleFromSchema(resolved) as Record<string, unknown>), ...values };
}
