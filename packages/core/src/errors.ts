/**
 * Typed errors shared by every portalkit package. Each has a stable `name` that survives
 * serialization, so HTTP clients (including Backstage's) can branch on it.
 */

/**
 * Options accepted by every portalkit error.
 * @example
 * ```ts
 * throw new InputError('bad entity', { cause: validationError });
 * ```
 */
export interface ErrorOptions {
  /** The underlying error, kept for logs and `serializeError`. */
  cause?: unknown;
}

/**
 * Base class of all portalkit errors.
 *
 * @example
 * ```ts
 * class QuotaError extends CustomErrorBase { override name = 'QuotaError' as const; }
 * ```
 */
export class CustomErrorBase extends Error {
  override readonly cause?: unknown;

  constructor(message?: string, options?: ErrorOptions) {
    let fullMessage = message ?? '';
    const cause = options?.cause;
    if (cause !== undefined) {
      const causeText = isError(cause) ? `${cause.name}: ${cause.message}` : String(cause);
      fullMessage = fullMessage ? `${fullMessage}; caused by ${causeText}` : `caused by ${causeText}`;
    }
    super(fullMessage);
    if (cause !== undefined) this.cause = cause;
    this.name = new.target.name;
  }
}

// A registry symbol, so errors from another copy of this package (its ESM and CommonJS builds,
// or two installed versions) are still recognised, where `instanceof` would fail. Only code can
// set it: JSON and other client input cannot carry a symbol key.
const portalkitErrorBrand = Symbol.for('portalkit.error');
Object.defineProperty(CustomErrorBase.prototype, portalkitErrorBrand, { value: true });

/**
 * True for errors thrown by portalkit code (subclasses of {@link CustomErrorBase}), from this
 * copy of `@portalkit/core` or any other (ESM and CommonJS builds, two installed versions).
 * A plain object or an error that only borrows a portalkit error's `name` is not one.
 * @example
 * ```ts
 * if (isPortalkitError(error)) console.log(error.name, error.message); // safe to show
 * ```
 */
export function isPortalkitError(value: unknown): value is CustomErrorBase {
  return isError(value) && (value as unknown as Record<symbol, unknown>)[portalkitErrorBrand] === true;
}

/**
 * Bad input from a caller: invalid entity, malformed filter, bad config. HTTP 400.
 * @example
 * ```ts
 * throw new InputError('limit must be a positive integer');
 * ```
 */
export class InputError extends CustomErrorBase {
  override name = 'InputError' as const;
}
/**
 * The caller is not authenticated. HTTP 401.
 * @example
 * ```ts
 * throw new AuthenticationError('missing token');
 * ```
 */
export class AuthenticationError extends CustomErrorBase {
  override name = 'AuthenticationError' as const;
}
/**
 * The caller may not do this, or a path escapes its allowed root. HTTP 403.
 * @example
 * ```ts
 * throw new NotAllowedError('path escapes the root');
 * ```
 */
export class NotAllowedError extends CustomErrorBase {
  override name = 'NotAllowedError' as const;
}
/**
 * The thing asked for does not exist. HTTP 404.
 * @example
 * ```ts
 * throw new NotFoundError('no entity component:default/x');
 * ```
 */
export class NotFoundError extends CustomErrorBase {
  override name = 'NotFoundError' as const;
}
/**
 * The request conflicts with current state (duplicate location, ref claimed twice). HTTP 409.
 * @example
 * ```ts
 * throw new ConflictError('location already exists');
 * ```
 */
export class ConflictError extends CustomErrorBase {
  override name = 'ConflictError' as const;
}
/**
 * The resource has not changed since the caller's etag. HTTP 304.
 * @example
 * ```ts
 * throw new NotModifiedError();
 * ```
 */
export class NotModifiedError extends CustomErrorBase {
  override name = 'NotModifiedError' as const;
}
/**
 * A feature or method is not implemented by this adapter. HTTP 501.
 * @example
 * ```ts
 * throw new NotImplementedError('store does not support facets');
 * ```
 */
export class NotImplementedError extends CustomErrorBase {
  override name = 'NotImplementedError' as const;
}
/**
 * A dependency (database, remote host) is unavailable; retrying may help. HTTP 503.
 * @example
 * ```ts
 * throw new ServiceUnavailableError('database is starting');
 * ```
 */
export class ServiceUnavailableError extends CustomErrorBase {
  override name = 'ServiceUnavailableError' as const;
}
/**
 * The request or the entity is larger than allowed. HTTP 413.
 * @example
 * ```ts
 * throw new PayloadTooLargeError('response exceeds 10 MB');
 * ```
 */
export class PayloadTooLargeError extends CustomErrorBase {
  override name = 'PayloadTooLargeError' as const;
}

/**
 * The request body's media type is not one the route accepts (state-changing routes take only
 * JSON). HTTP 415.
 * @example
 * ```ts
 * throw new UnsupportedMediaTypeError('request body must be application/json, got text/plain');
 * ```
 */
export class UnsupportedMediaTypeError extends CustomErrorBase {
  override name = 'UnsupportedMediaTypeError' as const;
}

/**
 * An optional peer dependency a feature needs is not installed (the PostgreSQL driver `pg`,
 * say, when a PostgreSQL store is created). The message names the package to install. A
 * start-up error of the host, not of a request: HTTP 500.
 * @example
 * ```ts
 * throw new MissingDependencyError("postgresStore needs the package 'pg': npm install pg");
 * ```
 */
export class MissingDependencyError extends CustomErrorBase {
  override name = 'MissingDependencyError' as const;
}

/**
 * The request body cannot be read: something before the handler consumed the request stream
 * (a body parser such as `express.json()` that left no `req.body`), or left a `req.body` that
 * cannot be turned back into bytes. A fault of the host's setup, not of the client: HTTP 500,
 * with a message naming the cause.
 * @example
 * ```ts
 * throw new RequestBodyUnavailableError('the request body was already read by another middleware');
 * ```
 */
export class RequestBodyUnavailableError extends CustomErrorBase {
  override name = 'RequestBodyUnavailableError' as const;
}

const statusByName: Record<string, number> = {
  InputError: 400,
  TypeError: 400,
  AuthenticationError: 401,
  NotAllowedError: 403,
  NotFoundError: 404,
  ConflictError: 409,
  PayloadTooLargeError: 413,
  RequestBodyUnavailableError: 500,
  UnsupportedMediaTypeError: 415,
  NotModifiedError: 304,
  NotImplementedError: 501,
  ServiceUnavailableError: 503,
};

/**
 * True for anything shaped like an Error (including errors from other realms).
 * @example
 * ```ts
 * if (isError(e)) console.log(e.message);
 * ```
 */
export function isError(value: unknown): value is Error {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Error).name === 'string' &&
    typeof (value as Error).message === 'string'
  );
}

/**
 * HTTP status for an error, by its `name` (500 for anything unknown).
 * @example
 * ```ts
 * errorStatusCode(new NotFoundError('x')); // 404
 * ```
 */
export function errorStatusCode(error: unknown): number {
  if (!isError(error)) return 500;
  return statusByName[error.name] ?? 500;
}

/**
 * A JSON-safe error, as in Backstage's `SerializedError`.
 * @example
 * ```ts
 * const json: SerializedError = serializeError(new NotFoundError('x'));
 * ```
 */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  code?: string;
  cause?: SerializedError;
}

/**
 * Turn an error into plain JSON. Stacks are left out unless asked for, since they leak internals.
 * @example
 * ```ts
 * serializeError(new InputError('bad')); // { name: 'InputError', message: 'bad' }
 * ```
 */
export function serializeError(error: unknown, options?: { includeStack?: boolean }): SerializedError {
  if (!isError(error)) return { name: 'Error', message: String(error) };
  const out: SerializedError = { name: error.name, message: error.message };
  if (options?.includeStack && error.stack) out.stack = error.stack;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') out.code = code;
  const cause = (error as { cause?: unknown }).cause;
  if (cause !== undefined) out.cause = serializeError(cause, options);
  return out;
}

/**
 * Backstage's JSON error response body.
 * @example
 * ```ts
 * const body: ErrorResponseBody = await response.json();
 * if (body.error.name === 'NotFoundError') return undefined;
 * ```
 */
export interface ErrorResponseBody {
  error: SerializedError;
  request?: { method: string; url: string };
  response: { statusCode: number };
}

/**
 * Build Backstage's error response body for an error raised while serving `request`.
 * @example
 * ```ts
 * toErrorResponseBody(new NotFoundError('x'), req).response.statusCode; // 404
 * ```
 */
export function toErrorResponseBody(error: unknown, request?: Request): ErrorResponseBody {
  const statusCode = errorStatusCode(error);
  const body: ErrorResponseBody = {
    // Unknown errors keep their name but hide their message: it may carry internals.
    error:
      statusCode >= 500 && !isPortalkitError(error)
        ? { name: isError(error) ? error.name : 'Error', message: 'Internal server error' }
        : serializeError(error),
    response: { statusCode },
  };
  if (request) {
    const url = new URL(request.url);
    body.request = { method: request.method, url: url.pathname + url.search };
  }
  return body;
}

// Routers answer errors themselves; the original error rides on its 5xx response (under a
// registry symbol, so another copy of this package finds it too) for `onError` hooks upstream.
const responseErrorKey = Symbol.for('portalkit.responseError');

/**
 * The error a 5xx response built by {@link toHttpResponse} stands for, so that whoever serves a
 * handler (`toNodeHandler`, `createPortal`) can report the original error, not only the status.
 * Undefined for other responses.
 * @example
 * ```ts
 * const response = await handler(request);
 * if (response.status >= 500) logger.error('request failed', { error: getResponseError(response) });
 * ```
 */
export function getResponseError(response: Response): unknown {
  return (response as unknown as Record<symbol, unknown>)[responseErrorKey];
}

/**
 * A web-standard `Response` carrying Backstage's JSON error body and the matching status. A 5xx
 * response keeps the error for {@link getResponseError}.
 * @example
 * ```ts
 * return toHttpResponse(new InputError('bad filter'), request); // 400
 * ```
 */
export function toHttpResponse(error: unknown, request?: Request): Response {
  const body = toErrorResponseBody(error, request);
  if (body.response.statusCode === 304) return new Response(null, { status: 304 });
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  // RFC 6750: a 401 names the scheme the client should authenticate with.
  if (body.response.statusCode === 401) headers['www-authenticate'] = 'Bearer';
  const response = new Response(JSON.stringify(body), { status: body.response.statusCode, headers });
  if (body.response.statusCode >= 500) Object.defineProperty(response, responseErrorKey, { value: error });
  return response;
}
