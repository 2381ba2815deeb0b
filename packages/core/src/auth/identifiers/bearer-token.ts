import { AuthenticationError } from '../../errors.js';

// RFC 6750 b64token; a generous bound, since a JWT carrying group claims can be large.
const b64token = /^[A-Za-z0-9\-._~+/]+=*$/;
const maxTokenLength = 16 * 1024;
const jwtShape = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * The bearer token of a request: `undefined` when it carries no `Authorization` header or one
 * with another scheme (a proxy's Basic credentials are not ours to judge), an
 * `AuthenticationError` for a malformed `Bearer` value. The token is never put in the message.
 */
export function readBearerToken(request: Request): string | undefined {
  const header = request.headers.get('authorization');
  if (header === null) return undefined;
  const match = /^\s*(\S+)(?:\s+(.*))?$/s.exec(header);
  if (!match || match[1]!.toLowerCase() !== 'bearer') return undefined;
  const token = (match[2] ?? '').trim();
  if (token === '') throw new AuthenticationError('Malformed Authorization header: no bearer token');
  if (token.length > maxTokenLength) throw new AuthenticationError('Malformed Authorization header: bearer token too long');
  if (!b64token.test(token)) throw new AuthenticationError('Malformed Authorization header: invalid bearer token characters');
  return token;
}

/**
 * Whether a token has a JWS compact serialization's shape (header.payload.signature, the
 * signature possibly empty as in an `alg: none` token): such a token is only ever judged by a
 * JWT identifier, and a static token may not have this shape.
 */
export function isJwtShaped(token: string): boolean {
  return jwtShape.test(token);
}
