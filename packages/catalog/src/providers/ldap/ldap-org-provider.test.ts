import { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Slapd, slapdSkipReason, startSlapd } from '../../../../../test/support/slapd.js';
import { createCatalog } from '../../create-catalog.js';
import { createLdapOrgProvider } from './ldap-org-provider.js';

// A real OpenLDAP (Debian's slapd, installed by scripts/ensure-slapd.sh from the test command).
describe.skipIf(slapdSkipReason !== undefined)(`LDAP org provider against slapd${slapdSkipReason ? ` (skipped: ${slapdSkipReason})` : ''}`, () => {
  let ldap: Slapd;
  const people = 'ou=people,dc=example,dc=org';
  const groupsDn = 'ou=groups,dc=example,dc=org';
  const config = () => ({
    target: ldap.url,
    bind: { dn: ldap.rootDn, secret: ldap.rootPassword },
    users: { dn: people, options: { filter: '(objectClass=inetOrgPerson)' } },
    groups: { dn: groupsDn, options: { filter: `
      (objectClass=groupOfNames)
    ` } },
  });

  beforeAll(async () => {
    ldap = await startSlapd();
    const client = new Client({ url: ldap.url });
    await client.bind(ldap.rootDn, ldap.rootPassword);
    await client.add('dc=example,dc=org', { objectClass: ['dcObject', 'organization'], dc: 'example', o: 'Example' });
    for (const ou of ['people', 'groups']) await client.add(`ou=${ou},dc=example,dc=org`, { objectClass: 'organizationalUnit', ou });
    const person = (uid: string, cn: string) =>
      client.add(`uid=${uid},${people}`, { objectClass: 'inetOrgPerson', uid, cn, sn: cn.split(' ').at(-1)!, mail: `${uid}@example.org`, description: `${cn} works here` });
    await person('alice', 'Alice Archer');
    await person('bob', 'Bob Baker');
    await client.add(`cn=platform,${groupsDn}`, { objectClass: 'groupOfNames', cn: 'platform', description: 'Platform team', member: [`uid=alice,${people}`] });
    await client.add(`cn=engineering,${groupsDn}`, {
      objectClass: 'groupOfNames',
      cn: 'engineering',
      member: [`cn=platform,${groupsDn}`, `uid=bob,${people}`],
    });
    await client.unbind();
  });
  afterAll(async () => {
    await ldap?.stop();
  });

  it("reads users and groups with Backstage's defaults, relations and annotations, into the catalog", async () => {
    const provider = createLdapOrgProvider({ id: 'corp', config: config() });
    const catalog = createCatalog({ providers: [provider] });
    await catalog.refresh();
    const alice = await catalog.getEntityByRef('user:default/alice');
    expect(alice?.spec).toMatchObject({ profile: { displayName: 'Alice Archer', email: 'alice@example.org' }, memberOf: ['platform'] });
    expect(alice?.metadata.annotations).toMatchObject({
      'backstage.io/ldap-dn': `uid=alice,${people}`,
      'backstage.io/ldap-rdn': 'alice',
      'backstage.io/ldap-uuid': expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect((await catalog.getEntityByRef('user:default/bob'))?.spec).toMatchObject({ memberOf: ['engineering'] });
    const platform = await catalog.getEntityByRef('group:default/platform');
    expect(platform?.spec).toMatchObject({ type: 'unknown', parent: 'engineering', profile: { displayName: 'platform' } });
    expect(platform?.metadata.description).toBe('Platform team');
    expect((await catalog.getEntityByRef('group:default/engineering'))?.spec).toMatchObject({ children: ['platform'] });
    // The stitched relations point both ways, as for YAML-defined users and groups.
    expect(platform?.relations?.map((r) => `${r.type}:${r.targetRef}`).sort()).toEqual(
      expect.arrayContaining(['childOf:group:default/engineering', 'hasMember:user:default/alice']),
    );
  });

  it('keeps what it stored when a later read fails, and types each failure without the secret', async () => {
    const provider = createLdapOrgProvider({ id: 'corp', config: config() });
    const catalog = createCatalog({ providers: [provider] });
    await catalog.refresh();
    expect(await catalog.getEntityByRef('user:default/alice')).toBeDefined();

    const wrongSecret = createLdapOrgProvider({ id: 'bad', config: { ...config(), bind: { dn: ldap.rootDn, secret: 'not-the-secret-42' } } });
    const other = createCatalog({ providers: [wrongSecret] });
    await other.refresh();
    const failure = wrongSecret.run();
    await expect(failure).rejects.toMatchObject({ name: 'AuthenticationError' });
    await expect(failure).rejects.not.toThrow(/not-the-secret-42/);

    const missingBase = createLdapOrgProvider({ id: 'nobase', config: { ...config(), users: { dn: 'ou=nobody,dc=example,dc=org' } } });
    await createCatalog({ providers: [missingBase] }).refresh();
    await expect(missingBase.run()).rejects.toMatchObject({ name: 'NotFoundError' });

    const down = createLdapOrgProvider({ id: 'down', config: { ...config(), target: 'ldap://127.0.0.1:1' }, connectTimeoutMs: 2000 });
    await createCatalog({ providers: [down] }).refresh();
    await expect(down.run()).rejects.toMatchObject({ name: 'ServiceUnavailableError' });

    // A run that fails after a good one leaves the catalog as it was.
    await ldap.stop();
    await expect(provider.run()).rejects.toMatchObject({ name: 'ServiceUnavailableError' });
    expect(await catalog.getEntityByRef('user:default/alice')).toBeDefined();
    expect(await catalog.getEntityByRef('group:default/engineering')).toBeDefined();
  });
});

describe('LDAP org provider config', () => {
  it('names the key of invalid config, in Backstage terms', () => {
    expect(() => createLdapOrgProvider({ id: 'corp', config: { target: 'http://ds.example.net', users: { dn: 'x' }, groups: { dn: 'y' } } })).toThrow(
      /catalog\.providers\.ldapOrg\.corp\.target/,
    );
    expect(() => createLdapOrgProvider({ id: 'corp', config: { target: 'ldap://ds', users: { dn: '' }, groups: { dn: 'y' } } })).toThrow(/users/);
  });
});
