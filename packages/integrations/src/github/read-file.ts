import { createHash } from 'node:crypto';
import { InputError, NotFoundError, PayloadTooLargeError, type ReadOptions, type ReadResponse } from '@portalkit/core';
import type { Octokit } from '@octokit/rest';
import type { ScmLocation } from '../types.js';
import { githubError } from './errors.js';
import { resolveRef } from './refs.js';

/**
 * Read one file through the contents API with the raw media type (up to 100 MB on GitHub), with
 * `If-None-Match` for an earlier etag (304 is a `NotModifiedError`); the etag is GitHub's. When
 * the file is not found and the ref may contain `/`, the ref is resolved through the API and the
 * read retried once. A directory is an `InputError` (read it with `readTree`); more than
 * `maxBytes` a `PayloadTooLargeError`.
 * @example
 * ```ts
 * const { buffer, etag } = await readGithubFile(octokit, location, { maxBytes: 10_000_000 });
 * ```
 */
export async function readGithubFile(octokit: Octokit, location: ScmLocation, options: ReadOptions & { maxBytes: number }): Promise<ReadResponse> {
  const what = `${location.owner}/${location.repo}/${location.path}${location.ref ? `@${location.ref}` : ''}`;
  if (!location.path) throw new InputError(`${what} names no file`);
  const attempt = async (ref: string | undefined, path: string) => {
    try {
      const response = await octokit.rest.repos.getContent({
        owner: location.owner,
        repo: location.repo,
        path,
        ...(ref ? { ref } : {}),
        mediaType: { format: 'raw' },
        headers: options.etag ? { 'if-none-match': options.etag } : {},
        request: { signal: options.signal, parseSuccessResponseBody: false },
      });
      if (/json/.test(String(response.headers['content-type'] ?? ''))) {
        await (response.data as unknown as ReadableStream | undefined)?.cancel();
        throw new InputError(`${what} is a directory; read it with readTree`);
      }
      const buffer = await readLimited(response.data as unknown as ReadableStream<Uint8Array> | null, options.maxBytes, what);
      const etag = response.headers.etag ?? `"${createHash('sha256').update(buffer).digest('hex')}"`;
      return { buffer, etag };
    } catch (error) {
      throw githubError(error, what);
    }
  };
  try {
    return await attempt(location.ref, location.path);
  } catch (error) {
    if (!(error instanceof NotFoundError) || location.ref === undefined || !location.path.includes('/')) throw error;
    // Perhaps the ref holds a `/` (blob/release/v1/a.md): find which prefix is the ref.
    const resolved = await resolveRef(octokit, location, { signal: options.signal }).catch(() => undefined);
    if (!resolved || resolved.ref === location.ref || !resolved.path) throw error;
    return attempt(resolved.sha, resolved.path);
  }
}

/** A response body into memory, refused once larger than `maxBytes`. */
export async function readLimited(body: ReadableStream<Uint8Array> | null, maxBytes: number, what: string): Promise<Buffer> {
  if (!body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new PayloadTooLargeError(`${what} is larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
