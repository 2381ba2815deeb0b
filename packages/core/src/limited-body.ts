import { InputError, PayloadTooLargeError } from './errors.js';

/**
 * Options of {@link readLimitedBody}.
 * @example
 * ```ts
 * await readLimitedBody(request, { maxBytes: 64 * 1024, what: 'request body' });
 * ```
 */
export interface ReadLimitedBodyOptions {
  /** Largest body accepted, in bytes (0 or more). A larger one is a `PayloadTooLargeError`. */
  maxBytes: number;
  /** How the error names the body, e.g. a URL; default `body`. */
  what?: string;
}

/**
 * Read the whole body of a `Request` or `Response`, but never more than `maxBytes`: a larger
 * declared `Content-Length` is refused before reading, and a body that streams past the limit is
 * cancelled at once rather than buffered. Either way the body is cancelled (the connection is not
 * left downloading) and the error is a `PayloadTooLargeError` (HTTP 413). No body reads as empty.
 * A `maxBytes` that is negative or not a number is an `InputError` (it would disable the limit).
 *
 * @example
 * ```ts
 * const bytes = await readLimitedBody(await fetch(url), { maxBytes: 5 * 1024 * 1024, what: url });
 * ```
 */
export async function readLimitedBody(message: Request | Response, options: ReadLimitedBodyOptions): Promise<Buffer> {
  const { maxBytes, what = 'body' } = options;
  if (!(maxBytes >= 0)) throw new InputError(`readLimitedBody: maxBytes must be 0 or more, got ${String(maxBytes)}`);
  const tooLarge = () => new PayloadTooLargeError(`${what} is larger than ${maxBytes} bytes`);
  const declared = Number(message.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await message.body?.cancel().catch(() => {});
    throw tooLarge();
  }
  if (!message.body) return Buffer.alloc(0);
  const reader = message.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      // Stop at once: the rest of a huge body is never downloaded or buffered.
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
