import { z } from 'zod';
import type { JsonObject, JsonValue, TemplateFilter, TemplateGlobal } from '../types.js';
import { defaultFilters } from './filters.js';

const jsonSchema = z.record(z.string(), z.unknown());
const examples = z.array(z.object({ description: z.string().optional(), example: z.string(), notes: z.string().optional() })).optional();

/**
 * Backstage's `GET /v2/templating-extensions` answer: the filters and globals templates may use,
 * with JSON Schemas of their input, arguments and output where known. A filter or global given
 * as a plain function (as `createScaffolder({ filters })` takes them) is listed with `{}`, as
 * Backstage lists its record-style ones.
 */
export const templatingExtensionsSchema = z.object({
  filters: z.record(
    z.string(),
    z.object({
      description: z.string().optional(),
      schema: z.object({ input: jsonSchema.optional(), arguments: z.array(jsonSchema).optional(), output: jsonSchema.optional() }).optional(),
      examples,
    }),
  ),
  globals: z.object({
    functions: z.record(
      z.string(),
      z.object({
        description: z.string().optional(),
        schema: z.object({ arguments: z.array(jsonSchema).optional(), output: jsonSchema.optional() }).optional(),
        examples,
      }),
    ),
    values: z.record(z.string(), z.object({ value: z.unknown(), description: z.string().optional() })),
  }),
});

/** {@link templatingExtensionsSchema}'s type. */
export type TemplatingExtensions = z.infer<typeof templatingExtensionsSchema>;

type FilterMetadata = TemplatingExtensions['filters'][string];

const repoSpec: JsonObject = {
  type: 'object',
  properties: {
    host: { type: 'string' },
    owner: { type: 'string' },
    repo: { type: 'string' },
    organization: { type: 'string' },
    workspace: { type: 'string' },
    project: { type: 'string' },
  },
  required: ['host', 'repo'],
};
const entityRef: JsonObject = {
  type: 'object',
  properties: { kind: { type: 'string' }, namespace: { type: 'string' }, name: { type: 'string' } },
  required: ['kind', 'namespace', 'name'],
};

// Descriptions, schemas and examples of the default filters (what Backstage's defaults declare).
const defaultFilterMetadata: Record<string, FilterMetadata> = {
  parseRepoUrl: {
    description: 'Parses a repository URL given by RepoUrlPicker (`host?owner=o&repo=r`) into its parts.',
    schema: { input: { type: 'string' }, output: repoSpec },
    examples: [{ description: 'Parse a RepoUrlPicker value', example: '${{ parameters.repoUrl | parseRepoUrl }}' }],
  },
  parseEntityRef: {
    description: 'Parses an entity reference into its kind, namespace and name.',
    schema: {
      input: { type: 'string' },
      arguments: [{ type: 'object', properties: { defaultKind: { type: 'string' }, defaultNamespace: { type: 'string' } } }],
      output: entityRef,
    },
    examples: [{ description: 'Parse an owner reference', example: "${{ parameters.owner | parseEntityRef({ defaultKind: 'group' }) }}" }],
  },
  pick: {
    description: 'Picks a property (dotted path) of an object.',
    schema: { input: { type: 'object' }, arguments: [{ type: 'string' }], output: {} },
    examples: [{ description: 'The name of a parsed reference', example: "${{ parameters.owner | parseEntityRef | pick('name') }}" }],
  },
  projectSlug: {
    description: 'Turns a RepoUrlPicker value into `owner/repo`.',
    schema: { input: { type: 'string' }, output: { type: 'string' } },
    examples: [{ description: 'The project slug', example: '${{ parameters.repoUrl | projectSlug }}' }],
  },
  yamlScalar: {
    description: 'Writes a value as one YAML flow scalar, safe to place in a YAML file.',
    schema: { input: {}, output: { type: 'string' } },
    examples: [{ description: 'A description in catalog-info.yaml', example: 'description: ${{ values.description | yamlScalar }}' }],
  },
};

/**
 * The answer of `GET /v2/templating-extensions` for the default filters plus the host's.
 *
 * @example
 * ```ts
 * describeTemplatingExtensions({ globals: { org: 'acme' } }).globals.values; // { org: { value: 'acme' } }
 * ```
 */
export function describeTemplatingExtensions(options: { filters?: Record<string, TemplateFilter> | undefined; globals?: Record<string, TemplateGlobal> | undefined }): TemplatingExtensions {
  const filters: TemplatingExtensions['filters'] = {};
  for (const name of Object.keys(defaultFilters())) filters[name] = defaultFilterMetadata[name] ?? {};
  // A host filter of a default's name replaces it, so its description no longer applies.
  for (const name of Object.keys(options.filters ?? {})) filters[name] = {};
  const functions: TemplatingExtensions['globals']['functions'] = {};
  const values: TemplatingExtensions['globals']['values'] = {};
  for (const [name, global] of Object.entries(options.globals ?? {})) {
    if (typeof global === 'function') functions[name] = {};
    else values[name] = { value: global as JsonValue };
  }
  return { filters, globals: { functions, values } };
}
