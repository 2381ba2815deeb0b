import { describe, expect, it, vi } from 'vitest';
import {
  AuthenticationError,
  ConflictError,
  CustomErrorBase,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
  UnsupportedMediaTypeError,
  errorStatusCode,
  getResponseError,
  isPortalkitError,
  serializeError,
  toHttpResponse,
} from './index.js';

describe('errors', () => {
  it('keeps a stable name and chains the cause', () => {
    const cause = new Error('disk full');
    const error = new InputError('could not save', { cause });
    expect(error.name).toBe('InputError');
    expect(error).toBeInstanceOf(Error);
    expect(error.cause).toBe(cause);
    expect(error.message).toBe('could not save; caused by Error: disk full');
    expect(serializeError(error)).toEqual({
      name: 'InputError',
      message: 'could not save; caused by Error: disk full',
      cause: { name: 'Error', message: 'disk full' },
    });
  });

  it('maps names to status codes', () => {
    expect(errorStatusCode(new InputError())).toBe(400);
    expect(errorStatusCode(new NotAllowedError())).toBe(403);
    expect(errorStatusCode(new NotFoundError())).toBe(404);
    expect(errorStatusCode(new ConflictError())).toBe(409);
    expect(errorStatusCode(new UnsupportedMediaTypeError())).toBe(415);
    expect(errorStatusCode(new Error('x'))).toBe(500);
    expect(errorStatusCode('nope')).toBe(500);
  });

  it('renders the Backstage error body', async () => {
    const res = toHttpResponse(new NotFoundError('no such entity'), new Request('http://x/api/catalog/entities?a=1'));
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: { name: 'NotFoundError', message: 'no such entity' },
      request: { method: 'GET', url: '/api/catalog/entities?a=1' },
      response: { statusCode: 404 },
    });
  });

  it('names the Bearer scheme on a 401 (RFC 6750), and on nothing else', () => {
    expect(toHttpResponse(new AuthenticationError('bad token')).headers.get('www-authenticate')).toBe('Bearer');
    expect(toHttpResponse(new NotAllowedError('no')).headers.get('www-authenticate')).toBeNull();
  });

  it('hides the message of unexpected errors', async () => {
    const res = toHttpResponse(new Error('password=hunter2'));
    expect(res.status).toBe(500);
    const body = await res.json();
    expect(body.error.message).toBe('Internal server error');
  });

  it('recognises portalkit errors from another copy of the package by brand, not by name', async () => {
    // A second instance of this module, as the ESM and CommonJS builds are in one process.
    vi.resetModules(); // the next import evaluates the module again: a second copy of its classes
    const other = await import('./errors.js');
    expect(other.ServiceUnavailableError).not.toBe(ServiceUnavailableError);
    const foreign = new other.ServiceUnavailableError('database is starting');
    expect(foreign instanceof CustomErrorBase).toBe(false);
    expect(isPortalkitError(foreign)).toBe(true);
    // Its message is shown like this copy's own errors, not hidden as an unexpected one.
    expect((await toHttpResponse(foreign).json()).error).toEqual({ name: 'ServiceUnavailableError', message: 'database is starting' });

    // Borrowing a name, or JSON from a client, does not make an error portalkit's.
    const impostors = [
      Object.assign(new Error('secret'), { name: 'ServiceUnavailableError' }),
      JSON.parse('{"name":"InputError","message":"x","__proto__":{"constructor":1}}'),
      { name: 'InputError', message: 'x', [Symbol('portalkit.error')]: true },
    ];
    for (const impostor of impostors) expect(isPortalkitError(impostor)).toBe(false);
    expect((await toHttpResponse(impostors[0]).json()).error.message).toBe('Internal server error');
  });

  it('keeps the error of a 5xx response for whoever serves it, and nothing for other statuses', () => {
    const error = new Error('kaboom');
    expect(getResponseError(toHttpResponse(error))).toBe(error);
    expect(getResponseError(toHttpResponse(new NotFoundError('x')))).toBeUndefined();
    expect(getResponseError(new Response('fine', { status: 500 }))).toBeUndefined();
  });
});
