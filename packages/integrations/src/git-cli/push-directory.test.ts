import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitHttpServer, startGitHttpServer } from '../../../../test/support/git-http-server.js';
import { basicAuthorization, pushDirectory } from './push-directory.js';

describe('pushDirectory', () => {
  let server: GitHttpServer;
  let source: string;
  beforeAll(async () => {
    server = await startGitHttpServer({ auth: { username: 'bot', password: 'push-secret-1' } });
    source = await mkdtemp(path.join(os.tmpdir(), 'push-source-'));
    await writeFile(path.join(source, 'README.md'), '# pushed\n');
  });
  afterAll(async () => {
    await server.close();
    await rm(source, { recursive: true, force: true });
  });

  const base = { branch: 'main', commitMessage: 'initial', author: { name: 'Bot', email: 'bot@example.com' } };

  it('pushes a directory to a real git server over HTTP with credentials in headers only', async () => {
    await server.createEmptyRepo('acme/app');
    const { commitHash } = await pushDirectory({
      ...base,
      source,
      remoteUrl: `${server.baseUrl}/acme/app.git`,
      headers: { Authorization: basicAuthorization('bot', 'push-secret-1') },
    });
    expect(await server.git('acme/app', ['rev-parse', 'main'])).toBe(commitHash);
    expect(await server.git('acme/app', ['show', 'main:README.md'])).toBe('# pushed');
  });

  it('fails typed, without the password in the message, when the credentials are wrong', async () => {
    await server.createEmptyRepo('acme/denied');
    const push = pushDirectory({ ...base, source, remoteUrl: `${server.baseUrl}/acme/denied.git`, headers: { Authorization: basicAuthorization('bot', 'wrong-secret-9') } });
    await expect(push).rejects.toMatchObject({ name: 'InputError' });
    await expect(push).rejects.not.toThrow(/wrong-secret-9/);
  });

  it('refuses credentials in the URL and non-http transports', async () => {
    await expect(pushDirectory({ ...base, source, remoteUrl: `http://bot:pw@${server.host}/acme/app.git` })).rejects.toMatchObject({ name: 'InputError' });
    await expect(pushDirectory({ ...base, source, remoteUrl: 'ext::sh -c touch% /tmp/pwned' })).rejects.toMatchObject({ name: 'InputError' });
    await expect(pushDirectory({ ...base, source, remoteUrl: `file://${server.root}/acme/app.git` })).rejects.toMatchObject({ name: 'InputError' });
  });
});
