import { AuthenticationError, InputError } from '../../errors.js';
import { type Identify, type Principal, anonymousPrincipal } from '../principal.js';
import { isJwtShaped, readBearerToken } from './bearer-token.js';
import type { TokenIdentifier } from './types.js';

/**
 * One identifier from several. The bearer token's shape decides who may judge it: a token with
 * a JWT's shape (three dot-separated base64url parts) goes only to the `jwt` identifiers, any
 * other token only to the `opaque` ones (static service tokens). Within that group each is
 * tried in order; the first to accept the token gives the principal, and when none does the
 * request is refused with an `AuthenticationError` (401). So a static service token never
 * becomes a user principal (it never reaches a JWT identifier, and static tokens may not look
 * like JWTs), and a JWT never matches as a service token. No `Authorization` header (or another
 * scheme than Bearer): the anonymous principal. An error other than `AuthenticationError` (a key
 * set that cannot be fetched) is thrown as it is, not masked by the next identifier.
 *
 * @example
 * ```ts
 * const identify = composeIdentifiers(
 *   createJwtIdentifier({ jwksUrl, issuer, audience }),
 *   createStaticTokenIdentifier({ tokens: [{ token: process.env.CI_TOKEN!, subject: 'ci', scopes: ['catalog.*'] }] }),
 * );
 * const auth = createPortalAuth({ identify, policy });
 * ```
 */
export function composeIdentifiers(...identifiers: TokenIdentifier[]): Identify {
  if (identifiers.length === 0) throw new InputError('composeIdentifiers: give at least one identifier');
  identifiers.forEach((identifier, i) => {
    if (typeof identifier?.verify !== 'function' || (identifier.accepts !== 'jwt' && identifier.accepts !== 'opaque')) {
      throw new InputError(`composeIdentifiers: argument ${i} is not a token identifier (createJwtIdentifier, createStaticTokenIdentifier)`);
    }
  });

  const verify = async (token: string): Promise<Principal> => {
    const kind = isJwtShaped(token) ? 'jwt' : 'opaque';
    const candidates = identifiers.filter((identifier) => identifier.accepts === kind);
    if (candidates.length === 0) {
      throw new AuthenticationError(
        kind === 'jwt' ? 'Invalid bearer token: JWTs are not accepted here' : 'Invalid bearer token: only JWTs are accepted here',
      );
    }
    let refusal: AuthenticationError | undefined;
    for (const identifier of candidates) {
      try {
        return await identifier.verify(token);
      } catch (error) {
        if (!(error instanceof AuthenticationError)) throw error;
        refusal ??= error;
      }
    }
    // The first refusal is the most telling (e.g. "expired" from the only JWT identifier).
    throw refusal ?? new AuthenticationError('Invalid bearer token');
  };

  return async (request: Request): Promise<Principal> => {
    const token = readBearerToken(request);
    return token === undefined ? anonymousPrincipal() : verify(token);
  };
}
