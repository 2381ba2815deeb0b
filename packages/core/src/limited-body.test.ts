import { describe, expect, it } from 'vitest';
import { InputError, PayloadTooLargeError, readLimitedBody } from './index.js';

/** A body that streams `chunks` and records how far a reader got and whether it was cancelled. */
function trackedStream(chunks: Uint8Array[]) {
  const state = { pulled: 0, cancelled: false };
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (state.pulled === chunks.length) return controller.close();
      controller.enqueue(chunks[state.pulled++]!);
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { body, state };
}

const kib = (n: number) => new Uint8Array(n * 1024).fill(0x61);

describe('readLimitedBody', () => {
  it('reads a Request or a Response body whole, up to and including maxBytes', async () => {
    const request = new Request('http://x/', { method: 'POST', body: 'hello' });
    expect((await readLimitedBody(request, { maxBytes: 5 })).toString()).toBe('hello');
    expect((await readLimitedBody(new Response(kib(3)), { maxBytes: 3 * 1024 })).length).toBe(3 * 1024);
  });

  it('reads a missing body as empty', async () => {
    expect((await readLimitedBody(new Request('http://x/'), { maxBytes: 0 })).length).toBe(0);
    expect((await readLimitedBody(new Response(null, { status: 204 }), { maxBytes: 10 })).length).toBe(0);
  });

  it('refuses a declared Content-Length over the limit before reading, and cancels the body', async () => {
    const { body, state } = trackedStream([kib(1)]);
    const response = new Response(body, { headers: { 'content-length': String(100 * 1024) } });
    await expect(readLimitedBody(response, { maxBytes: 1024, what: 'https://example.com/big' })).rejects.toThrow(
      new PayloadTooLargeError('https://example.com/big is larger than 1024 bytes'),
    );
    expect(state.pulled).toBeLessThanOrEqual(1);
    expect(state.cancelled).toBe(true);
  });

  it('stops reading a body that streams past the limit (no or a false Content-Length) and cancels it', async () => {
    const { body, state } = trackedStream(Array.from({ length: 100 }, () => kib(1)));
    const response = new Response(body, { headers: { 'content-length': '10' } });
    const error = await readLimitedBody(response, { maxBytes: 4 * 1024 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayloadTooLargeError);
    expect((error as Error).message).toBe('body is larger than 4096 bytes');
    expect(state.pulled).toBeLessThan(10);
    expect(state.cancelled).toBe(true);
  });

  it('ignores a Content-Length that is not a number and counts the bytes instead', async () => {
    const request = new Request('http://x/', { method: 'POST', body: 'x'.repeat(20), headers: { 'content-length': 'lots' } });
    await expect(readLimitedBody(request, { maxBytes: 10 })).rejects.toBeInstanceOf(PayloadTooLargeError);
  });

  it('refuses a maxBytes that would disable the limit', async () => {
    for (const maxBytes of [Number.NaN, -1]) {
      await expect(readLimitedBody(new Response('x'), { maxBytes }), String(maxBytes)).rejects.toBeInstanceOf(InputError);
    }
  });
});
