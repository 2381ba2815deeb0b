import { generateKeyPairSync } from 'node:crypto';
import { createGithubIntegration, type GithubIntegrationConfig } from '@portalkit/integrations';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type GithubContractServer, startGithubContractServer } from '../../support/contract/github/index.js';

// GitHub Apps: @octokit/auth-app signs the app JWT with a key generated here; the contract server
// verifies it with the public half, lists installations and mints installation tokens.
describe('GitHub integration with GitHub Apps', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const appId = 4242;
  let github: GithubContractServer | undefined;

  const start = async (options: { installationTokenTtlMs?: number } = {}) => {
    github = await startGithubContractServer(options);
    github.addApp({ appId, publicKey });
    github.addInstallation(appId, 'acme');
    await github.addRepo('acme', 'web', { 'README.md': '# acme\n' }, { private: true });
    await github.addRepo('other', 'tools', { 'README.md': '# other\n' }, { private: true });
    return github;
  };
  const configFor = (server: GithubContractServer, app: Partial<NonNullable<GithubIntegrationConfig['apps']>[number]> = {}): GithubIntegrationConfig => ({
    host: server.host,
    apiBaseUrl: server.apiBaseUrl,
    rawBaseUrl: server.rawBaseUrl,
    codeloadBaseUrl: server.codeloadBaseUrl,
    allowPrivateNetwork: true,
    apps: [{ appId, privateKey: pem, ...app }],
  });
  const mints = (server: GithubContractServer) => server.requests.filter((r) => r.method === 'POST' && /\/app\/installations\/\d+\/access_tokens$/.test(r.path)).length;

  beforeAll(() => {
    expect(pem).toMatch(/BEGIN RSA PRIVATE KEY/);
  });
  afterEach(async () => {
    await github?.close();
    github = undefined;
  });

  it('reads with an installation token of the owner, minted once and reused while it is fresh', async () => {
    const server = await start();
    const integration = createGithubIntegration(configFor(server));
    const credentials = await integration.getCredentials({ owner: 'acme' });
    expect(credentials.type).toBe('app');
    expect(credentials.token).toMatch(/^ghs_/);
    expect(credentials.headers).toEqual({ Authorization: `Bearer ${credentials.token}` });
    expect((await integration.reader.read(`${server.baseUrl}/acme/web/blob/main/README.md`)).buffer.toString()).toBe('# acme\n');
    expect((await integration.reader.readTree(`${server.baseUrl}/acme/web`)).files.map((f) => f.path)).toEqual(['README.md']);
    expect(mints(server)).toBe(1);
    const byUrl = await integration.getCredentials({ url: `${server.baseUrl}/acme/web/blob/main/README.md` });
    expect(byUrl.token).toBe(credentials.token);
  });

  it('mints a new token when the cached one is about to expire', async () => {
    const server = await start({ installationTokenTtlMs: 5 * 60_000 });
    const integration = createGithubIntegration(configFor(server));
    const first = await integration.getCredentials({ owner: 'acme' });
    const second = await integration.getCredentials({ owner: 'acme' });
    expect(second.token).not.toBe(first.token);
    expect(mints(server)).toBe(2);
  });

  it('has no credentials for an owner without an installation, and falls back to the token when one is configured', async () => {
    const server = await start();
    const integration = createGithubIntegration(configFor(server));
    expect(await integration.getCredentials({ owner: 'other' })).toEqual({ type: 'token' });
    await expect(integration.reader.read(`${server.baseUrl}/other/tools/blob/main/README.md`)).rejects.toMatchObject({ name: 'NotFoundError' });
    const withToken = createGithubIntegration({ ...configFor(server), token: server.token });
    expect((await withToken.getCredentials({ owner: 'other' })).type).toBe('token');
    expect((await withToken.reader.read(`${server.baseUrl}/other/tools/blob/main/README.md`)).buffer.toString()).toBe('# other\n');
  });

  it('never uses an installation of an owner outside allowedInstallationOwners', async () => {
    const server = await start();
    const integration = createGithubIntegration(configFor(server, { allowedInstallationOwners: ['someone-else'] }));
    expect(await integration.getCredentials({ owner: 'acme' })).toEqual({ type: 'token' });
    await expect(integration.reader.read(`${server.baseUrl}/acme/web/blob/main/README.md`)).rejects.toMatchObject({ name: 'NotFoundError' });
    expect(mints(server)).toBe(0);
  });

  it('gives an Octokit with the installation token to publishers', async () => {
    const server = await start();
    const integration = createGithubIntegration(configFor(server));
    const octokit = await integration.octokitFor('acme');
    const { data } = await octokit.rest.repos.get({ owner: 'acme', repo: 'web' });
    expect(data).toMatchObject({ full_name: 'acme/web', private: true });
  });

  it('turns a key GitHub does not know into AuthenticationError, without the key in the message', async () => {
    const server = await start();
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const integration = createGithubIntegration(configFor(server, { privateKey: other }));
    const error = (await integration.getCredentials({ owner: 'acme' }).catch((e: Error) => e)) as Error;
    expect(error).toMatchObject({ name: 'AuthenticationError' });
    expect(error.message).not.toContain('PRIVATE KEY');
  });
});
