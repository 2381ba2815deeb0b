import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../test-support.js';
import { runGit } from './runGit.js';

describe('runGit', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  it('takes no configuration or repository from the environment, only its fixed config', async () => {
    const dir = await tempDir();
    process.env.GIT_CONFIG_PARAMETERS = "'core.fsmonitor'='touch /tmp/x'";
    process.env.GIT_CONFIG_COUNT = '1';
    process.env.GIT_CONFIG_KEY_0 = 'alias.x';
    process.env.GIT_CONFIG_VALUE_0 = '!touch /tmp/x';
    process.env.GIT_DIR = dir;
    const config = await runGit(['config', '--list', '--show-scope']);
    expect(config.split('\n').every((line) => line.startsWith('command\t'))).toBe(true);
    expect(config).toContain('core.hookspath=/dev/null');
    expect(config).toContain('core.fsmonitor=false');
    expect(config).not.toContain('alias.x');
    await expect(runGit(['rev-parse', '--git-dir'], { cwd: dir })).rejects.toMatchObject({ name: 'InputError' });
  });

  it('allows only the file transport', async () => {
    const dir = await tempDir();
    const marker = path.join(dir, 'pwned');
    for (const url of [`ext::sh -c touch% ${marker}`, 'fd::0', 'https://127.0.0.1:1/x.git', 'ssh://127.0.0.1:1/x.git']) {
      await expect(runGit(['ls-remote', '--', url], { cwd: dir })).rejects.toThrow(/not allowed/);
    }
    expect(existsSync(marker)).toBe(false);
  });
});
