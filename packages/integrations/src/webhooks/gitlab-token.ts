import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Options of {@link verifyGitlabToken}.
 * @example
 * ```ts
 * const options: VerifyGitlabTokenOptions = { secrets: ['current', 'previous'], tokenHeader: request.headers.get('x-gitlab-token') };
 * ```
 */
export interface VerifyGitlabTokenOptions {
  /** The webhook's secret token, or several (rotation). */
  secrets: string | readonly string[];
  /** The `X-Gitlab-Token` header; `null`/`undefined` when absent. */
  tokenHeader: string | null | undefined;
}

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * Whether a GitLab webhook delivery carries one of `secrets` in `X-Gitlab-Token` (GitLab sends
 * the secret token itself, it does not sign the body). Compared in constant time: both sides
 * are hashed to SHA-256 first, so `timingSafeEqual` sees equal lengths and the token's length
 * does not leak. A missing or empty header, or no non-empty secret, is `false`. Every secret is
 * tried, so the time taken does not tell which one matched.
 *
 * @example
 * ```ts
 * verifyGitlabToken({ secrets: ['new-token', 'old-token'], tokenHeader: 'old-token' }); // true
 * ```
 */
export function verifyGitlabToken(options: VerifyGitlabTokenOptions): boolean {
  const secrets = (typeof options.secrets === 'string' ? [options.secrets] : [...options.secrets]).filter((s) => typeof s === 'string' && s !== '');
  const header = options.tokenHeader;
  if (secrets.length === 0 || typeof header !== 'string' || header === '') return false;
  const given = digest(header);
  let matched = false;
  for (const secret of secrets) {
    if (timingSafeEqual(given, digest(secret))) matched = true;
  }
  return matched;
}
