import { redactCredentials } from '@portalkit/core';

const MAX_MESSAGE = 1_000;

// Credentials that travel outside URLs: authorization schemes and the token formats of the
// hosts portalkit integrates with (GitHub's `ghp_`/`gho_`/`ghs_`/`ghu_`/`ghr_`/`github_pat_`,
// GitLab's `glpat-` and relatives).
const schemes = /\b(bearer|basic|token)(\s+)[^\s,;"']+/gi;
const hostTokens = /\b(?:gh[oprsu]_[A-Za-z0-9]{8,}|github_pat_[A-Za-z0-9_]{8,}|gl(?:pat|dt|rt|ptt|oas|cbt|imt|agent|ft)-[A-Za-z0-9_-]{8,})\b/g;

/**
 * What a provider's status says about a failure: the error's `name` (a plain identifier, else
 * `Error`) and its message with credentials masked (URL userinfo and credential parameters,
 * `Bearer …`/`Basic …`/`token …`, host token formats), at most 1,000 characters. A provider is
 * the host's code, but its errors may quote a URL or header it was given; the status is served
 * over HTTP, so nothing that looks like a secret is kept.
 *
 * @example
 * ```ts
 * describeProviderError(new Error('GET https://bot:s3cret@git.example.com failed'));
 * // { name: 'Error', message: 'GET https://***@git.example.com failed' }
 * ```
 */
export function describeProviderError(error: unknown): { name: string; message: string } {
  const rawName = error instanceof Error ? error.name : undefined;
  const name = typeof rawName === 'string' && /^[A-Za-z_$][\w$]{0,63}$/.test(rawName) ? rawName : 'Error';
  let message: string;
  if (error instanceof Error) message = typeof error.message === 'string' ? error.message : '';
  else if (typeof error === 'string') message = error;
  else message = `a non-Error value was thrown (${error === null ? 'null' : typeof error})`;
  // Masked before the final cut, so a cut cannot split a secret out of its pattern; the first
  // cut only bounds the work on a huge message.
  const masked = redactCredentials(message.slice(0, 10 * MAX_MESSAGE)).replace(schemes, '$1$2***').replace(hostTokens, '***');
  return { name, message: masked.length > MAX_MESSAGE ? `${masked.slice(0, MAX_MESSAGE - 1)}…` : masked };
}
