import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  findInternalAddress,
  InputError,
  NotAllowedError,
  NotFoundError,
  NotModifiedError,
  PayloadTooLargeError,
  type ReadOptions,
  type UrlReader,
} from '@portalkit/core';
import { minimatch } from 'minimatch';
import { readTarArchive } from '../tree/archive.js';
import { createTreeResponse } from '../tree/tree-response.js';
import { type Checkout, type CheckoutOptions, type TreeEntry, withCheckout } from './checkout.js';
import { classifyGitFailure, execGit } from './process.js';
import { parseLsRemote, type ResolvedRef, resolveRef } from './refs.js';
import type { GitUrlGrammar, GitUrlParts } from './url.js';

/** What the git reader needs from its integration. */
export interface GitReaderOptions {
  grammar: GitUrlGrammar;
  /** `https://host[:port][/prefix]` of the integration. */
  baseUrl: string;
  headers: Record<string, string>;
  allowPrivateNetwork: boolean;
  maxTreeBytes: number;
  maxTreeFiles: number;
  /** Largest file `read` returns. */
  maxReadBytes: number;
  /** Per git command. */
  timeoutMs: number;
}

/** The reader plus the network check publish actions run before pushing. */
export interface GitReader extends UrlReader {
  /** Refuse (NotAllowedError) when the integration's host resolves inside and that is not allowed. */
  checkNetwork(): Promise<void>;
}

const GLOB = /[*?[\]{}()!+@]/;
const FILE_MODES = new Set(['100644', '100755']);
const CACHE_SIZE = 1000;

/**
 * The reader of a git integration: `read`, `readTree` and `search` through the git CLI. Each
 * call lists the remote's refs (`git ls-remote`), resolves the URL's ref, fetches that commit at
 * depth 1 without blobs into a temporary repository (removed afterwards) and reads from it;
 * etags are object ids. Which object a path of a commit is never changes, so a small cache of
 * (commit, path) -> object id answers an unchanged etag after the ref listing alone.
 *
 * @example
 * ```ts
 * const reader = createGitReader({
 *   grammar: createGitUrlGrammar('https://git.example.com'), baseUrl: 'https://git.example.com', headers: {},
 *   allowPrivateNetwork: false, maxTreeBytes: 1e8, maxTreeFiles: 20_000, maxReadBytes: 1e7, timeoutMs: 60_000,
 * });
 * await reader.read('https://git.example.com/team/app.git/blob/main/catalog-info.yaml');
 * ```
 */
export function createGitReader(options: GitReaderOptions): GitReader {
  const base = new URL(options.baseUrl);
  const remote = { protocols: [base.protocol === 'https:' ? ('https' as const) : ('http' as const)], headers: options.headers };
  const entries = new Map<string, TreeEntry>();

  const checkNetwork = async () => {
    if (options.allowPrivateNetwork) return;
    const internal = await findInternalAddress(base.hostname);
    if (internal) throw new NotAllowedError(`${base.host} resolves to the internal address ${internal}; set allowPrivateNetwork on its git integration to reach it`);
  };

  const parse = (url: string): GitUrlParts => {
    const parts = options.grammar.parse(url);
    if (!parts) throw new InputError(`${describe(url)} is not a URL of the git integration ${base.host} (<clone URL>[/blob|tree/<ref>/<path>])`);
    return parts;
  };

  /** The URL's ref resolved against the remote's refs (one round trip). */
  const locate = async (parts: GitUrlParts, readOptions: ReadOptions | undefined, maxRefSegments?: number): Promise<ResolvedRef> => {
    await checkNetwork();
    let output: Buffer;
    try {
      output = await execGit(['-c', 'http.lowSpeedLimit=1000', '-c', 'http.lowSpeedTime=30', 'ls-remote', '--symref', '--', parts.cloneUrl], { remote, ...signalOf(readOptions) }, { timeoutMs: options.timeoutMs });
    } catch (error) {
      throw classifyGitFailure(error, parts.cloneUrl);
    }
    return resolveRef(parseLsRemote(output.toString('utf8')), parts.rest, parts.cloneUrl, maxRefSegments);
  };

  const checkoutOptions = (parts: GitUrlParts, readOptions?: ReadOptions): CheckoutOptions => ({ cloneUrl: parts.cloneUrl, remote, timeoutMs: options.timeoutMs, ...signalOf(readOptions) });
  const cacheKey = (parts: GitUrlParts, commit: string, path: string) => `${parts.cloneUrl}\0${commit}\0${path}`;
  const remember = (key: string, entry: TreeEntry) => {
    entries.delete(key);
    entries.set(key, entry);
    if (entries.size > CACHE_SIZE) entries.delete(entries.keys().next().value!);
  };
  /** The entry at `path` of the checkout, remembered; a missing path is a NotFoundError. */
  const entryAt = async (checkout: Checkout, parts: GitUrlParts, path: string): Promise<TreeEntry> => {
    const entry = await checkout.entry(path);
    if (!entry) throw new NotFoundError(`${parts.cloneUrl} has no ${JSON.stringify(path)} at ${checkout.commit.slice(0, 12)}`);
    remember(cacheKey(parts, checkout.commit, path), entry);
    return entry;
  };

  const read: UrlReader['read'] = async (url, readOptions) => {
    const parts = parse(url);
    if (parts.kind === 'repo') throw new InputError(`${describe(url)} names a repository, not a file`);
    const located = await locate(parts, readOptions);
    const path = located.path.join('/');
    if (readOptions?.etag && entries.get(cacheKey(parts, located.commit, path))?.oid === readOptions.etag) throw new NotModifiedError();
    return withCheckout(checkoutOptions(parts, readOptions), located.fetch, async (checkout) => {
      const entry = await entryAt(checkout, parts, path);
      if (entry.type === 'tree') throw new InputError(`${describe(url)} is a directory; read it with readTree`);
      if (entry.mode === '120000') throw new NotAllowedError(`${describe(url)} is a symbolic link; links are never followed`);
      if (!FILE_MODES.has(entry.mode)) throw new NotFoundError(`${describe(url)} is not a file (a submodule?)`);
      if (readOptions?.etag === entry.oid) throw new NotModifiedError();
      const buffer = await checkout.git(['cat-file', 'blob', entry.oid], {
        maxBytes: options.maxReadBytes,
        tooLarge: () => new PayloadTooLargeError(`${describe(url)} is larger than ${options.maxReadBytes} bytes`),
      });
      return { buffer, etag: entry.oid };
    });
  };

  const readTree: UrlReader['readTree'] = async (url, treeOptions) => {
    const parts = parse(url);
    const located = await locate(parts, treeOptions);
    const path = located.path.join('/');
    if (treeOptions?.etag && entries.get(cacheKey(parts, located.commit, path))?.oid === treeOptions.etag) throw new NotModifiedError();
    const what = `${parts.cloneUrl}@${located.ref}${path ? `:${path}` : ''}`;
    return withCheckout(checkoutOptions(parts, treeOptions), located.fetch, async (checkout) => {
      const entry = await entryAt(checkout, parts, path);
      if (entry.type !== 'tree') throw new InputError(`${describe(url)} is not a directory`);
      if (treeOptions?.etag === entry.oid) throw new NotModifiedError();
      // Refuse by the listing (no blobs downloaded yet); the tar reader checks again while streaming.
      const listed = (await checkout.list(path)).map((e) => ({ ...e, path: path ? e.path.slice(path.length + 1) : e.path }));
      const link = listed.find((e) => e.mode === '120000');
      if (link) throw new NotAllowedError(`${what} holds ${link.path}, a symbolic link; only regular files are read`);
      const files = listed.filter((e) => FILE_MODES.has(e.mode) && (!treeOptions?.filter || treeOptions.filter(e.path)));
      if (files.length > options.maxTreeFiles) throw new PayloadTooLargeError(`${what} has more than ${options.maxTreeFiles} files`);
      const git = checkout.stream(['archive', '--format=tar', entry.oid]);
      try {
        const tree = await readTarArchive(Readable.toWeb(git.stdout) as ReadableStream<Uint8Array>, {
          what,
          maxBytes: options.maxTreeBytes,
          maxFiles: options.maxTreeFiles,
          ...(treeOptions?.filter ? { filter: treeOptions.filter } : {}),
        });
        await git.done.catch((error) => {
          throw classifyGitFailure(error, parts.cloneUrl);
        });
        return createTreeResponse(tree, entry.oid);
      } finally {
        // Also stops a lazy fetch still writing into the checkout before it is removed.
        await git.kill();
      }
    });
  };

  const search: NonNullable<UrlReader['search']> = async (url, searchOptions) => {
    const parts = parse(url);
    const firstGlob = parts.rest.findIndex((segment) => GLOB.test(segment));
    if (firstGlob === 0) throw new InputError(`${describe(url)}: the ref cannot be a pattern`);
    const located = await locate(parts, searchOptions, firstGlob < 0 ? undefined : firstGlob);
    const pattern = located.path.join('/');
    if (pattern.length > 1000) throw new InputError(`${describe(url)}: the pattern is too long`);
    const staticPrefix = located.path.slice(0, Math.max(0, located.path.findIndex((segment) => GLOB.test(segment)))).join('/');
    const prefix = located.path.some((segment) => GLOB.test(segment)) ? staticPrefix : pattern;
    return withCheckout(checkoutOptions(parts, searchOptions), located.fetch, async (checkout) => {
      const matches = (await checkout.list(prefix))
        .filter((e) => FILE_MODES.has(e.mode) && minimatch(e.path, pattern))
        .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      const etag = createHash('sha256')
        .update(matches.map((e) => `${e.path}\0${e.oid}`).join('\0'))
        .digest('hex');
      if (searchOptions?.etag === etag) throw new NotModifiedError();
      if (matches.length > options.maxTreeFiles) throw new PayloadTooLargeError(`${describe(url)} matches more than ${options.maxTreeFiles} files`);
      const contents = await readBlobs(checkout, matches, options.maxTreeBytes, describe(url));
      return {
        etag,
        files: matches.map((e, i) => {
          const content = contents[i]!;
          return { url: options.grammar.format(parts.cloneUrl, 'blob', located.ref, e.path), content: async () => content };
        }),
      };
    });
  };

  return { canRead: (url) => options.grammar.parse(url) !== undefined, read, readTree, search, checkNetwork };
}

/**
 * The blobs of `entries`, fetched in one request (not one per blob, as reading a partial clone
 * object by object would), sizes checked against `maxBytes` before any content is read.
 */
async function readBlobs(checkout: Checkout, entries: TreeEntry[], maxBytes: number, what: string): Promise<Buffer[]> {
  if (entries.length === 0) return [];
  const oids = `${entries.map((e) => e.oid).join('\n')}\n`;
  await checkout.git(['-c', 'fetch.negotiationAlgorithm=noop', 'fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--recurse-submodules=no', '--filter=blob:none', '--stdin', 'origin'], { input: oids });
  const sizes = (await checkout.git(['cat-file', '--batch-check=%(objectsize)'], { input: oids })).toString('utf8').trim().split('\n').map(Number);
  const total = sizes.reduce((sum, size) => sum + size, 0);
  if (total > maxBytes) throw new PayloadTooLargeError(`the files matching ${what} are larger than ${maxBytes} bytes together`);
  const output = await checkout.git(['cat-file', '--batch'], { input: oids });
  // `<oid> <type> <size>\n<content>\n` per object.
  const blobs: Buffer[] = [];
  let offset = 0;
  for (const size of sizes) {
    const header = output.indexOf(0x0a, offset);
    blobs.push(output.subarray(header + 1, header + 1 + size));
    offset = header + 1 + size + 1;
  }
  return blobs;
}

function signalOf(options: ReadOptions | undefined): { signal?: AbortSignal } {
  return options?.signal ? { signal: options.signal } : {};
}

/** A URL for messages: origin and path only (never credentials or a query). */
function describe(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return JSON.stringify(url.slice(0, 200));
  }
}
