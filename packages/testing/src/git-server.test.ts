import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitServer, type GitServer } from './git-server.js';

const exec = promisify(execFile);
const env = {
  PATH: process.env.PATH,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: os.devNull,
  GIT_TERMINAL_PROMPT: '0',
  GIT_AUTHOR_NAME: 'a',
  GIT_AUTHOR_EMAIL: 'a@b',
  GIT_COMMITTER_NAME: 'a',
  GIT_COMMITTER_EMAIL: 'a@b',
};

describe('startGitServer: createOnPush', () => {
  let work: string;
  const servers: GitServer[] = [];
  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'git-server-push-'));
    await exec('git', ['init', '--quiet', '--initial-branch=main', work], { env });
    await writeFile(path.join(work, 'README.md'), 'new\n');
    await exec('git', ['add', '.'], { cwd: work, env });
    await exec('git', ['commit', '-qm', 'first'], { cwd: work, env });
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await rm(work, { recursive: true, force: true });
  });
  const push = (server: GitServer, name: string) =>
    exec('git', ['push', '--quiet', `http://u:p@${server.host}/${name}.git`, 'HEAD:refs/heads/main'], { cwd: work, env });

  it('creates a missing repository when a push starts, and only then', async () => {
    const server = await startGitServer({ auth: { username: 'u', password: 'p' }, createOnPush: true });
    servers.push(server);
    await push(server, 'services/new-app');
    expect(await server.git('services/new-app', ['show', 'main:README.md'])).toBe('new');
    // A second push to the now existing repository goes to it.
    await push(server, 'services/new-app');
    await expect(push(server, '.hidden/x')).rejects.toThrow();

    const plain = await startGitServer({ auth: { username: 'u', password: 'p' } });
    servers.push(plain);
    await expect(push(plain, 'services/new-app')).rejects.toThrow();
  });
});
