import type { Readable } from 'node:stream';
import { NotAllowedError, PayloadTooLargeError, readLimitedBody, type TreeFile } from '@portalkit/core';
import yauzl from 'yauzl';
import { DEFAULT_MAX_TREE_BYTES, DEFAULT_MAX_TREE_FILES, type TarArchiveOptions } from './archive.js';
import { safeTreePath } from './tree-response.js';

/**
 * Options of {@link readZipArchive}: the same as a tar archive's.
 * @example
 * ```ts
 * const options: ZipArchiveOptions = { what: 'dev.azure.com/acme/web/_git/web@main', stripComponents: 1, maxFiles: 1000 };
 * ```
 */
export type ZipArchiveOptions = TarArchiveOptions;

// Unix mode bits in the high 16 bits of a zip entry's external attributes (made by Unix).
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;

/**
 * Read a zip archive (Azure DevOps' `$format=zip` downloads) into memory as tree files, with
 * the guarantees of `readTarArchive`: symbolic links and other special entries (Unix mode in
 * the external attributes) and unsafe names (absolute, `..`, drive letters) are a
 * `NotAllowedError`; more than `maxFiles` files or `maxBytes` uncompressed bytes is a
 * `PayloadTooLargeError`. A zip is read from its end (the central directory), so the download
 * is buffered first, itself capped at `maxBytes`; the declared sizes are checked before any
 * entry is inflated, and the inflated bytes are counted again while inflating (a lying header
 * cannot get past the limit).
 *
 * @example
 * ```ts
 * const files = await readZipArchive(response.body!, { what: 'acme/web@main', maxBytes: 10_000_000 });
 * ```
 */
export async function readZipArchive(body: ReadableStream<Uint8Array> | Buffer, options: ZipArchiveOptions): Promise<TreeFile[]> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_TREE_BYTES;
  const maxFiles = options.maxFiles ?? DEFAULT_MAX_TREE_FILES;
  const buffer = Buffer.isBuffer(body) ? body : await readLimitedBody(new Response(body), { maxBytes, what: options.what });
  if (buffer.length > maxBytes) throw new PayloadTooLargeError(`${options.what} is larger than ${maxBytes} bytes`);
  const zip = await openZip(buffer, options.what);
  try {
    const entries = await listEntries(zip, options, maxFiles, maxBytes);
    const files: TreeFile[] = [];
    let total = 0;
    for (const { entry, path } of entries) {
      const content = await inflate(zip, entry, options.what, maxBytes - total);
      total += content.length;
      files.push({ path, content: async () => content });
    }
    return files;
  } finally {
    zip.close();
  }
}

/** Every file entry that is kept, checked against the limits by its declared size. */
async function listEntries(
  zip: yauzl.ZipFile,
  options: ZipArchiveOptions,
  maxFiles: number,
  maxBytes: number,
): Promise<Array<{ entry: yauzl.Entry; path: string }>> {
  const strip = options.stripComponents ?? 0;
  const subpath = options.subpath ? `${safeTreePath(options.subpath, options.what)}/` : '';
  const kept: Array<{ entry: yauzl.Entry; path: string }> = [];
  let declared = 0;
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => {
      zip.removeAllListeners('entry');
      reject(error);
    };
    zip.on('error', (error: Error) => fail(new NotAllowedError(`${options.what} is not a readable zip archive: ${error.message}`)));
    zip.on('end', () => resolve(kept));
    zip.on('entry', (entry: yauzl.Entry) => {
      const name = entry.fileName;
      const mode = (entry.externalFileAttributes >>> 16) & S_IFMT;
      const isDirectory = name.endsWith('/') || mode === S_IFDIR;
      if (!isDirectory && mode !== 0 && mode !== S_IFREG) {
        return fail(new NotAllowedError(`${options.what} holds ${JSON.stringify(name)}, a special entry (a symbolic link?); only regular files are read`));
      }
      let relative: string;
      try {
        relative = safeTreePath(name, options.what);
      } catch (error) {
        return fail(error as Error);
      }
      relative = relative.split('/').slice(strip).join('/');
      if (isDirectory || relative === '' || (subpath && !`${relative}/`.startsWith(subpath))) return zip.readEntry();
      relative = relative.slice(subpath.length);
      if (relative === '' || (options.filter && !options.filter(relative))) return zip.readEntry();
      if (kept.length >= maxFiles) return fail(new PayloadTooLargeError(`${options.what} has more than ${maxFiles} files`));
      declared += entry.uncompressedSize;
      if (declared > maxBytes) return fail(new PayloadTooLargeError(`${options.what} is larger than ${maxBytes} bytes`));
      kept.push({ entry, path: relative });
      zip.readEntry();
    });
    zip.readEntry();
  });
}

function openZip(buffer: Buffer, what: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    // strictFileNames off: backslashes become `/`, and safeTreePath then judges every name.
    yauzl.fromBuffer(buffer, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false }, (error, zip) => {
      if (error || !zip) reject(new NotAllowedError(`${what} is not a readable zip archive: ${error?.message ?? 'no entries'}`));
      else resolve(zip);
    });
  });
}

/** Inflate one entry, stopping as soon as it passes what is left of the byte budget. */
function inflate(zip: yauzl.ZipFile, entry: yauzl.Entry, what: string, budget: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream: Readable) => {
      if (error) return reject(new NotAllowedError(`${what} is not a readable zip archive: ${error.message}`));
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > budget) {
          stream.destroy();
          reject(new PayloadTooLargeError(`${what} is larger than its byte limit`));
          return;
        }
        chunks.push(chunk);
      });
      stream.on('error', (streamError) => reject(new NotAllowedError(`${what} is not a readable zip archive: ${streamError.message}`)));
      stream.on('end', () => resolve(Buffer.concat(chunks)));
    });
  });
}
