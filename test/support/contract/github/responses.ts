import type { ContractResponse } from './router.js';

/**
 * GitHub's primary rate limit answer: 403 with `x-ratelimit-remaining: 0` and the reset time
 * (epoch seconds) in `x-ratelimit-reset`.
 */
export function rateLimitExceeded(options: { resetAt: Date; limit?: number }): ContractResponse {
  const limit = options.limit ?? 5000;
  return {
    status: 403,
    headers: {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': '0',
      'x-ratelimit-used': String(limit),
      'x-ratelimit-reset': String(Math.floor(options.resetAt.getTime() / 1000)),
      'x-ratelimit-resource': 'core',
    },
    json: {
      message: 'API rate limit exceeded for installation. Check out the documentation for more details.',
      documentation_url: 'https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting',
      status: '403',
    },
  };
}

/** GitHub's secondary rate limit answer: 429 with `retry-after` (seconds). */
export function secondaryRateLimit(options: { retryAfterSeconds: number }): ContractResponse {
  return {
    status: 429,
    headers: { 'retry-after': String(options.retryAfterSeconds) },
    json: {
      message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      documentation_url: 'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
      status: '429',
    },
  };
}

/** GitHub's Basic Error body for `status`. */
export function basicError(status: number, message: string): ContractResponse {
  return { status, json: { message, documentation_url: 'https://docs.github.com/rest', status: String(status) } };
}
