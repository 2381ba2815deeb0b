import { z } from 'zod';
import { gitlabDiscoveryConfigSchema } from '../providers/gitlab-discovery.js';
import { ldapOrgProviderConfigSchema } from '../providers/ldap/config.js';
import { durationConfigSchema, providerScheduleConfigSchema } from './schedule.js';

const ruleLocation = z.object({ type: z.string().min(1), exact: z.string().optional(), target: z.string().optional(), pattern: z.string().optional() });
const catalogRule = z.object({
  allow: z.array(z.union([z.string().min(1), z.object({ kind: z.string().min(1), 'spec.type': z.string().optional() })])),
  locations: z.array(ruleLocation).optional(),
});

const location = z.object({
  type: z.string().min(1),
  target: z.string().min(1),
  presence: z.enum(['required', 'optional']).optional(),
  rules: z.array(catalogRule).optional(),
});

const githubProvider = z.object({
  organization: z.string().min(1),
  host: z.string().min(1).optional(),
  catalogPath: z.string().min(1).optional(),
  filters: z
    .object({
      repository: z.string().optional(),
      branch: z.string().optional(),
      topic: z.object({ include: z.array(z.string()).optional(), exclude: z.array(z.string()).optional() }).optional(),
      visibility: z.array(z.enum(['public', 'private', 'internal'])).optional(),
      allowForks: z.boolean().optional(),
      allowArchived: z.boolean().optional(),
    })
    .optional(),
  schedule: providerScheduleConfigSchema.optional(),
  validateLocationsExist: z.boolean().optional(),
});

const githubOrgProvider = z.object({
  id: z.string().min(1),
  githubUrl: z.url({ protocol: /^https?$/ }).default('https://github.com'),
  orgs: z.array(z.string().min(1)).min(1),
  schedule: providerScheduleConfigSchema.optional(),
});

// Backstage takes one provider (`providers.github: { organization }`, id `default`) or several
// by id (`providers.github: { acme: { organization } }`). The value keeps its shape (so unknown
// keys can be reported); `providersOf` tells the two apart.
const providerId = z.string().regex(/^[\w.-]+$/, 'a provider id (letters, digits, _ . -)');
const oneOrById = <T extends z.ZodType>(schema: T, singleKey: string) => {
  const byId = z.record(providerId, schema);
  return z.unknown().transform((value, ctx): z.output<T> | Record<string, z.output<T>> => {
    const single = value !== null && typeof value === 'object' && !Array.isArray(value) && singleKey in value;
    const result = (single ? schema : byId).safeParse(value);
    if (result.success) return result.data as z.output<T> | Record<string, z.output<T>>;
    for (const issue of result.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
    return z.NEVER;
  });
};

const knownProviders = ['github', 'githubOrg', 'gitlab', 'ldapOrg'];

const providers = z
  .object({
    github: oneOrById(githubProvider, 'organization').optional(),
    githubOrg: z.union([githubOrgProvider, z.array(githubOrgProvider)]).optional(),
    gitlab: oneOrById(gitlabDiscoveryConfigSchema.extend({ schedule: providerScheduleConfigSchema.optional() }), 'host').optional(),
    ldapOrg: z.record(providerId, ldapOrgProviderConfigSchema).optional(),
  })
  // A provider portalkit lacks would leave the catalog silently short of entities: refuse it.
  .catchall(
    z.unknown().superRefine((_value, ctx) => {
      ctx.addIssue({ code: 'custom', message: `portalkit has no provider of this type (it has ${knownProviders.join(', ')}); remove it or add an EntityProvider in code` });
    }),
  );

/**
 * The `catalog` section of an app-config, as Backstage writes it: `locations` (each with its
 * own `rules`), `rules`, `providers` (`github`, `githubOrg`, `gitlab`, `ldapOrg`, each with a
 * `schedule`), `processingInterval`, `orphanStrategy`. `catalogPlugin()` without options reads it.
 * @example
 * ```ts
 * const section = catalogConfigSchema.parse({
 *   rules: [{ allow: ['Component', 'API', 'Location'] }],
 *   locations: [{ type: 'file', target: './org.yaml', rules: [{ allow: ['User', 'Group'] }] }],
 *   providers: { github: { acme: { organization: 'acme', schedule: { frequency: { minutes: 30 }, timeout: { minutes: 3 } } } } },
 * });
 * ```
 */
export const catalogConfigSchema = z
  .object({
    locations: z.array(location).default([]),
    rules: z.array(catalogRule).optional(),
    providers: providers.optional(),
    /** Backstage's `{ minutes: 2 }` or an ISO duration: the catalog's refresh loop. */
    processingInterval: durationConfigSchema.optional(),
    orphanStrategy: z.enum(['keep', 'delete']).optional(),
    stitchingStrategy: z.unknown().optional(),
    readonly: z.boolean().optional(),
  })
  .default({ locations: [] });

/**
 * The parsed `catalog` section.
 * @example
 * ```ts
 * const section: CatalogConfig = catalogConfigSchema.parse({ locations: [{ type: 'file', target: './all.yaml' }] });
 * ```
 */
export type CatalogConfig = z.output<typeof catalogConfigSchema>;

/** Keys accepted for Backstage compatibility that portalkit does not act on, with why. */
export const catalogIgnoredKeys: Record<string, string> = {
  orphanStrategy: "portalkit keeps orphaned entities and marks them backstage.io/orphan: 'true' (Backstage's default, keep)",
  stitchingStrategy: 'portalkit stitches as it commits; there is no deferred mode',
  readonly: 'registering locations is governed by the permission policy and allowedLocationTypes',
  'providers.github.*.validateLocationsExist': 'the provider always checks that the catalog file exists',
  'providers.github.validateLocationsExist': 'the provider always checks that the catalog file exists',
};
for (const prefix of ['providers.*.*.schedule', 'providers.*.schedule']) {
  catalogIgnoredKeys[`${prefix}.timeout`] = 'a provider run has no timeout of its own';
  catalogIgnoredKeys[`${prefix}.initialDelay`] = 'providers run when the catalog starts, then every frequency';
  catalogIgnoredKeys[`${prefix}.scope`] = 'each portal process runs its providers';
}
