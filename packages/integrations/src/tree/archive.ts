import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { NotAllowedError, PayloadTooLargeError, type TreeFile } from '@portalkit/core';
import { Parser, type ReadEntry } from 'tar';
import type { TreeLimits } from '../types.js';
import { safeTreePath } from './tree-response.js';

export const DEFAULT_MAX_TREE_BYTES = 100 * 1024 * 1024;
export const DEFAULT_MAX_TREE_FILES = 20_000;

/**
 * Options of {@link readTarArchive}.
 * @example
 * ```ts
 * const options: TarArchiveOptions = { what: 'acme/web@main', stripComponents: 1, subpath: 'docs' };
 * ```
 */
export interface TarArchiveOptions extends TreeLimits {
  /** Names the archive in errors, e.g. `github.com/acme/web@main`. */
  what: string;
  /** Leading path segments to drop (hosts wrap archives in one `<repo>-<sha>/` directory). */
  stripComponents?: number;
  /** Keep only entries below this path (and make paths relative to it). */
  subpath?: string;
  /** Keep only paths (relative to `subpath`) for which this is true. */
  filter?: (path: string) => boolean;
}

/**
 * Read a tar archive (plain or gzip-compressed, detected) into memory as tree files. Symbolic and hard
 * links, device files and entries with unsafe paths (absolute, `..`) are refused with a
 * `NotAllowedError`; more than `maxFiles` files or `maxBytes` uncompressed bytes is a
 * `PayloadTooLargeError`, raised while streaming, before the archive is read to its end.
 *
 * @example
 * ```ts
 * const files = await readTarArchive(response.body!, { what: 'acme/web@main', stripComponents: 1 });
 * ```
 */
export async function readTarArchive(
  body: ReadableStream<Uint8Array> | Buffer,
  options: TarArchiveOptions,
): Promise<TreeFile[]> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_TREE_BYTES;
  const maxFiles = options.maxFiles ?? DEFAULT_MAX_TREE_FILES;
  const strip = options.stripComponents ?? 0;
  const subpath = options.subpath ? `${safeTreePath(options.subpath, options.what)}/` : '';
  const files: TreeFile[] = [];
  let total = 0;
  let failure: Error | undefined;

  const onEntry = (entry: ReadEntry) => {
    const fail = (error: Error) => {
      failure ??= error;
      entry.resume();
    };
    if (failure) return entry.resume();
    const raw = entry.path.split('/').slice(strip).join('/');
    if (entry.type === 'Directory' || raw === '' || entry.type === 'GlobalExtendedHeader' || entry.type === 'ExtendedHeader') {
      return entry.resume();
    }
    if (entry.type !== 'File' && entry.type !== 'OldFile' && entry.type !== 'ContiguousFile') {
      return fail(new NotAllowedError(`${options.what} holds ${raw}, a ${entry.type} entry; only regular files are read`));
    }
    let relative: string;
    try {
      relative = safeTreePath(raw, options.what);
    } catch (error) {
      return fail(error as Error);
    }
    if (subpath && !`${relative}/`.startsWith(subpath)) return entry.resume();
    relative = relative.slice(subpath.length);
    if (relative === '' || (options.filter && !options.filter(relative))) return entry.resume();
    if (files.length >= maxFiles) return fail(new PayloadTooLargeError(`${options.what} has more than ${maxFiles} files`));
    total += entry.size ?? 0;
    if (total > maxBytes) return fail(new PayloadTooLargeError(`${options.what} is larger than ${maxBytes} bytes`));
    const chunks: Buffer[] = [];
    entry.on('data', (chunk: Buffer) => chunks.push(chunk));
    entry.on('end', () => {
      const content = Buffer.concat(chunks);
      files.push({ path: relative, content: async () => content });
    });
  };

  const parser = new Parser({ onReadEntry: onEntry, strict: true });
  const source = Buffer.isBuffer(body) ? Readable.from([body]) : Readable.fromWeb(body as import('node:stream/web').ReadableStream);
  const abortOnFailure = new TransformGuard(() => failure);
  try {
    await pipeline(source, abortOnFailure, parser);
  } catch (error) {
    if (failure) throw failure;
    throw new NotAllowedError(`${options.what} is not a readable tar archive: ${(error as Error).message}`);
  }
  if (failure) throw failure;
  return files;
}

/** Stops reading the source as soon as a limit or a refused entry has failed the read. */
class TransformGuard extends Transform {
  constructor(private readonly failed: () => Error | undefined) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const failure = this.failed();
    if (failure) callback(failure);
    else callback(null, chunk);
  }
}
