import { cp, lstat, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError, NotAllowedError, createUrlReader } from '@portalkit/core';
import type { UrlReader } from '@portalkit/core';
import { resolveDirectoryUrl, type ScmIntegrations } from '@portalkit/integrations';
import { findGitMetadata } from '../gitMetadata.js';
import { resolveSafeChildPath } from '../resolveSafeChildPath.js';

const hasScheme = (url: string) => /^[a-z][a-z0-9+.-]*:/i.test(url);

/**
 * The readers of the fetch actions: a configured host's reader first, then `reader` for any
 * other URL (Backstage's `UrlReaders` with `ScmIntegrations`).
 * @example
 * ```ts
 * const readers: FetchReaders = { integrations: createIntegrations({ config: { git: [{ host: 'git.example.com' }] } }) };
 * createFetchPlainAction(readers);
 * ```
 */
export interface FetchReaders {
  reader?: UrlReader;
  /** Source hosts: read with their credentials; relative URLs of a template on a host resolve in its repository. */
  integrations?: ScmIntegrations;
}

interface FetchOptions extends FetchReaders {
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

/**
 * The URL to read and the reader for it. A relative `fetchUrl` of a template on a configured host
 * resolves with the host's grammar within the template's repository and ref (Backstage's
 * `getReadUrl`), as a tree URL when a directory is fetched.
 */
function remoteSource(options: FetchOptions, what: 'directory' | 'file'): { url: string; reader: UrlReader } {
  const { integrations, baseUrl, fetchUrl } = options;
  let url: string;
  if (hasScheme(fetchUrl)) url = fetchUrl;
  else if (integrations && baseUrl && integrations.byUrl(baseUrl)) {
    url = what === 'directory' ? resolveDirectoryUrl(integrations, { url: fetchUrl, base: baseUrl }) : integrations.resolveUrl({ url: fetchUrl, base: baseUrl });
  } else url = new URL(fetchUrl, baseUrl).toString();
  // Credentials belong in the integrations' config; one in a template's URL is never echoed.
  if (/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(url)) throw new InputError('Cannot fetch a URL that carries credentials; configure them on the integration of its host');
  const reader = fetchReader(options);
  if (!reader) throw new InputError(`Cannot fetch ${url}: no UrlReader was given to builtinActions({ reader, integrations })`);
  if (!reader.canRead(url)) throw new NotAllowedError(`Reading ${url} is not allowed by the configured integrations and UrlReader`);
  return { url, reader };
}

/**
 * A fetch URL as logged: user info (`user:token@`) is replaced by `***@`, so a credential written
 * into a template never reaches the task log.
 * @example
 * ```ts
 * displayFetchUrl('https://bot:token@git.example.com/a.git'); // 'https://***@git.example.com/a.git'
 * ```
 */
export function displayFetchUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1***@');
}

/**
 * `reader` and `integrations` of action options, without undefined keys.
 * @example
 * ```ts
 * readersOf({ reader: undefined }); // {}
 * ```
 */
export function readersOf(options: FetchReaders): FetchReaders {
  return { ...(options.reader ? { reader: options.reader } : {}), ...(options.integrations ? { integrations: options.integrations } : {}) };
}

function fetchReader(options: FetchReaders): UrlReader | undefined {
  if (!options.integrations) return options.reader;
  return createUrlReader({ readers: [options.integrations.reader, ...(options.reader ? [options.reader] : [])] });
}

/** Copy a directory (from the template's directory or through the reader) into `outputPath`. */
export async function fetchContents(options: FetchOptions): Promise<void> {
  const local = localSource(options);
  if (local) {
    const stat = await lstat(local).catch(() => undefined);
    if (!stat) throw new InputError(`Failed to fetch ${options.fetchUrl}: it does not exist in the template directory`);
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
  const { url, reader } = remoteSource(options, 'directory');
  const tree = await reader.readTree(url, options.signal ? { signal: options.signal } : {});
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
    if (!stat?.isFile()) throw new InputError(`Failed to fetch ${options.fetchUrl}: it is not a file of the template directory`);
    await cp(local, options.outputPath);
    return;
  }
  const { url, reader } = remoteSource(options, 'file');
  const { buffer } = await reader.read(url, options.signal ? { signal: options.signal } : {});
  await writeFile(options.outputPath, buffer);
}
