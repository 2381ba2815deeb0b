import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitHttpServer, startGitHttpServer } from './git-http-server.js';

const exec = promisify(execFile);
const env = { PATH: process.env.PATH, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: os.devNull, GIT_TERMINAL_PROMPT: '0' };

describe('the test git server (git http-backend)', () => {
  let server: GitHttpServer;
  let work: string;
  beforeAll(async () => {
    server = await startGitHttpServer({ auth: { username: 'user', password: 'secret-pass' } });
    work = await mkdtemp(path.join(os.tmpdir(), 'git-server-test-'));
  });
  afterAll(async () => {
    await server.close();
    await rm(work, { recursive: true, force: true });
  });

  it('serves clones and takes pushes with basic auth, and refuses requests without it', async () => {
    await server.createRepo('org/app', { 'README.md': 'hello\n' });
    const authed = `http://user:secret-pass@${server.host}/org/app.git`;
    await exec('git', ['clone', '--quiet', authed, path.join(work, 'app')], { env });
    expect(await readFile(path.join(work, 'app', 'README.md'), 'utf8')).toBe('hello\n');
    await writeFile(path.join(work, 'app', 'new.txt'), 'pushed\n');
    const repo = { cwd: path.join(work, 'app'), env: { ...env, GIT_AUTHOR_NAME: 'a', GIT_AUTHOR_EMAIL: 'a@b', GIT_COMMITTER_NAME: 'a', GIT_COMMITTER_EMAIL: 'a@b' } };
    await exec('git', ['add', '.'], repo);
    await exec('git', ['commit', '-qm', 'push test'], repo);
    await exec('git', ['push', '--quiet', 'origin', 'main'], repo);
    expect(await server.git('org/app', ['show', 'main:new.txt'])).toBe('pushed');

    await expect(exec('git', ['clone', '--quiet', `http://${server.host}/org/app.git`, path.join(work, 'denied')], { env })).rejects.toThrow();
    expect(server.requests.some((r) => !r.authorized)).toBe(true);
  });
});
