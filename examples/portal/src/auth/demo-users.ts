import { readFile } from 'node:fs/promises';
import { parseYamlDocuments } from '@portalkit/core';

/** One account of the demo OpenID Connect provider, taken from a `kind: User` entity. */
export interface DemoUser {
  /** The user's entity ref, `user:default/<name>`: the token's `sub`, as Backstage's tokens carry it. */
  ref: string;
  /** `metadata.name`, the login name. */
  name: string;
  displayName: string;
  email?: string;
  /** `spec.memberOf` as written, for the login page only (ownership comes from the catalog). */
  memberOf: string[];
}

/**
 * Reads the demo org's `kind: User` entities (data/org/users.yaml) as accounts of the demo
 * provider. Only users in the default namespace with a plain name are accounts.
 *
 * @example
 * ```ts
 * const users = await loadDemoUsers('examples/portal/data/org/users.yaml');
 * users[0].ref; // 'user:default/ada.lovelace'
 * ```
 */
export async function loadDemoUsers(file: string): Promise<DemoUser[]> {
  const users: DemoUser[] = [];
  for (const doc of parseYamlDocuments(await readFile(file, 'utf8'), { file })) {
    const entity = doc.value as {
      kind?: unknown;
      metadata?: { name?: unknown; namespace?: unknown };
      spec?: { profile?: { displayName?: unknown; email?: unknown }; memberOf?: unknown };
    } | null;
    const name = entity?.metadata?.name;
    if (entity?.kind !== 'User' || typeof name !== 'string' || !/^[a-z0-9][a-z0-9._-]*$/i.test(name)) continue;
    if (entity.metadata?.namespace !== undefined && entity.metadata.namespace !== 'default') continue;
    const profile = entity.spec?.profile ?? {};
    const memberOf = Array.isArray(entity.spec?.memberOf) ? entity.spec.memberOf.filter((g): g is string => typeof g === 'string') : [];
    users.push({
      ref: `user:default/${name.toLowerCase()}`,
      name,
      displayName: typeof profile.displayName === 'string' ? profile.displayName : name,
      ...(typeof profile.email === 'string' ? { email: profile.email } : {}),
      memberOf,
    });
  }
  return users;
}
