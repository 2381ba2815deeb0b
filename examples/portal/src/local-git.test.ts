import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkoutLocalRepo, parseLocalBlobUrl } from './local-git.js';

const env = { PATH: process.env.PATH, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
const git = (args: string[]) => execFileSync('git', args, { env });
let base: string;
let repos: string;

/** A bare repository at `repoPath` whose `main` holds `a.txt`. */
async function bareRepo(repoPath: string): Promise<void> {
  const work = await mkdtemp(path.join(base, 'work-'));
  await writeFile(path.join(work, 'a.txt'), 'A');
  git(['init', '--quiet', '--bare', '--initial-branch=main', repoPath]);
  git(['-C', work, 'init', '--quiet', '--initial-branch=main']);
  git(['-C', work, 'add', '--all']);
  git(['-C', work, '-c', 'user.name=a', '-c', 'user.email=a@a', 'commit', '--quiet', '-m', 'x']);
  git(['-C', work, 'push', '--quiet', repoPath, 'main']);
}

beforeAll(async () => {
  base = await mkdtemp(path.join(os.tmpdir(), 'pk-local-git-'));
  repos = path.join(base, 'repos');
  await mkdir(repos);
  await bareRepo(path.join(repos, 'svc.git'));
  await bareRepo(path.join(base, 'elsewhere.git'));
});
afterAll(() => rm(base, { recursive: true, force: true }));

describe('checkoutLocalRepo', () => {
  it('checks out a repository below the repos folder', async () => {
    const blob = parseLocalBlobUrl(`file://${repos}/svc.git/blob/main/a.txt`)!;
    const dir = await checkoutLocalRepo(blob, path.join(base, 'checkouts'), repos);
    expect(await readFile(path.join(dir, blob.filePath), 'utf8')).toBe('A');
  });

  it('refuses a repository anywhere else (a template chooses the URL)', async () => {
    const blob = parseLocalBlobUrl(`file://${base}/elsewhere.git/blob/main/a.txt`)!;
    await expect(checkoutLocalRepo(blob, path.join(base, 'checkouts'), repos)).rejects.toMatchObject({ name: 'NotAllowedError' });
    expect(existsSync(path.join(base, 'checkouts', 'elsewhere'))).toBe(false);
  });
});
