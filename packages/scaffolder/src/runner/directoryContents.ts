import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { resolveSafeChildPath } from '../actions/resolveSafeChildPath.js';

/** One file of a dry run's workspace, as in Backstage's dry-run response. */
export interface DirectoryContent {
  path: string;
  /** The file's bytes, base64; left out for files above the size limit. */
  base64Content?: string;
  executable: boolean;
  size: number;
}

/** List every file below `root` (skipping `.git`), with contents of files up to `maxBytes`. */
export async function readDirectoryContents(root: string, maxBytes = 256 * 1024): Promise<DirectoryContent[]> {
  const out: DirectoryContent[] = [];
  const visit = async (dir: string) => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== '.git') await visit(full);
      } else if (entry.isFile()) {
        const info = await stat(full);
        const item: DirectoryContent = {
          path: path.relative(root, full).split(path.sep).join('/'),
          executable: (info.mode & 0o111) !== 0,
          size: info.size,
        };
        if (info.size <= maxBytes) item.base64Content = (await readFile(full)).toString('base64');
        out.push(item);
      }
    }
  };
  await visit(root);
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

/** Write `{ path, base64Content }` entries below `root`, refusing paths that escape it. */
export async function writeDirectoryContents(root: string, contents: Array<{ path: string; base64Content?: string; executable?: boolean }>): Promise<void> {
  for (const item of contents) {
    const target = resolveSafeChildPath(root, item.path);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, Buffer.from(item.base64Content ?? '', 'base64'), { mode: item.executable ? 0o755 : 0o644 });
  }
}
