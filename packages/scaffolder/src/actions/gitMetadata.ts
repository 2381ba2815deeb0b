import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { NotAllowedError } from '@portalkit/core';

// Code points HFS+ ignores in names, so `.g\u200cit` is `.git` there (git's is_hfs_dotgit).
const HFS_IGNORABLE = /[\u200c-\u200f\u202a-\u202e\u206a-\u206f\ufeff]/g;

/**
 * True for a path segment that some host's file system or git treats as `.git`: any case,
 * trailing dots or spaces and NTFS streams (`.GIT`, `.git. `, `.git::$INDEX_ALLOCATION`), the
 * NTFS short name `git~1`, and HFS+ ignorable code points. `.gitignore`, `.gitattributes` and
 * `.gitmodules` are ordinary content.
 */
export function isGitMetadataName(name: string): boolean {
  return /^(?:\.git|git~1)[. ]*(?::.*)?$/.test(name.replace(HFS_IGNORABLE, '').toLowerCase());
}

/** Throws `NotAllowedError` when a segment of the relative path `child` is a `.git` entry. */
export function refuseGitMetadataPath(child: string): void {
  if (child.split(/[\\/]/).some(isGitMetadataName)) {
    throw new NotAllowedError(
      `Writing ${child} is not allowed: a .git entry in the workspace would let its content configure git (hooks, config, another repository)`,
    );
  }
}

/**
 * The first `.git` entry (file, directory or link, at any depth) below `root`, as a relative
 * path; undefined when there is none. Links are not followed.
 */
export async function findGitMetadata(root: string): Promise<string | undefined> {
  const visit = async (dir: string, prefix: string): Promise<string | undefined> => {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (isGitMetadataName(entry.name)) return relative;
      if (entry.isDirectory()) {
        const found = await visit(path.join(dir, entry.name), relative);
        if (found) return found;
      }
    }
    return undefined;
  };
  return visit(root, '');
}
