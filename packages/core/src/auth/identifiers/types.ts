import type { Principal } from '../principal.js';

/**
 * An `Identify` for bearer tokens that also says which tokens it takes, so
 * `composeIdentifiers` can route a token to the one kind of identifier that may accept it:
 * `jwt` (three dot-separated base64url parts) or `opaque` (anything else, e.g. static service
 * tokens). Called as a function it reads `Authorization: Bearer <token>` itself.
 *
 * @example
 * ```ts
 * const identifier: TokenIdentifier = createStaticTokenIdentifier({ tokens: [{ token, subject: 'ci' }] });
 * identifier.accepts; // 'opaque'
 * const principal = await identifier.verify(token);
 * ```
 */
export interface TokenIdentifier {
  /** Identify a request (an `Identify`): anonymous without a Bearer token. */
  (request: Request): Promise<Principal>;
  /** The shape of token this identifier verifies. */
  readonly accepts: 'jwt' | 'opaque';
  /** Verify one bearer token; an unknown or invalid one is an `AuthenticationError`. */
  verify(token: string): Promise<Principal>;
}
