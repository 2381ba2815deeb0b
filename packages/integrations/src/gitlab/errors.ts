import {
  AuthenticationError,
  InputError,
  NotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  ServiceUnavailableError,
} from '@portalkit/core';

/**
 * The typed error for a failed GitLab response. `what` names the request (never with a token);
 * GitLab's own message is included shortened, as it is the host's text, not ours.
 */
export async function gitlabResponseError(response: Response, what: string): Promise<Error> {
  const detail = await response
    .text()
    .then((text) => {
      try {
        const message = (JSON.parse(text) as { message?: unknown; error?: unknown }).message ?? (JSON.parse(text) as { error?: unknown }).error;
        return typeof message === 'string' ? message : JSON.stringify(message);
      } catch {
        return text;
      }
    })
    .catch(() => '');
  const suffix = detail ? `: ${detail.replace(/\s+/g, ' ').slice(0, 200)}` : '';
  const status = response.status;
  const reset = rateLimitReset(response.headers);
  if (status === 429 || (status === 403 && (response.headers.get('ratelimit-remaining') === '0' || reset))) {
    return new ServiceUnavailableError(`${what}: GitLab rate limit reached${reset ? `, it resets at ${reset.toISOString()}` : ''}`);
  }
  if (status === 401) return new AuthenticationError(`${what}: GitLab rejected the credentials (401)${suffix}`);
  if (status === 403) return new NotAllowedError(`${what}: GitLab refused access (403)${suffix}`);
  if (status === 404) return new NotFoundError(`${what}: not found (404)`);
  if (status === 413) return new PayloadTooLargeError(`${what}: too large (413)`);
  if (status >= 500) return new ServiceUnavailableError(`${what}: GitLab answered ${status}`);
  return new InputError(`${what}: GitLab answered ${status}${suffix}`);
}

/** When a rate limit ends: `RateLimit-Reset` (epoch seconds) or `Retry-After` (seconds or a date). */
export function rateLimitReset(headers: Headers, now = Date.now()): Date | undefined {
  const reset = headers.get('ratelimit-reset');
  if (reset && /^\d+$/.test(reset)) return new Date(Number(reset) * 1000);
  const retryAfter = headers.get('retry-after');
  if (retryAfter && /^\d+$/.test(retryAfter)) return new Date(now + Number(retryAfter) * 1000);
  if (retryAfter && !Number.isNaN(Date.parse(retryAfter))) return new Date(retryAfter);
  return undefined;
}
