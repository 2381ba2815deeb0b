import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

// Skeletons of GitHub's response objects (pull-request, team, ...) built from its API
// description, so the publish routes send every required field without hand-copying dozens.
const requireFromIntegrations = createRequire(fileURLToPath(new URL('../../../../packages/integrations/package.json', import.meta.url)));

type Schema = Record<string, unknown>;
interface Spec {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: Schema }> } | { $ref: string }> }>>;
  components: Record<string, Record<string, unknown>>;
}
let spec: Spec | undefined;
const load = (): Spec => {
  spec ??= JSON.parse(readFileSync(requireFromIntegrations.resolve('@octokit/openapi/generated/api.github.com.json'), 'utf8')) as Spec;
  return spec;
};

function resolve(schema: Schema | undefined): Schema | undefined {
  let current = schema;
  while (current && typeof current.$ref === 'string') {
    const [, kind, name] = /^#\/components\/(\w+)\/(.+)$/.exec(current.$ref) ?? [];
    current = load().components[kind!]?.[name!] as Schema | undefined;
  }
  return current;
}

/**
 * A value satisfying `schema` with every required property filled by type (first enum value,
 * first `oneOf`/`anyOf` branch, `null` where nullable), depth-limited.
 */
function sample(input: Schema | undefined, depth = 0): unknown {
  const schema = resolve(input);
  if (!schema || depth > 12) return null;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  const branches = (schema.oneOf ?? schema.anyOf) as Schema[] | undefined;
  if (branches?.length) return sample(branches[0], depth + 1);
  if (Array.isArray(schema.allOf)) return Object.assign({}, ...(schema.allOf as Schema[]).map((s) => sample(s, depth + 1)));
  if (schema.nullable) return null;
  switch (schema.type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      return Object.fromEntries(((schema.required ?? []) as string[]).map((key) => [key, sample(properties[key], depth + 1)]));
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

/**
 * The skeleton of a documented response body (an array's item), or of the schema at `keys`
 * below it, with `values` laid over it.
 */
export function githubSkeleton(method: string, template: string, status: number, values: Record<string, unknown>, keys: string[] = []): Record<string, unknown> {
  const response = load().paths[template]?.[method.toLowerCase()]?.responses[String(status)];
  const resolved = response && '$ref' in response ? (resolve(response as unknown as Schema) as { content?: Record<string, { schema?: Schema }> }) : response;
  let schema = resolve((resolved as { content?: Record<string, { schema?: Schema }> } | undefined)?.content?.['application/json']?.schema);
  if (schema?.type === 'array') schema = resolve(schema.items as Schema);
  for (const key of keys) schema = resolve((schema?.properties as Record<string, Schema> | undefined)?.[key]);
  const picked = schema && (schema.anyOf || schema.oneOf) ? resolve(((schema.anyOf ?? schema.oneOf) as Schema[]).find((s) => resolve(s)?.type === 'object')) : schema;
  return { ...(sample(picked ? { ...picked, nullable: false } : undefined) as Record<string, unknown>), ...values };
}
