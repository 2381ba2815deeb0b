import { cp, lstat, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError, NotAllowedError } from '@portalkit/core';
import type { UrlReader } from '@portalkit/core';
import { findGitMetadata } from '../gitMetadata.js';
import { resolveSafeChildPath } from '../resolveSafeChildPath.js';

const hasScheme = (url: string) => /^[a-z][a-z0-9+.-]*:/i.test(url);

interface FetchOptions {
  reader?: UrlReader;
  /** The template's base URL (`file:///dir/` or remote); relative `fetchUrl`s resolve against it. */
  baseUrl?: string;
  fetchUrl: string;
  outputPath: string;
  signal?: AbortSignal;
}

// Local template directories are read below the template's own directory only, like Backstage;
// an absolute `file:` URL in a template would otherwise read any file of the host.
export function localSource(options: Omit<FetchOptions, 'outputPath'>): string | undefined {
  const { baseUrl, fetchUrl } = options;
  if (hasScheme(fetchUrl)) {
    if (fetchUrl.startsWith('file:')) throw new NotAllowedError(`Fetching from absolute file: URLs is not allowed: ${fetchUrl}`);
    return undefined;
  }
  if (!baseUrl) {
    throw new InputError(`Failed to fetch "${fetchUrl}": it is relative and the template location is unknown (no baseUrl)`);
  }
  if (!baseUrl.startsWith('file:')) return undefined;
  return resolveSafeChildPath(fileURLToPath(baseUrl), fetchUrl);
}

function remoteUrl(options: FetchOptions): string {
  const url = hasScheme(options.fetchUrl) ? options.fetchUrl : new URL(options.fetchUrl, options.baseUrl).toString();
  if (!options.reader) throw new InputError(`Cannot fetch ${url}: no UrlReader was given to builtinActions({ reader })`);
  if (!options.reader.canRead(url)) throw new NotAllowedError(`Reading ${url} is not allowed by the configured UrlReader`);
  return url;
}

/** Copy a directory (from the template's directory or through the reader) into `outputPath`. */
export async function fetchContents(options: FetchOptions): Promise<void> {
  const local = localSource(options);
  if (local) {
    const stat = await lstat(local).catch(() => undefined);
    if (!stat) throw new InputError(`Failed to fetch ${options.fetchUrl}: ${local} does not exist`);
    if (stat.isFile()) {
      await mkdir(options.outputPath, { recursive: true });
      await cp(local, path.join(options.outputPath, path.basename(local)));
      return;
    }
    // A `.git` entry in the source would configure git for the workspace: refuse before copying.
    const gitEntry = await findGitMetadata(local);
    if (gitEntry) throw new NotAllowedError(`Failed to fetch ${options.fetchUrl}: it contains ${gitEntry}, and a .git entry is not allowed in the workspace`);
    // Symlinks are left behind: one pointing outside would let later steps read host files.
    await cp(local, options.outputPath, {
      recursive: true,
      filter: async (source) => !(await lstat(source)).isSymbolicLink(),
    });
    return;
  }
  const url = remoteUrl(options);
  const tree = await options.reader!.readTree(url, options.signal ? { signal: options.signal } : {});
  // Every path of the tree is checked before anything is written (escapes and `.git` entries).
  for (const file of tree.files) resolveSafeChildPath(options.outputPath, file.path);
  await tree.writeTo(options.outputPath);
}

/** Copy one file (from the template's directory or through the reader) to `outputPath`. */
export async function fetchFile(options: FetchOptions): Promise<void> {
  const local = localSource(options);
  await mkdir(path.dirname(options.outputPath), { recursive: true });
  if (local) {
    const stat = await lstat(local).catch(() => undefined);
    if (!stat?.isFile()) throw new InputError(`Failed to fetch ${options.fetchUrl}: ${local} is not a file`);
    await cp(local, options.outputPath);
    return;
  }
  const url = remoteUrl(options);
  const { buffer } = await options.reader!.read(url, options.signal ? { signal: options.signal } : {});
  await writeFile(options.outputPath, buffer);
}
