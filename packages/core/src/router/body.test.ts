import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InputError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../errors.js';
import { readJsonBody } from './body.js';
import { getQueryArray } from './query.js';

const post = (body: BodyInit | null, headers: HeadersInit = { 'content-type': 'application/json' }) =>
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
    const request = new Request('http://localhost/x', {
      method: 'POST',
      body: endless,
      duplex: 'half',
      headers: { 'content-type': 'application/json' },
    } as RequestInit);
    await expect(readJsonBody(request, { maxBytes: 10 * 1024 })).rejects.toBeInstanceOf(PayloadTooLargeError);
    expect(pulled).toBeLessThan(20);
  });
});

describe('readJsonBody: what a cross-site page or a hostile client sends', () => {
  it('accepts JSON content types with parameters and structured +json types', async () => {
    for (const type of ['application/json', 'Application/JSON; charset=utf-8', 'application/vnd.api+json', ' application/json ;x=1']) {
      expect(await readJsonBody(post('{"a":1}', { 'content-type': type })), type).toEqual({ a: 1 });
    }
  });

  it('refuses every other content type, and none, with 415 before reading', async () => {
    const types = [
      'text/plain',
      'text/plain;charset=UTF-8',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'text/plain; charset=application/json',
      'application/json, text/plain',
      'application/jsonx',
      'application/+json',
      '',
    ];
    for (const type of types) {
      await expect(readJsonBody(post('{"a":1}', { 'content-type': type })), type).rejects.toBeInstanceOf(UnsupportedMediaTypeError);
    }
    // A Blob without a type: fetch sends no Content-Type at all, which is still a simple request.
    await expect(readJsonBody(post(new Blob(['{"a":1}']), {}))).rejects.toBeInstanceOf(UnsupportedMediaTypeError);
  });

  it('refuses __proto__, constructor and prototype keys at any depth', async () => {
    const bodies = [
      '{"__proto__":{"polluted":true}}',
      '{"query":{"__proto__":{"kind":"component"}}}',
      '{"query":{"$all":[{"constructor":{"prototype":{"x":1}}}]}}',
      '{"a":[{"b":{"prototype":1}}]}',
      '{"\\u005f_proto__":1}',
    ];
    for (const body of bodies) {
      await expect(readJsonBody(post(body)), body).rejects.toThrow(/must not contain the key/);
    }
    expect(await readJsonBody(post('{"a":"__proto__","b":["constructor"]}'))).toEqual({ a: '__proto__', b: ['constructor'] });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // The walk is iterative: deep or wide bodies are not a stack overflow.
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    await expect(readJsonBody(post(deep), { maxBytes: 1e6 })).resolves.toBeDefined();
    const wide = JSON.stringify(new Array(500_000).fill(0));
    expect(await readJsonBody(post(wide), { maxBytes: 2e6 })).toHaveLength(500_000);
  });
});

describe('readJsonBody: bytes a store cannot hold', () => {
  it('refuses invalid UTF-8 and NUL in keys or strings', async () => {
    await expect(readJsonBody(post(new Uint8Array([0x22, 0xff, 0x22])))).rejects.toThrow(/not valid UTF-8/);
    for (const body of ['"a\\u0000b"', '{"query":{"kind":"a\\u0000"}}', '{"a\\u0000":1}', '[["\\u0000"]]']) {
      await expect(readJsonBody(post(body)), body).rejects.toThrow(/NUL/);
    }
    expect(await readJsonBody(post('"\\u00e9\\u0001"'))).toBe('é\u0001');
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
