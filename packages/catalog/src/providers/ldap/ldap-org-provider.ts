import { readFile } from 'node:fs/promises';
import {
  AuthenticationError,
  CustomErrorBase,
  InputError,
  type Logger,
  NotFoundError,
  ServiceUnavailableError,
} from '@portalkit/core';
import { Client, InvalidCredentialsError, NoSuchObjectError } from 'ldapts';
import type { EntityProvider, EntityProviderConnection, EntityProviderSchedule } from '../../processing/provider.js';
import { createScheduledProvider } from '../scheduled-provider.js';
import { type LdapOrgProviderConfig, ldapOrgProviderConfigSchema, type ParsedLdapOrgProviderConfig } from './config.js';
import { type LdapEntry, type LdapSearch, readLdapOrg } from './read-org.js';

/**
 * Options of {@link createLdapOrgProvider}.
 * @example
 * ```ts
 * const options: LdapOrgProviderOptions = {
 *   id: 'corp',
 *   config: { target: 'ldaps://ds.example.net', users: { dn: 'ou=people,dc=example,dc=net' }, groups: { dn: 'ou=groups,dc=example,dc=net' } },
 *   intervalMs: 60 * 60 * 1000,
 * };
 * ```
 */
export interface LdapOrgProviderOptions {
  /** The key under `catalog.providers.ldapOrg`; names the provider `ldap-org:<id>`. */
  id: string;
  /** The provider's config in Backstage's shape (validated; errors name the key). */
  config: LdapOrgProviderConfig;
  /**
   * Read the directory again this often (Backstage's `schedule`): the catalog runs `run()` on
   * it and retries failures with backoff. Default only on `connect` and `run()`.
   */
  schedule?: EntityProviderSchedule;
  /** The same as `schedule: { frequencyMs: intervalMs }` (`schedule` wins). */
  intervalMs?: number;
  /** Connect and operation timeouts; default 10 s and 60 s. */
  connectTimeoutMs?: number;
  timeoutMs?: number;
  logger?: Logger;
}

/**
 * An LDAP org provider: also `run()` to read the directory now.
 * @example
 * ```ts
 * declare const provider: LdapOrgProvider;
 * const { users, groups } = await provider.run();
 * ```
 */
export interface LdapOrgProvider extends EntityProvider {
  /** Read the directory and replace what this provider holds; resolves with what was applied. */
  run(): Promise<{ users: number; groups: number; skipped: string[] }>;
  /** Stop the catalog's scheduled runs of this provider (the catalog's `stop()` stops them all). */
  close(): void;
}

/**
 * Users and groups from an LDAP directory (OpenLDAP, Active Directory, ...) as User and Group
 * entities, as Backstage's `LdapOrgEntityProvider` reads them: same config, attribute defaults,
 * relations and `backstage.io/ldap-*` annotations. Each run is one `full` mutation, so people
 * who left disappear; a failed run (server down, bad bind) changes nothing already stored and
 * is a typed error: `AuthenticationError` for rejected credentials, `NotFoundError` for a
 * missing base DN, `ServiceUnavailableError` when the server cannot be reached. The catalog
 * retries a failing `connect` or scheduled run with backoff and shows it in
 * `getProviderStatuses()`. The bind secret never appears in errors, logs or statuses.
 *
 * @example
 * ```ts
 * import { createCatalog, createLdapOrgProvider } from '@portalkit/catalog';
 * const ldap = createLdapOrgProvider({
 *   id: 'corp',
 *   config: {
 *     target: 'ldaps://ds.example.net',
 *     bind: { dn: 'uid=robot,ou=robots,dc=example,dc=net', secret: process.env.LDAP_SECRET ?? '' },
 *     users: { dn: 'ou=people,dc=example,dc=net' },
 *     groups: { dn: 'ou=groups,dc=example,dc=net' },
 *   },
 *   intervalMs: 60 * 60 * 1000,
 * });
 * const catalog = createCatalog({ providers: [ldap] });
 * ```
 */
export function createLdapOrgProvider(options: LdapOrgProviderOptions): LdapOrgProvider {
  const parsed = ldapOrgProviderConfigSchema.safeParse(options.config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError(`catalog.providers.ldapOrg.${options.id}.${issue.path.join('.')}: ${issue.message}`);
  }
  const config = parsed.data;
  const name = `ldap-org:${options.id}`;
  const schedule = options.schedule ?? (options.intervalMs === undefined ? undefined : { frequencyMs: options.intervalMs });

  const read = async (connection: EntityProviderConnection) => {
    const { users, groups, skipped } = await withClient(config, options, (search) => readLdapOrg(search, config));
    await connection.applyMutation({ type: 'full', entities: [...users, ...groups].map((entity) => ({ entity, locationKey: name })) });
    if (skipped.length > 0) options.logger?.warn('ldap entries skipped', { provider: name, skipped: skipped.slice(0, 20) });
    options.logger?.info('ldap org read', { provider: name, users: users.length, groups: groups.length });
    return { users: users.length, groups: groups.length, skipped };
  };
  return createScheduledProvider({ name, factory: 'createLdapOrgProvider', schedule, read, beforeConnect: 'throw' });
}

/** Bind, hand a search function to `work`, and always unbind; map ldapts errors to typed ones. */
async function withClient<T>(config: ParsedLdapOrgProviderConfig, options: LdapOrgProviderOptions, work: (search: LdapSearch) => Promise<T>): Promise<T> {
  const tlsOptions = config.tls
    ? {
        ...(config.tls.rejectUnauthorized !== undefined ? { rejectUnauthorized: config.tls.rejectUnauthorized } : {}),
        ...(config.tls.keys ? { key: await readFile(config.tls.keys) } : {}),
        ...(config.tls.certs ? { cert: await readFile(config.tls.certs) } : {}),
      }
    : undefined;
  const client = new Client({
    url: config.target,
    connectTimeout: options.connectTimeoutMs ?? 10_000,
    timeout: options.timeoutMs ?? 60_000,
    ...(tlsOptions ? { tlsOptions } : {}),
  });
  const where = `${config.target} (ldap-org:${options.id})`;
  try {
    if (config.bind) await client.bind(config.bind.dn, config.bind.secret);
    const search: LdapSearch = async (base, searchOptions) => {
      const { searchEntries } = await client.search(base, {
        scope: searchOptions.scope,
        attributes: searchOptions.attributes,
        ...(searchOptions.filter ? { filter: searchOptions.filter } : {}),
        ...(searchOptions.paged !== undefined ? { paged: searchOptions.paged } : {}),
        ...(searchOptions.sizeLimit !== undefined ? { sizeLimit: searchOptions.sizeLimit } : {}),
        ...(searchOptions.timeLimit !== undefined ? { timeLimit: searchOptions.timeLimit } : {}),
      });
      return searchEntries.map(toEntry);
    };
    return await work(search);
  } catch (error) {
    if (error instanceof CustomErrorBase) throw error;
    if (error instanceof InvalidCredentialsError) throw new AuthenticationError(`${where}: the directory rejected the bind credentials`);
    if (error instanceof NoSuchObjectError) throw new NotFoundError(`${where}: a configured base DN does not exist`);
    const message = error instanceof Error ? error.message : String(error);
    const secret = config.bind?.secret;
    throw new ServiceUnavailableError(`${where}: ${secret && secret.length > 2 ? message.split(secret).join('***') : message}`);
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

/** ldapts gives strings, buffers or arrays of them; keep strings. */
function toEntry(entry: { dn: string; [attribute: string]: unknown }): LdapEntry {
  const attributes: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(entry)) {
    if (key === 'dn') continue;
    const values = Array.isArray(value) ? value : [value];
    attributes[key] = values.map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v)));
  }
  return { dn: entry.dn, attributes };
}
