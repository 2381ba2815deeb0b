import { verify } from '@octokit/webhooks-methods';

/**
 * Options of {@link verifyGithubSignature}.
 * @example
 * ```ts
 * const options: VerifyGithubSignatureOptions = { secrets: ['current', 'previous'], body, signatureHeader: request.headers.get('x-hub-signature-256') };
 * ```
 */
export interface VerifyGithubSignatureOptions {
  /** The webhook secret, or several (rotation: the new one and the old one while deliveries switch). */
  secrets: string | readonly string[];
  /** The request body exactly as received (the signature covers these bytes). */
  body: Uint8Array;
  /** The `X-Hub-Signature-256` header (`sha256=<hex>`); `null`/`undefined` when absent. */
  signatureHeader: string | null | undefined;
}

// `sha256=` and 64 lowercase hex digits, as GitHub sends it; anything else cannot match.
const SIGNATURE = /^sha256=[0-9a-f]{64}$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Whether a GitHub webhook delivery is signed with one of `secrets`: the `X-Hub-Signature-256`
 * HMAC-SHA256 of the raw body, checked with `@octokit/webhooks-methods` (constant-time compare).
 * The legacy SHA-1 `X-Hub-Signature` is not accepted. A missing or malformed header, an empty
 * body, no non-empty secret, or a body that is not UTF-8 (Octokit signs text; GitHub's payloads
 * are always UTF-8 JSON) is `false`, never an exception. Every secret is tried, so the time
 * taken does not tell which one matched.
 *
 * @example
 * ```ts
 * const body = new TextEncoder().encode('Hello, World!');
 * await verifyGithubSignature({
 *   secrets: "It's a Secret to Everybody",
 *   body,
 *   signatureHeader: 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
 * }); // true
 * ```
 */
export async function verifyGithubSignature(options: VerifyGithubSignatureOptions): Promise<boolean> {
  const secrets = (typeof options.secrets === 'string' ? [options.secrets] : [...options.secrets]).filter((s) => typeof s === 'string' && s !== '');
  const header = options.signatureHeader;
  if (secrets.length === 0 || typeof header !== 'string' || !SIGNATURE.test(header) || options.body.byteLength === 0) return false;
  let payload: string;
  try {
    payload = utf8.decode(options.body);
  } catch {
    return false;
  }
  let matched = false;
  for (const secret of secrets) {
    // No early exit: each secret costs the same whether or not an earlier one matched.
    if (await verify(secret, payload, header)) matched = true;
  }
  return matched;
}

