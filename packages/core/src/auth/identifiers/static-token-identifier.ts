import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { AuthenticationError, InputError } from '../../errors.js';
import { type Principal, anonymousPrincipal } from '../principal.js';
import { isJwtShaped, readBearerToken } from './bearer-token.js';
import type { TokenIdentifier } from './types.js';

/**
 * Options of {@link createStaticTokenIdentifier}: each token names the machine client using it
 * and, optionally, the permissions it may use (`catalog.entity.read`, a prefix `catalog.*`, or
 * `*`). A token without `scopes` is limited only by the policy.
 *
 * @example
 * ```ts
 * const options: StaticTokenIdentifierOptions = {
 *   tokens: [{ token: process.env.CI_TOKEN!, subject: 'ci', scopes: ['catalog.entity.read', 'catalog.location.*'] }],
 * };
 * ```
 */
export interface StaticTokenIdentifierOptions {
  tokens: ReadonlyArray<{ token: string; subject: string; scopes?: string[] }>;
}

// A floor against hand-typed tokens ('aaaaaaaaaaaaaaaa', 'abcdabcdabcdabcd'), not an entropy
// proof. Low enough never to refuse a generated token in practice: 16 random hex characters
// hold fewer than 5 distinct ones about 4 times in 10 million (base64 or longer: far rarer).
const minDistinct = 5;

const reservedSubjects = new Set(['host', 'anonymous']);

const optionsSchema = z.object({
  tokens: z.array(
    z.object({
      token: z
        .string()
        .min(16, 'must be at least 16 characters')
        .max(4096)
        .regex(/^[A-Za-z0-9\-._~+/]+=*$/, 'must be a bearer token (letters, digits and -._~+/ then =)')
        .refine((t) => new Set(t).size >= minDistinct, `must hold at least ${minDistinct} distinct characters (generate it, e.g. openssl rand -base64 32)`)
        .refine((t) => !isJwtShaped(t), 'must not look like a JWT (three dot-separated base64url parts)'),
      subject: z
        .string()
        .min(1)
        .max(256)
        .refine((s) => !reservedSubjects.has(s), 'is reserved ("host" and "anonymous" name built-in principals)'),
      scopes: z.array(z.string().min(1)).optional(),
    }),
  ),
});

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/**
 * Identify machine clients by static bearer tokens. Each matching request is a `service`
 * principal named by the token's `subject`, limited to its `scopes` (enforced by
 * `PortalAuth.authorize` before the policy). Tokens are compared in constant time: both sides
 * are hashed with SHA-256 and compared with `timingSafeEqual`, against every configured token.
 * An unknown token is an `AuthenticationError` (401); no header is the anonymous principal.
 * Tokens shorter than 16 characters or with fewer than 5 distinct characters (obviously weak),
 * duplicated, or shaped like a JWT are refused at creation. That catches typed tokens, not weak
 * ones in general: generate each token (`openssl rand -base64 32`, 256 bits).
 *
 * @example
 * ```ts
 * const identify = createStaticTokenIdentifier({
 *   tokens: [{ token: process.env.CI_TOKEN!, subject: 'ci', scopes: ['catalog.*'] }],
 * });
 * const principal = await identify(request); // { type: 'service', subject: 'ci', scopes: ['catalog.*'], … }
 * ```
 */
export function createStaticTokenIdentifier(options: StaticTokenIdentifierOptions): TokenIdentifier {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    // The path names the entry; the token itself never appears in the message.
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'options'} ${i.message}`).join('; ');
    throw new InputError(`createStaticTokenIdentifier: ${issues}`);
  }
  const entries = parsed.data.tokens.map((t) => ({
    hash: sha256(t.token),
    subject: t.subject,
    scopes: t.scopes ? [...t.scopes] : undefined,
  }));
  const seen = new Set<string>();
  entries.forEach((entry, i) => {
    const key = entry.hash.toString('hex');
    if (seen.has(key)) throw new InputError(`createStaticTokenIdentifier: tokens.${i}.token is given twice`);
    seen.add(key);
  });

  const verify = async (token: string): Promise<Principal> => {
    const presented = sha256(token);
    let found: (typeof entries)[number] | undefined;
    // Every entry is compared, so the time taken does not say which one matched.
    for (const entry of entries) {
      if (timingSafeEqual(presented, entry.hash) && !found) found = entry;
    }
    if (!found) throw new AuthenticationError('Invalid bearer token: unknown token');
    return {
      type: 'service',
      subject: found.subject,
      ownershipEntityRefs: [],
      claims: {},
      ...(found.scopes ? { scopes: [...found.scopes] } : {}),
    };
  };

  const identify = async (request: Request): Promise<Principal> => {
    const token = readBearerToken(request);
    return token === undefined ? anonymousPrincipal() : verify(token);
  };
  return Object.assign(identify, { accepts: 'opaque' as const, verify });
}
