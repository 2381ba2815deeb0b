import { z } from 'zod';

// Backstage's `catalog.providers.ldapOrg.<id>` config (catalog-backend-module-ldap), key for key,
// with its defaults: users map uid/uid/cn/mail/memberOf, groups cn/cn/description/cn/groupType/
// memberOf/member, search scope `one` with attributes `*` and `+`.

const searchOptions = z.strictObject({
  scope: z.enum(['base', 'one', 'sub', 'children']).default('one'),
  filter: z
    .string()
    .optional()
    // Multi-line filters in YAML: whitespace around parentheses is not part of the filter.
    .transform((filter) => filter?.replace(/\s*(\(|\))/g, '$1').trim()),
  attributes: z.array(z.string()).default(['*', '+']),
  paged: z.union([z.boolean(), z.strictObject({ pageSize: z.number().int().positive().optional() })]).optional(),
  sizeLimit: z.number().int().nonnegative().optional(),
  timeLimit: z.number().int().nonnegative().optional(),
});

const jsonValue: z.ZodType<unknown> = z.unknown();

const userConfig = z.strictObject({
  dn: z.string().min(1),
  options: searchOptions.prefault({}),
  set: z.record(z.string(), jsonValue).optional(),
  map: z
    .strictObject({
      rdn: z.string().default('uid'),
      name: z.string().default('uid'),
      description: z.string().optional(),
      displayName: z.string().default('cn'),
      email: z.string().default('mail'),
      picture: z.string().optional(),
      memberOf: z.string().default('memberOf'),
    })
    .default({ rdn: 'uid', name: 'uid', displayName: 'cn', email: 'mail', memberOf: 'memberOf' }),
});

const groupConfig = z.strictObject({
  dn: z.string().min(1),
  options: searchOptions.prefault({}),
  set: z.record(z.string(), jsonValue).optional(),
  map: z
    .strictObject({
      rdn: z.string().default('cn'),
      name: z.string().default('cn'),
      description: z.string().default('description'),
      type: z.string().default('groupType'),
      displayName: z.string().default('cn'),
      email: z.string().optional(),
      picture: z.string().optional(),
      memberOf: z.string().default('memberOf'),
      members: z.string().default('member'),
    })
    .default({ rdn: 'cn', name: 'cn', description: 'description', type: 'groupType', displayName: 'cn', memberOf: 'memberOf', members: 'member' }),
});

const oneOrMany = <T extends z.ZodType>(schema: T) => z.union([schema, z.array(schema)]).transform((value) => (Array.isArray(value) ? value : [value]) as z.output<T>[]);

/**
 * One LDAP org provider's config, as under Backstage's `catalog.providers.ldapOrg.<id>`.
 * @example
 * ```ts
 * const config = ldapOrgProviderConfigSchema.parse({
 *   target: 'ldaps://ds.example.net',
 *   bind: { dn: 'uid=robot,ou=robots,dc=example,dc=net', secret: 'from-env' },
 *   users: { dn: 'ou=people,dc=example,dc=net' },
 *   groups: { dn: 'ou=groups,dc=example,dc=net' },
 * });
 * ```
 */
export const ldapOrgProviderConfigSchema = z.strictObject({
  target: z
    .string()
    .regex(/^ldaps?:\/\/[^/\s]+\/?$/, 'an ldap:// or ldaps:// URL of the server, without a path')
    .transform((target) => target.replace(/\/$/, '')),
  bind: z.strictObject({ dn: z.string().min(1), secret: z.string() }).optional(),
  tls: z.strictObject({ rejectUnauthorized: z.boolean().optional(), keys: z.string().optional(), certs: z.string().optional() }).optional(),
  users: oneOrMany(userConfig),
  groups: oneOrMany(groupConfig),
  vendor: z.strictObject({ dnAttributeName: z.string().optional(), uuidAttributeName: z.string().optional() }).optional(),
  /** Accepted for Backstage config compatibility; portalkit schedules with `intervalMs`. */
  schedule: z.unknown().optional(),
});

export type LdapOrgProviderConfig = z.input<typeof ldapOrgProviderConfigSchema>;
export type ParsedLdapOrgProviderConfig = z.output<typeof ldapOrgProviderConfigSchema>;
