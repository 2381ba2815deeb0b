import { PayloadTooLargeError } from '@portalkit/core';

/**
 * Read a response body into memory, refusing it (and cancelling the download) as soon as it
 * passes `maxBytes`: a host's answer is never trusted to be as small as it should be.
 * @example
 * ```ts
 * const buffer = await readLimitedBody(response.body!, 1024 * 1024, 'acme/web:catalog-info.yaml');
 * ```
 */
export async function readLimitedBody(body: ReadableStream<Uint8Array> | null, maxBytes: number, what: string): Promise<Buffer> {
  if (!body) return Buffer.alloc(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new PayloadTooLargeError(`${what} is larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
