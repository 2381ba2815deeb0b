import {
  AuthenticationError,
  CustomErrorBase,
  NotAllowedError,
  NotFoundError,
  NotModifiedError,
  ServiceUnavailableError,
} from '@portalkit/core';

/** What Octokit throws for a failed request (`RequestError`, named `HttpError`). */
interface OctokitRequestError {
  name: string;
  status: number;
  cause?: unknown;
  response?: { headers?: Record<string, string | undefined> };
}

function isRequestError(error: unknown): error is OctokitRequestError {
  return error instanceof Error && error.name === 'HttpError' && typeof (error as { status?: unknown }).status === 'number';
}

/**
 * Why GitHub refused: the primary rate limit (403 or 429 with `x-ratelimit-remaining: 0`, reset
 * at `x-ratelimit-reset`) or a secondary one (`retry-after`). `undefined` when not rate limited.
 */
function rateLimitMessage(status: number, headers: Record<string, string | undefined>): string | undefined {
  const exhausted = headers['x-ratelimit-remaining'] === '0';
  if (status !== 429 && !(status === 403 && (exhausted || headers['retry-after']))) return undefined;
  const retryAfter = headers['retry-after'];
  if (retryAfter && /^\d+$/.test(retryAfter)) return `GitHub's rate limit was exceeded; retry after ${retryAfter} s`;
  const reset = Number(headers['x-ratelimit-reset']);
  if (exhausted && Number.isFinite(reset) && reset > 0) return `GitHub's rate limit was exceeded; it resets at ${new Date(reset * 1000).toISOString()}`;
  return `GitHub's rate limit was exceeded`;
}

/**
 * A typed portalkit error for a failed GitHub call about `what` (a repository, file or URL,
 * never with credentials): 304 is `NotModifiedError`, 401 `AuthenticationError`, a rate limit
 * (403 with `x-ratelimit-remaining: 0`, or 429) `ServiceUnavailableError` naming when it resets,
 * another 403 `NotAllowedError`, 404 (and 422 for unknown refs) `NotFoundError`. Errors raised
 * by the host fetch (a redirect to another origin, an internal address) keep their type.
 * Octokit's error is not kept as the cause: it holds the request.
 * @example
 * ```ts
 * try { await octokit.rest.repos.get({ owner, repo }); } catch (error) { throw githubError(error, `${owner}/${repo}`); }
 * ```
 */
export function githubError(error: unknown, what: string): Error {
  if (error instanceof CustomErrorBase) return error;
  if (!isRequestError(error)) {
    if (error instanceof Error && error.name === 'AbortError') return error;
    return new ServiceUnavailableError(`GitHub request for ${what} failed: ${error instanceof Error ? error.name : 'unknown error'}`);
  }
  if (error.cause instanceof CustomErrorBase) return error.cause;
  const headers = error.response?.headers ?? {};
  const limited = rateLimitMessage(error.status, headers);
  if (limited) return new ServiceUnavailableError(`${what}: ${limited}`);
  switch (error.status) {
    case 304:
      return new NotModifiedError(`${what} has not changed`);
    case 401:
      return new AuthenticationError(`GitHub refused the credentials for ${what} (401)`);
    case 403:
      return new NotAllowedError(`GitHub denied access to ${what} (403)`);
    case 404:
    case 422:
      return new NotFoundError(`${what} was not found on GitHub (${error.status})`);
    default:
      return new ServiceUnavailableError(`GitHub answered ${error.status} for ${what}`);
  }
}
