import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InputError, PayloadTooLargeError } from '../errors.js';
import { readJsonBody } from './body.js';
import { getQueryArray } from './query.js';

const post = (body: BodyInit | null, headers?: HeadersInit) =>
  new Request('http://localhost/x', { method: 'POST', body, headers });

describe('readJsonBody', () => {
  it('parses JSON and validates with a schema', async () => {
    expect(await readJsonBody(post('{"a":1}'))).toEqual({ a: 1 });
    const schema = z.object({ type: z.string(), target: z.string() });
    expect(await readJsonBody(post('{"type":"url","target":"x"}'), { schema })).toEqual({ type: 'url', target: 'x' });
    await expect(readJsonBody(post('{"type":"url"}'), { schema })).rejects.toThrow(/invalid request body: target: /);
  });

  it('rejects empty and malformed bodies as InputError', async () => {
    await expect(readJsonBody(post(null))).rejects.toBeInstanceOf(InputError);
    await expect(readJsonBody(post('  '))).rejects.toBeInstanceOf(InputError);
    await expect(readJsonBody(post('{"a":'))).rejects.toBeInstanceOf(InputError);
  });

  it('rejects bodies over maxBytes, declared or streamed', async () => {
    await expect(readJsonBody(post('"' + 'x'.repeat(100) + '"'), { maxBytes: 50 })).rejects.toBeInstanceOf(
      PayloadTooLargeError,
    );
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(1024).fill(32));
      },
    });
    const request = new Request('http://localhost/x', { method: 'POST', body: endless, duplex: 'half' } as RequestInit);
    await expect(readJsonBody(request, { maxBytes: 10 * 1024 })).rejects.toBeInstanceOf(PayloadTooLargeError);
    expect(pulled).toBeLessThan(20);
  });
});

describe('getQueryArray', () => {
  it('returns repeated keys in order', () => {
    const url = new URL('http://x/entities?filter=kind=component,spec.type=service&filter=kind=api&fields=a');
    expect(getQueryArray(url, 'filter')).toEqual(['kind=component,spec.type=service', 'kind=api']);
    expect(getQueryArray(url.searchParams, 'fields')).toEqual(['a']);
    expect(getQueryArray('/entities?x=1&x=2', 'x')).toEqual(['1', '2']);
    expect(getQueryArray(url, 'missing')).toEqual([]);
  });
});
