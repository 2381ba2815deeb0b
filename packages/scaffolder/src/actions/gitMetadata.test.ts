import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test-support.js';
import { findGitMetadata, isGitMetadataName, refuseGitMetadataPath } from './gitMetadata.js';

describe('isGitMetadataName', () => {
  it.each(['.git', '.GIT', '.Git', '.git.', '.git ', '.git. .', '.git::$INDEX_ALLOCATION', 'git~1', 'GIT~1', '.g\u200cit', '\ufeff.git'])('%j is .git on some host', (name) => {
    expect(isGitMetadataName(name)).toBe(true);
  });
  it.each(['.gitignore', '.gitattributes', '.gitmodules', 'git', '.git2', 'a.git', 'repo.git', '.github', 'git~2'])('%j is ordinary content', (name) => {
    expect(isGitMetadataName(name)).toBe(false);
  });
});

describe('refuseGitMetadataPath', () => {
  it('refuses a .git segment anywhere, with either separator, naming the path', () => {
    for (const child of ['.git/config', 'a/b/.GIT', 'a\\.git\\hooks\\pre-commit']) {
      expect(() => refuseGitMetadataPath(child)).toThrow(expect.objectContaining({ name: 'NotAllowedError', message: expect.stringContaining(child) }));
    }
    expect(() => refuseGitMetadataPath('src/.gitignore')).not.toThrow();
  });
});

describe('findGitMetadata', () => {
  it('finds a nested .git file, directory or link without following links', async () => {
    const root = await tempDir();
    await mkdir(path.join(root, 'a', 'b'), { recursive: true });
    await writeFile(path.join(root, 'a', '.gitignore'), '');
    expect(await findGitMetadata(root)).toBeUndefined();
    await writeFile(path.join(root, 'a', 'b', '.Git'), 'gitdir: /elsewhere');
    expect(await findGitMetadata(root)).toBe('a/b/.Git');
    const linked = await tempDir();
    await symlink('/nonexistent', path.join(linked, '.git'));
    expect(await findGitMetadata(linked)).toBe('.git');
  });
});
