import { UnsupportedMediaTypeError } from '../errors.js';

/** Methods that only read; every other method may change state. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** True for methods other than GET, HEAD and OPTIONS. */
export function isStateChanging(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/**
 * `application/json` or a structured `application/<x>+json` type, with optional parameters
 * (`; charset=utf-8`). Only the media type before the first `;` counts, so
 * `text/plain; charset=application/json` is not JSON.
 */
export function isJsonContentType(value: string | null): boolean {
  if (value === null) return false;
  const essence = value.split(';', 1)[0]!.trim().toLowerCase();
  return essence === 'application/json' || /^application\/[a-z0-9!#$&^_.-]+\+json$/.test(essence);
}

/**
 * Refuse a state-changing request whose `Content-Type` is not JSON, body or no body, with an
 * {@link UnsupportedMediaTypeError} (415).
 *
 * Why: a cross-site page can send `text/plain`, form and multipart bodies, or no content type at
 * all, without a CORS preflight, and a signed-in browser adds its cookies. A JSON content type
 * cannot be sent cross-site without a preflight the host's CORS policy decides. Backstage's
 * clients send `Content-Type: application/json` on every request, bodiless ones (cancel, delete)
 * included, so they are unaffected.
 */
export function assertJsonRequest(request: Request): void {
  if (!isStateChanging(request.method)) return;
  const contentType = request.headers.get('content-type');
  if (isJsonContentType(contentType)) return;
  throw new UnsupportedMediaTypeError(
    `${request.method} requests must have Content-Type: application/json` +
      (contentType === null ? ', and it is missing' : `, got ${JSON.stringify(contentType.slice(0, 100))}`),
  );
}
