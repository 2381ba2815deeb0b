import { mkdir, mkdtemp, realpath, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isPathInside } from './index.js';
import { isPathInsideFor } from './paths.js';

describe('isPathInside', () => {
  it('accepts the root itself and anything below it', () => {
    expect(isPathInside('/srv/docs', '/srv/docs')).toBe(true);
    expect(isPathInside('/srv/docs', '/srv/docs/a')).toBe(true);
    expect(isPathInside('/srv/docs', '/srv/docs/a/b/c.md')).toBe(true);
    expect(isPathInside('/', '/etc/passwd')).toBe(true);
  });

  it('refuses parents, siblings and siblings that share a prefix', () => {
    expect(isPathInside('/srv/docs', '/srv')).toBe(false);
    expect(isPathInside('/srv/docs', '/')).toBe(false);
    expect(isPathInside('/srv/docs', '/srv/other')).toBe(false);
    expect(isPathInside('/srv/docs', '/srv/docs-old/index.md')).toBe(false);
    expect(isPathInside('/srv/docs', '/srv/docsx')).toBe(false);
  });

  it('normalises `.`/`..` segments, repeated and trailing separators before comparing', () => {
    expect(isPathInside('/srv/docs', '/srv/docs/../secrets')).toBe(false);
    expect(isPathInside('/srv/docs', '/srv/docs/a/../../etc')).toBe(false);
    expect(isPathInside('/srv/docs', '/srv/docs/a/../b')).toBe(true);
    expect(isPathInside('/srv/docs/', '/srv/docs')).toBe(true);
    expect(isPathInside('/srv/docs', '/srv/docs/')).toBe(true);
    expect(isPathInside('/srv//docs/./', '/srv/docs//a/')).toBe(true);
    expect(isPathInside('/srv/docs/a/..', '/srv/docs/b')).toBe(true);
  });

  it('treats names that start with two dots as children, not as climbing out', () => {
    expect(isPathInside('/srv/docs', '/srv/docs/..cache')).toBe(true);
    expect(isPathInside('/srv/docs', '/srv/docs/...')).toBe(true);
    expect(isPathInside('/srv/docs', '/srv/docs/..')).toBe(false);
  });

  it('resolves relative paths against the working directory', () => {
    expect(isPathInside('.', 'a/b')).toBe(true);
    expect(isPathInside(process.cwd(), 'a')).toBe(true);
    expect(isPathInside('a', 'a/../b')).toBe(false);
    expect(isPathInside('.', '..')).toBe(false);
  });

  it('is case-sensitive on POSIX', () => {
    expect(isPathInsideFor(path.posix, '/srv/docs', '/srv/Docs/a')).toBe(false);
  });

  it('follows the Windows rules: either separator, drive letter case, other drives and shares are outside', () => {
    const win = path.win32;
    expect(isPathInsideFor(win, 'C:\\srv\\docs', 'C:\\srv\\docs\\a.md')).toBe(true);
    expect(isPathInsideFor(win, 'C:\\srv\\docs', 'C:/srv/docs/a/b.md')).toBe(true);
    expect(isPathInsideFor(win, 'C:\\srv\\docs\\', 'c:\\SRV\\Docs\\a.md')).toBe(true);
    expect(isPathInsideFor(win, 'C:\\srv\\docs', 'C:\\srv\\docs\\..cache')).toBe(true);
    expect(isPathInsideFor(win, 'C:\\srv\\docs', 'C:\\srv\\docs\\..\\secrets')).toBe(false);
    expect(isPathInsideFor(win, 'C:\\srv\\docs', 'C:\\srv\\docs/../secrets')).toBe(false);
    expect(isPathInsideFor(win, 'C:\\srv\\docs', 'C:\\srv\\docs-old')).toBe(false);
    expect(isPathInsideFor(win, 'C:\\srv\\docs', 'D:\\srv\\docs\\a')).toBe(false);
    expect(isPathInsideFor(win, 'C:\\srv\\docs', '\\\\host\\share\\srv\\docs\\a')).toBe(false);
  });

  describe('symlinks', () => {
    const dirs: string[] = [];
    afterAll(async () => {
      await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
    });

    it('does not follow them: a link below the root is inside lexically, its real path is not', async () => {
      const base = await mkdtemp(path.join(tmpdir(), 'pk-paths-'));
      dirs.push(base);
      await mkdir(path.join(base, 'root'));
      await mkdir(path.join(base, 'outside'));
      await symlink(path.join(base, 'outside'), path.join(base, 'root', 'link'));
      const viaLink = path.join(base, 'root', 'link', 'file');
      expect(isPathInside(path.join(base, 'root'), viaLink)).toBe(true);
      expect(isPathInside(await realpath(path.join(base, 'root')), path.join(await realpath(path.join(base, 'root', 'link')), 'file'))).toBe(false);
    });
  });
});
