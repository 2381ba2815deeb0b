import { AuthenticationError, InputError, NotAllowedError, NotFoundError, PayloadTooLargeError, ServiceUnavailableError } from '@portalkit/core';

/**
 * The typed error of a host's failed response: 401 `AuthenticationError`, 404 `NotFoundError`,
 * 429 (or 403 with an exhausted rate limit) `ServiceUnavailableError` saying when to retry,
 * other 403 `NotAllowedError`, 413 `PayloadTooLargeError`, 400/409/422 `InputError`, the rest
 * `ServiceUnavailableError`. `what` names the resource; the message never holds the request's
 * headers or the host's body beyond a short `message` field, so no credential is echoed.
 * `message` is that field when a client has already read the body.
 * @example
 * ```ts
 * if (!response.ok) throw await hostResponseError(response, 'gitea.example.com acme/web');
 * ```
 */
export async function hostResponseError(response: Response, what: string, message?: string): Promise<Error> {
  const detail = message === undefined ? await hostMessage(response) : shorten(message);
  const status = response.status;
  const suffix = detail ? `: ${detail}` : '';
  const retry = retryAfter(response.headers);
  if (status === 429 || (status === 403 && (retry || response.headers.get('x-ratelimit-remaining') === '0'))) {
    return new ServiceUnavailableError(`${what}: the host is rate limiting requests (${status})${retry ? `; retry after ${retry}` : ''}`);
  }
  if (status === 401 || status === 203) return new AuthenticationError(`${what}: the host refused the credentials (${status})${suffix}`);
  if (status === 403) return new NotAllowedError(`${what}: access denied by the host (403)${suffix}`);
  if (status === 404) return new NotFoundError(`${what} was not found (404)${suffix}`);
  if (status === 413) return new PayloadTooLargeError(`${what}: the host says it is too large (413)`);
  if (status === 400 || status === 409 || status === 422) return new InputError(`${what}: the host refused the request (${status})${suffix}`);
  if (status >= 300 && status < 400) return new NotAllowedError(`${what}: unexpected redirect (${status})`);
  return new ServiceUnavailableError(`${what}: the host answered ${status}${suffix}`);
}

/** The `message` of a JSON error body, shortened; hosts' HTML error pages are not echoed. */
async function hostMessage(response: Response): Promise<string> {
  if (response.bodyUsed) return '';
  try {
    if (!(response.headers.get('content-type') ?? '').includes('json')) {
      await response.body?.cancel();
      return '';
    }
    const body = (await response.json()) as { message?: unknown };
    return typeof body?.message === 'string' ? shorten(body.message) : '';
  } catch {
    return '';
  }
}

/** When a rate limit ends: `Retry-After` (seconds or a date) or `X-RateLimit-Reset` (epoch seconds). */
function retryAfter(headers: Headers): string | undefined {
  const after = headers.get('retry-after');
  if (after && /^\d+$/.test(after)) return `${after}s`;
  if (after && !Number.isNaN(Date.parse(after))) return new Date(after).toISOString();
  const reset = headers.get('x-ratelimit-reset');
  if (reset && /^\d+$/.test(reset)) return new Date(Number(reset) * 1000).toISOString();
  return undefined;
}

function shorten(message: string): string {
  return message.replace(/\s+/g, ' ').slice(0, 200);
}
