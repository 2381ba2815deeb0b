import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// ajv and @octokit/openapi are dev dependencies of @portalkit/integrations (the package whose
// tests use this server); test/ has no node_modules of its own, so resolve them from there.
const requireFromIntegrations = createRequire(new URL('../../../../packages/integrations/package.json', import.meta.url));

interface AjvValidate {
  (data: unknown): boolean;
  errors?: Array<{ instancePath: string; message?: string; params?: unknown }> | null;
}
interface AjvInstance {
  addSchema(schema: object, key?: string): AjvInstance;
  compile(schema: object): AjvValidate;
}
type AjvConstructor = new (options: object) => AjvInstance;

type Schema = Record<string, unknown>;
type Ref = { $ref: string };
interface Response {
  content?: Record<string, { schema?: Schema }>;
}
interface Operation {
  responses?: Record<string, Response | Ref>;
  requestBody?: { content?: Record<string, { schema?: Schema }> } | Ref;
}
interface Spec {
  paths: Record<string, Record<string, Operation>>;
  components: { responses: Record<string, Response>; requestBodies?: Record<string, Operation['requestBody']> };
}

/**
 * A response (or request) that does not match GitHub's published API description. The contract
 * server answers 500 with this message and records it, and `close()` fails the test.
 */
export class ContractViolation extends Error {
  override name = 'ContractViolation';
}

const SPEC_ID = 'https://api.github.com/openapi';
let spec: Spec | undefined;
let ajv: AjvInstance | undefined;
const compiled = new Map<string, AjvValidate>();

/**
 * GitHub's API description (generated/api.github.com.json of @octokit/openapi), loaded once per
 * process, its `$ref`s resolved by ajv. The `.deref.json` variant is the same description with
 * every `$ref` inlined: 73 MB, 8 s to parse here, against 13 MB and 2 s.
 */
function load(): { spec: Spec; ajv: AjvInstance } {
  if (!spec || !ajv) {
    const file = requireFromIntegrations.resolve('@octokit/openapi/generated/api.github.com.json');
    spec = toJsonSchema(JSON.parse(readFileSync(file, 'utf8'))) as Spec;
    const module = requireFromIntegrations('ajv') as { default: AjvConstructor };
    // Formats (uri, date-time) are not checked: ajv-formats is not a dependency.
    ajv = new module.default({ strict: false, allErrors: true, validateFormats: false, validateSchema: false });
    ajv.addSchema(spec, SPEC_ID);
  }
  return { spec, ajv };
}

const ANNOTATIONS = new Set(['description', 'title', 'example', 'examples', 'externalDocs', 'x-github', 'x-octokit', 'deprecated', 'readOnly', 'summary']);

/**
 * OpenAPI 3.0 schemas as JSON Schema: `nullable: true` becomes `anyOf: [schema, null]` (ajv's own
 * `nullable` needs a sibling `type`, which GitHub's description does not always have), and
 * annotations are dropped. Keys of `properties` are names, never keywords.
 */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!node || typeof node !== 'object') return node;
  const out: Schema = {};
  for (const [key, value] of Object.entries(node as Schema)) {
    if (key === 'nullable' || ANNOTATIONS.has(key)) continue;
    out[key] =
      key === 'properties' || key === 'patternProperties'
        ? Object.fromEntries(Object.entries(value as Schema).map(([name, schema]) => [name, toJsonSchema(schema)]))
        : key === 'enum' || key === 'default' || key === 'const'
          ? value
          : toJsonSchema(value);
  }
  if ((node as Schema).nullable !== true) return out;
  // A $ref's siblings are ignored by OpenAPI 3.0, so the null alternative wraps the whole node.
  return { anyOf: [out, { type: 'null' }] };
}

/** JSON pointer escaping of one path segment. */
const escape = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

/** The operation GitHub documents for `method` on the path template `template`. */
export function findOperation(method: string, template: string): Operation | undefined {
  return load().spec.paths[template]?.[method.toLowerCase()];
}

/** A documented response, with the pointer (into the description) of its content. */
function findResponse(method: string, template: string, status: number): { response: Response; pointer: string } | undefined {
  const documented = findOperation(method, template)?.responses?.[String(status)];
  if (!documented) return undefined;
  if ('$ref' in documented) {
    const name = String(documented.$ref).replace('#/components/responses/', '');
    return { response: load().spec.components.responses[name]!, pointer: `/components/responses/${escape(name)}` };
  }
  return { response: documented, pointer: `/paths/${escape(template)}/${method.toLowerCase()}/responses/${status}` };
}

function validator(pointer: string): AjvValidate {
  let validate = compiled.get(pointer);
  if (!validate) {
    validate = load().ajv.compile({ $ref: `${SPEC_ID}#${pointer}` });
    compiled.set(pointer, validate);
  }
  return validate;
}

function describeErrors(validate: AjvValidate): string {
  return (validate.errors ?? [])
    .slice(0, 20)
    .map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${e.params ? JSON.stringify(e.params) : ''}`)
    .join('; ');
}

const isJson = (type: string) => type === 'application/json' || type.endsWith('+json') || type === 'application/vnd.github.object';

/**
 * Check a response against the operation `method template`: the status must be documented
 * (an undocumented 4xx/5xx is allowed, its body checked against GitHub's Basic Error), and a
 * JSON body must match the documented schema of that status. Throws {@link ContractViolation}.
 */
export function validateResponse(method: string, template: string, status: number, body: unknown | undefined): void {
  const what = `${method.toUpperCase()} ${template} ${status}`;
  if (!findOperation(method, template)) throw new ContractViolation(`${method.toUpperCase()} ${template} is not an operation of GitHub's API`);
  const found = findResponse(method, template, status);
  if (!found && status < 400) throw new ContractViolation(`${what}: status not documented for this operation`);
  if (body === undefined) return;
  if (!found) {
    check('/components/schemas/basic-error', body, what);
    return;
  }
  const types = Object.keys(found.response.content ?? {}).filter((type) => isJson(type) && found.response.content?.[type]?.schema);
  if (types.length === 0) throw new ContractViolation(`${what}: GitHub documents no JSON body for this status, but one was sent`);
  const failures: string[] = [];
  for (const type of types) {
    const validate = validator(`${found.pointer}/content/${escape(type)}/schema`);
    if (validate(body)) return;
    failures.push(`${type}: ${describeErrors(validate)}`);
  }
  throw new ContractViolation(`${what}: response body does not match GitHub's schema: ${failures.join(' | ')}`);
}

/** Check a JSON request body against the operation's documented request schema, if any. */
export function validateRequestBody(method: string, template: string, body: unknown): void {
  if (body === undefined) return;
  let requestBody = findOperation(method, template)?.requestBody;
  let pointer = `/paths/${escape(template)}/${method.toLowerCase()}/requestBody`;
  if (requestBody && '$ref' in requestBody) {
    const name = String(requestBody.$ref).replace('#/components/requestBodies/', '');
    requestBody = load().spec.components.requestBodies?.[name];
    pointer = `/components/requestBodies/${escape(name)}`;
  }
  if (!requestBody || '$ref' in requestBody || !requestBody.content?.['application/json']?.schema) return;
  check(`${pointer}/content/${escape('application/json')}/schema`, body, `${method.toUpperCase()} ${template} request`);
}

function check(pointer: string, body: unknown, what: string): void {
  const validate = validator(pointer);
  if (!validate(body)) throw new ContractViolation(`${what}: body does not match GitHub's schema: ${describeErrors(validate)}`);
}
