import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type JSONWebKeySet,
  type JWTPayload,
  jwtVerify,
} from 'jose';
import { z } from 'zod';
import { AuthenticationError, InputError, isError, NotAllowedError, ServiceUnavailableError } from '../../errors.js';
import { createLogger, type Logger } from '../../logger.js';
import { type Principal, anonymousPrincipal, principalSchema } from '../principal.js';
import { readBearerToken } from './bearer-token.js';
import { PrincipalMappingError } from './principal-mapping-error.js';
import type { TokenIdentifier } from './types.js';

/**
 * Options of {@link createJwtIdentifier}. Exactly one of `jwksUrl` and `jwks`.
 *
 * @example
 * ```ts
 * const options: JwtIdentifierOptions = {
 *   jwksUrl: 'https://portal.example.com/api/auth/.well-known/jwks.json',
 *   issuer: 'https://portal.example.com/api/auth', audience: 'backstage',
 * };
 * ```
 */
export interface JwtIdentifierOptions {
  /** Where the issuer publishes its keys; fetched on demand and cached (jose's remote key set). */
  jwksUrl?: string | URL;
  /** A JSON Web Key Set given inline (public keys only). */
  jwks?: JSONWebKeySet;
  /** The `iss` every token must carry. */
  issuer: string | string[];
  /** The `aud` every token must carry (one of). */
  audience: string | string[];
  /**
   * Accepted signature algorithms; default every asymmetric JWS algorithm. Symmetric (`HS*`)
   * algorithms and `none` are refused: a key set holds public keys, and accepting HMAC with
   * one turns a public key into a forging secret.
   */
  algorithms?: string[];
  /**
   * The `typ` header every token must carry, e.g. `at+jwt` (RFC 9068 access tokens; `application/`
   * may be left out on either side). Hosts accepting access tokens should set it: without it
   * an OpenID Connect ID token of the same issuer, whose `aud` is the client id, passes where
   * the audience is that client id. Default: not checked.
   */
  typ?: string;
  /**
   * Allow a `jwksUrl` over plain `http:` to a host that is not loopback. Default false: keys
   * fetched over http can be replaced in transit, and with them every identity.
   */
  allowInsecureJwks?: boolean;
  /** Where mapping failures (a throwing `toPrincipal`) are logged; default `createLogger()`. */
  logger?: Logger;
  /** Seconds of clock skew tolerated for `exp`/`nbf`/`iat`; default 5. */
  clockTolerance?: number;
  /**
   * The claim holding the user entity ref. Default: `sub` when it is a user entity ref
   * (`user:default/jane`, as in Backstage tokens); a token without one is refused.
   */
  userEntityRefClaim?: string;
  /**
   * Map verified claims to a principal yourself (the other user options are then unused). Throw
   * an `AuthenticationError` to refuse the token (401), `NotAllowedError` (403) or
   * `ServiceUnavailableError` (503); any other throw, or a result that is not a `Principal`, is a
   * {@link PrincipalMappingError} (500), logged without the token or claims.
   */
  toPrincipal?: (claims: JWTPayload) => Principal | Promise<Principal>;
  /**
   * The refs the user owns through (the user and its groups, transitively), e.g. from the
   * catalog. Default: the token's `ent` claim (Backstage tokens carry it), else the user alone.
   */
  resolveOwnership?: (userEntityRef: string) => Promise<string[]>;
}

const defaultAlgorithms = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

const optionsSchema = z
  .object({
    jwksUrl: z.union([z.string(), z.instanceof(URL)]).optional(),
    jwks: z
      .object({
        keys: z
          .array(
            z
              .looseObject({ kty: z.enum(['RSA', 'EC', 'OKP']) })
              .refine((k) => !('d' in k) && !('k' in k), 'must be a public key (no private or secret key material)'),
          )
          .min(1),
      })
      .optional(),
    issuer: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    audience: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    algorithms: z
      .array(z.string().min(1))
      .min(1)
      .refine((algs) => algs.every((a) => a.toLowerCase() !== 'none' && !/^HS/i.test(a)), {
        message: 'symmetric (HS*) algorithms and "none" cannot be verified with a public key set',
      })
      .optional(),
    clockTolerance: z.number().min(0).max(300).optional(),
    typ: z.string().min(1).max(256).optional(),
    allowInsecureJwks: z.boolean().optional(),
    logger: z.looseObject({ error: z.function() }).optional(),
    userEntityRefClaim: z.string().min(1).optional(),
    toPrincipal: z.function().optional(),
    resolveOwnership: z.function().optional(),
  })
  .refine((o) => (o.jwksUrl === undefined) !== (o.jwks === undefined), { message: 'give exactly one of jwksUrl and jwks' });

const userRefPattern = /^user:(?:([^:/\s]+)\/)?([^:/\s]+)$/i;

/**
 * Identify requests by a JWT bearer token verified against a JSON Web Key Set (jose): signature,
 * algorithm, `iss`, `aud`, `exp` (required) and `nbf`. No `Authorization` header: the anonymous
 * principal. A bad, expired, forged, unsigned (`alg: none`) or misaddressed token: an
 * `AuthenticationError` (401) whose message never contains the token. A key set that cannot be
 * fetched: `ServiceUnavailableError` (503). The principal is a `user`: `subject` and
 * `userEntityRef` are the token's user entity ref, `claims` its payload (never the token).
 * With `typ` set (`at+jwt` for access tokens) the header must carry it. A `jwksUrl` over plain
 * http is refused at creation unless its host is loopback or `allowInsecureJwks` is set. A
 * failing `toPrincipal` is a `PrincipalMappingError` (500), logged without token or claims.
 *
 * @example
 * ```ts
 * const identify = createJwtIdentifier({
 *   jwksUrl: 'https://portal.example.com/api/auth/.well-known/jwks.json',
 *   issuer: 'https://portal.example.com/api/auth',
 *   audience: 'backstage',
 *   resolveOwnership: (ref) => ownershipFromCatalog(ref),
 * });
 * const principal = await identify(request);
 * ```
 */
export function createJwtIdentifier(options: JwtIdentifierOptions): TokenIdentifier {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`).join('; ');
    throw new InputError(`createJwtIdentifier: ${issues}`);
  }
  const keys = keySet(options);
  const logger = options.logger ?? createLogger();
  // Copies: changing the options object later changes nothing.
  const copy = <T>(value: T | T[]) => (Array.isArray(value) ? [...value] : value);
  const { toPrincipal, resolveOwnership, userEntityRefClaim } = options;
  const verifyOptions = {
    issuer: copy(options.issuer),
    audience: copy(options.audience),
    algorithms: [...(options.algorithms ?? defaultAlgorithms)],
    clockTolerance: options.clockTolerance ?? 5,
    requiredClaims: ['exp'],
    ...(options.typ !== undefined ? { typ: options.typ } : {}),
  };

  const verify = async (token: string): Promise<Principal> => {
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(token, keys, verifyOptions));
    } catch (error) {
      throw toIdentifyError(error);
    }
    let principal: unknown;
    try {
      principal = toPrincipal ? await toPrincipal(claims) : await userPrincipal(claims, { resolveOwnership, userEntityRefClaim });
    } catch (error) {
      // The host's own verdict stands: refused (401, 403), or a dependency down (503).
      if (error instanceof AuthenticationError || error instanceof NotAllowedError || error instanceof ServiceUnavailableError) throw error;
      throw mappingFailure(logger, error instanceof PrincipalMappingError ? error.message : `${toPrincipal ? 'toPrincipal' : 'resolveOwnership'} threw ${isError(error) ? error.name : typeof error}`);
    }
    const checked = principalSchema.safeParse(principal);
    if (!checked.success) {
      const issues = checked.error.issues.map((i) => `${i.path.join('.') || 'principal'}: ${i.code}`).join('; ');
      throw mappingFailure(logger, `toPrincipal returned no valid principal (${issues})`);
    }
    return checked.data;
  };

  const identify = async (request: Request): Promise<Principal> => {
    const token = readBearerToken(request);
    return token === undefined ? anonymousPrincipal() : verify(token);
  };
  return Object.assign(identify, { accepts: 'jwt' as const, verify });
}

const loopbackHosts = new Set(['127.0.0.1', '[::1]', 'localhost']);

// Names what failed, never the token or claim values: the message reaches logs and the 500.
function mappingFailure(logger: Pick<Logger, 'error'>, reason: string): PrincipalMappingError {
  const error = new PrincipalMappingError(`createJwtIdentifier: ${reason}; a verified token could not be mapped to a principal`);
  logger.error('JWT identity mapping failed', { reason });
  return error;
}

function keySet(options: JwtIdentifierOptions) {
  if (options.jwks) {
    try {
      return createLocalJWKSet(options.jwks);
    } catch (error) {
      throw new InputError(`createJwtIdentifier: invalid jwks: ${(error as Error).message}`);
    }
  }
  let url: URL;
  try {
    url = new URL(String(options.jwksUrl));
  } catch {
    throw new InputError('createJwtIdentifier: jwksUrl is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError('createJwtIdentifier: jwksUrl must be an http(s) URL');
  }
  if (url.protocol === 'http:' && !loopbackHosts.has(url.hostname) && options.allowInsecureJwks !== true) {
    throw new InputError(
      'createJwtIdentifier: jwksUrl must use https (plain http only to 127.0.0.1, [::1] or localhost, or with allowInsecureJwks: true)',
    );
  }
  return createRemoteJWKSet(url);
}

async function userPrincipal(
  claims: JWTPayload,
  options: Pick<JwtIdentifierOptions, 'resolveOwnership' | 'userEntityRefClaim'>,
): Promise<Principal> {
  const raw = options.userEntityRefClaim ? claims[options.userEntityRefClaim] : claims.sub;
  const match = typeof raw === 'string' ? userRefPattern.exec(raw) : null;
  if (!match) {
    throw new AuthenticationError(
      `Invalid bearer token: no user entity ref in claim "${options.userEntityRefClaim ?? 'sub'}"`,
    );
  }
  const userEntityRef = `user:${(match[1] ?? 'default').toLowerCase()}/${match[2]!.toLowerCase()}`;
  const owned = options.resolveOwnership
    ? await options.resolveOwnership(userEntityRef)
    : Array.isArray(claims.ent) && claims.ent.every((r) => typeof r === 'string')
      ? (claims.ent as string[])
      : [];
  if (!Array.isArray(owned) || owned.some((r) => typeof r !== 'string')) {
    throw new PrincipalMappingError('resolveOwnership resolved to something other than an array of entity refs');
  }
  const ownershipEntityRefs = [...new Set([userEntityRef, ...owned.map((r) => r.toLowerCase())])];
  return { type: 'user', subject: userEntityRef, userEntityRef, ownershipEntityRefs, claims: { ...claims } };
}

const reasons: Record<string, string> = {
  ERR_JWT_EXPIRED: 'expired',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'signature verification failed',
  ERR_JOSE_ALG_NOT_ALLOWED: 'signature algorithm not allowed',
  ERR_JWKS_NO_MATCHING_KEY: 'no matching key in the key set',
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: 'no single matching key in the key set',
  ERR_JWS_INVALID: 'malformed',
  ERR_JWT_INVALID: 'malformed',
  ERR_JOSE_NOT_SUPPORTED: 'unsupported algorithm or key',
};
const claimReasons: Record<string, string> = {
  iss: 'wrong issuer',
  aud: 'wrong audience',
  nbf: 'not yet valid',
  iat: 'invalid issued-at time',
  exp: 'missing or invalid expiry',
  typ: 'wrong token type (typ header)',
};
const keySetFailures = new Set(['ERR_JWKS_TIMEOUT', 'ERR_JWKS_INVALID', 'ERR_JOSE_GENERIC']);

// Messages come from fixed tables: neither the token nor claim values reach the caller.
function toIdentifyError(error: unknown): Error {
  if (error instanceof errors.JOSEError) {
    if (keySetFailures.has(error.code)) return new ServiceUnavailableError('JWT key set unavailable');
    if (error instanceof errors.JWTClaimValidationFailed) {
      return new AuthenticationError(`Invalid bearer token: ${claimReasons[error.claim] ?? 'invalid claims'}`);
    }
    return new AuthenticationError(`Invalid bearer token: ${reasons[error.code] ?? 'invalid'}`);
  }
  // Not jose's verdict on the token: the key set could not be fetched (network, DNS).
  return new ServiceUnavailableError('JWT key set unavailable');
}
