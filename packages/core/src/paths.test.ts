import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NotAllowedError, isPathInside, realpathOfExistingAncestor } from './index.js';
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

describe('realpathOfExistingAncestor', () => {
  let base: string;
  const setup = async () => {
    base = await realpath(await mkdtemp(path.join(tmpdir(), 'pk-real-')));
    await mkdir(path.join(base, 'root', 'dir'), { recursive: true });
    await mkdir(path.join(base, 'outside'));
    await writeFile(path.join(base, 'root', 'dir', 'file'), 'x');
    await symlink(path.join(base, 'outside'), path.join(base, 'root', 'out'));
    await symlink(path.join(base, 'outside', 'missing', 'deeper'), path.join(base, 'root', 'dangling'));
    await symlink('dir', path.join(base, 'root', 'relative-link'));
    await symlink('../dir/not-yet', path.join(base, 'root', 'dir', 'dangling-relative'));
    await symlink(path.join(base, 'root', 'loop-b'), path.join(base, 'root', 'loop-a'));
    await symlink(path.join(base, 'root', 'loop-a'), path.join(base, 'root', 'loop-b'));
    // 40 links in a row: beyond what the helper follows by hand (32), ending at a missing path.
    await mkdir(path.join(base, 'chain'));
    for (let i = 0; i < 40; i++) {
      const to = path.join(base, 'chain', i === 39 ? 'end-missing' : `l${i + 1}`);
      await symlink(to, path.join(base, i === 0 ? 'root' : 'chain', `l${i}`));
    }
  };
  afterAll(() => (base ? rm(base, { recursive: true, force: true }) : undefined));

  it('is the real path of an existing path, through links', async () => {
    await setup();
    const root = path.join(base, 'root');
    expect(realpathOfExistingAncestor(path.join(root, 'dir', 'file'))).toBe(path.join(root, 'dir', 'file'));
    expect(realpathOfExistingAncestor(path.join(root, 'relative-link', 'file'))).toBe(path.join(root, 'dir', 'file'));
    expect(realpathOfExistingAncestor(path.join(root, 'out'))).toBe(path.join(base, 'outside'));
  });

  it('appends the missing rest to the real path of the deepest existing ancestor', () => {
    const root = path.join(base, 'root');
    expect(realpathOfExistingAncestor(path.join(root, 'dir', 'new', 'file'))).toBe(path.join(root, 'dir', 'new', 'file'));
    expect(realpathOfExistingAncestor(path.join(root, 'out', 'new', 'file'))).toBe(path.join(base, 'outside', 'new', 'file'));
    // Below a file (ENOTDIR) the rest is appended the same way.
    expect(realpathOfExistingAncestor(path.join(root, 'dir', 'file', 'x'))).toBe(path.join(root, 'dir', 'file', 'x'));
  });

  it('follows dangling links by hand, absolute or relative, so where a write would land is where it says', () => {
    const root = path.join(base, 'root');
    expect(realpathOfExistingAncestor(path.join(root, 'dangling'))).toBe(path.join(base, 'outside', 'missing', 'deeper'));
    expect(realpathOfExistingAncestor(path.join(root, 'dangling', 'x'))).toBe(path.join(base, 'outside', 'missing', 'deeper', 'x'));
    expect(realpathOfExistingAncestor(path.join(root, 'dir', 'dangling-relative'))).toBe(path.join(root, 'dir', 'not-yet'));
    expect(isPathInside(root, realpathOfExistingAncestor(path.join(root, 'dangling')))).toBe(false);
  });

  it('refuses link loops and over-long chains with NotAllowedError', () => {
    const root = path.join(base, 'root');
    expect(() => realpathOfExistingAncestor(path.join(root, 'loop-a'))).toThrow(NotAllowedError);
    expect(() => realpathOfExistingAncestor(path.join(root, 'loop-a', 'x'))).toThrow(NotAllowedError);
    expect(() => realpathOfExistingAncestor(path.join(root, 'l0'))).toThrow(NotAllowedError);
  });

  it('resolves a relative path against the working directory', () => {
    expect(realpathOfExistingAncestor('.')).toBe(realpathOfExistingAncestor(process.cwd()));
  });
});
