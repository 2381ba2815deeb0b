import type { Entity } from '@portalkit/catalog-model';
import type { ParsedLdapOrgProviderConfig } from './config.js';

/** One directory entry: its DN and attributes (names compared case-insensitively). */
export interface LdapEntry {
  dn: string;
  attributes: Record<string, string[]>;
}

/** Searches a base DN; the provider passes an ldapts-backed one, the tests too. */
export type LdapSearch = (base: string, options: ParsedLdapOrgProviderConfig['users'][number]['options']) => Promise<LdapEntry[]>;

export const LDAP_DN_ANNOTATION = 'backstage.io/ldap-dn';
export const LDAP_RDN_ANNOTATION = 'backstage.io/ldap-rdn';
export const LDAP_UUID_ANNOTATION = 'backstage.io/ldap-uuid';

function first(entry: LdapEntry, attribute: string | undefined): string | undefined {
  if (!attribute) return undefined;
  const key = Object.keys(entry.attributes).find((name) => name.toLowerCase() === attribute.toLowerCase());
  return key ? entry.attributes[key]![0] : undefined;
}

function all(entry: LdapEntry, attribute: string): string[] {
  const key = Object.keys(entry.attributes).find((name) => name.toLowerCase() === attribute.toLowerCase());
  return key ? entry.attributes[key]! : [];
}

/** DNs compare case-insensitively and without spaces around separators. */
const normalizeDn = (dn: string) => dn.replace(/\s*([,=+])\s*/g, '$1').toLowerCase();

/** Apply `set` (paths like `metadata.labels.team`), never onto prototype keys. */
function applySet(entity: Entity, set: Record<string, unknown> | undefined): void {
  for (const [path, value] of Object.entries(set ?? {})) {
    const keys = path.split('.');
    if (keys.some((key) => key === '__proto__' || key === 'constructor' || key === 'prototype' || key === '')) continue;
    let target = entity as unknown as Record<string, unknown>;
    for (const key of keys.slice(0, -1)) {
      if (typeof target[key] !== 'object' || target[key] === null) target[key] = {};
      target = target[key] as Record<string, unknown>;
    }
    target[keys.at(-1)!] = value;
  }
}

function annotations(entry: LdapEntry, rdnAttribute: string, config: ParsedLdapOrgProviderConfig): Record<string, string> {
  const uuid = first(entry, config.vendor?.uuidAttributeName ?? 'entryUUID');
  const dn = first(entry, config.vendor?.dnAttributeName ?? 'entryDN') ?? entry.dn;
  const rdn = first(entry, rdnAttribute);
  return { [LDAP_DN_ANNOTATION]: dn, ...(rdn ? { [LDAP_RDN_ANNOTATION]: rdn } : {}), ...(uuid ? { [LDAP_UUID_ANNOTATION]: uuid } : {}) };
}

const compact = <T extends Record<string, unknown>>(value: T): T => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

/**
 * Read users and groups as Backstage's LDAP org provider does: one User per user entry, one
 * Group per group entry, then relations by DN: a group's `member` values become its children
 * (groups) or its users' `memberOf`; a `memberOf` value becomes a user's group or a group's parent.
 * Entries without a name attribute are skipped and reported.
 * @example
 * ```ts
 * declare const search: LdapSearch;
 * declare const config: ParsedLdapOrgProviderConfig;
 * const { users, groups } = await readLdapOrg(search, config);
 * ```
 */
export async function readLdapOrg(search: LdapSearch, config: ParsedLdapOrgProviderConfig): Promise<{ users: Entity[]; groups: Entity[]; skipped: string[] }> {
  const skipped: string[] = [];
  const users = new Map<string, { entity: Entity; entry: LdapEntry; memberOf: string }>();
  const groups = new Map<string, { entity: Entity; entry: LdapEntry; memberOf: string; members: string }>();
  for (const userConfig of config.users) {
    for (const entry of await search(userConfig.dn, userConfig.options)) {
      const { map } = userConfig;
      const name = first(entry, map.name);
      if (!name) {
        skipped.push(`${entry.dn}: no ${map.name} attribute`);
        continue;
      }
      const entity: Entity = {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'User',
        metadata: compact({ name, description: first(entry, map.description), annotations: annotations(entry, map.rdn, config) }),
        spec: { profile: compact({ displayName: first(entry, map.displayName), email: first(entry, map.email), picture: first(entry, map.picture) }), memberOf: [] },
      };
      applySet(entity, userConfig.set);
      users.set(normalizeDn(entry.dn), { entity, entry, memberOf: map.memberOf });
    }
  }
  for (const groupConfig of config.groups) {
    for (const entry of await search(groupConfig.dn, groupConfig.options)) {
      const { map } = groupConfig;
      const name = first(entry, map.name);
      if (!name) {
        skipped.push(`${entry.dn}: no ${map.name} attribute`);
        continue;
      }
      const entity: Entity = {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Group',
        metadata: compact({ name, description: first(entry, map.description), annotations: annotations(entry, map.rdn, config) }),
        spec: {
          type: first(entry, map.type) ?? 'unknown',
          profile: compact({ displayName: first(entry, map.displayName), email: first(entry, map.email), picture: first(entry, map.picture) }),
          children: [],
        },
      };
      applySet(entity, groupConfig.set);
      groups.set(normalizeDn(entry.dn), { entity, entry, memberOf: map.memberOf, members: map.members });
    }
  }
  resolveRelations(users, groups);
  return { users: [...users.values()].map((u) => u.entity), groups: [...groups.values()].map((g) => g.entity), skipped };
}

type Spec = { memberOf?: string[]; children?: string[]; parent?: string };
const addOnce = (list: string[], value: string) => {
  if (!list.includes(value)) list.push(value);
};

function resolveRelations(
  users: Map<string, { entity: Entity; entry: LdapEntry; memberOf: string }>,
  groups: Map<string, { entity: Entity; entry: LdapEntry; memberOf: string; members: string }>,
): void {
  const join = (groupDn: string, memberDn: string) => {
    const group = groups.get(groupDn);
    if (!group) return;
    const groupSpec = group.entity.spec as Spec;
    const user = users.get(memberDn);
    if (user) addOnce(((user.entity.spec as Spec).memberOf ??= []), group.entity.metadata.name);
    const child = groups.get(memberDn);
    if (child && child !== group) {
      addOnce((groupSpec.children ??= []), child.entity.metadata.name);
      (child.entity.spec as Spec).parent ??= group.entity.metadata.name;
    }
  };
  for (const [groupDn, group] of groups) {
    for (const member of all(group.entry, group.members)) join(groupDn, normalizeDn(member));
    for (const parent of all(group.entry, group.memberOf)) join(normalizeDn(parent), groupDn);
  }
  for (const [userDn, user] of users) {
    for (const group of all(user.entry, user.memberOf)) join(normalizeDn(group), userDn);
  }
}
