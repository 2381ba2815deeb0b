import { InputError } from '../errors.js';

/**
 * The one-spelling rule for request paths and query strings, shared by `createRouter`,
 * `mountHandlers` and `toNodeHandler`.
 *
 * A proxy in front of a handler guards by path prefix; a path with a second spelling (`%2e%2e`,
 * `%61` for `a`, `\`, `//`, `%2f`) could pass the guard and still reach a route behind it. So
 * every spelling a server might decode or collapse into another path is refused here, with an
 * `InputError` (400), never collapsed: dot segments in any spelling, encoded separators
 * (`%2f`, `%5c`), backslashes, empty segments, fragments, percent-encoded unreserved characters
 * (RFC 3986 §2.3: a URI that encodes them is equivalent to one that does not) and malformed
 * percent-encoding. Percent-encoded bytes must decode as UTF-8 and never to NUL, in the path and
 * in the query string: undecodable values and NULs are typed 400s, never a later 500.
 *
 * Clients that build paths with `encodeURIComponent` (Backstage's do) never produce a refused
 * spelling: it leaves unreserved characters alone and encodes everything else, so
 * `by-name/component/default/a%20b` still works. A single trailing slash is allowed here; the
 * router matches it only under a `*` route (see `createRouter`).
 */
export function assertCanonicalTarget(pathname: string, search = ''): void {
  // Node's parser already refuses spaces, controls and raw non-ASCII; a Request URL has them
  // percent-encoded. Anything else printable but unusual is refused rather than interpreted.
  if (/[^\x21-\x7e]/.test(pathname) || /[^\x21-\x7e]/.test(search)) {
    throw new InputError('request target must be printable ASCII (percent-encode other characters)');
  }
  if (pathname.includes('#') || search.includes('#')) throw new InputError('request target must not contain a fragment ("#")');
  if (!pathname.startsWith('/')) throw new InputError('request path must start with "/"');
  if (pathname.includes('\\')) throw new InputError('request path must not contain a backslash');

  const segments = pathname.split('/').slice(1);
  segments.forEach((segment, i) => {
    if (segment === '') {
      if (i === segments.length - 1) return; // a trailing slash (or the root "/")
      throw new InputError(`request path ${JSON.stringify(pathname)} has an empty segment ("//")`);
    }
    const decoded = decodeStrict(segment, 'request path');
    if (decoded === '.' || decoded === '..') throw new InputError(`request path must not contain a dot segment ("${segment}")`);
    for (const [escape, hex] of segment.matchAll(/%([0-9a-fA-F]{2})/g)) {
      const byte = Number.parseInt(hex!, 16);
      if (byte === 0x2f || byte === 0x5c) {
        throw new InputError(`request path must not contain an encoded separator ("${escape}")`);
      }
      if (UNRESERVED.test(String.fromCharCode(byte))) {
        throw new InputError(
          `request path must not percent-encode the unreserved character "${String.fromCharCode(byte)}" ("${escape}")`,
        );
      }
    }
  });
  if (search.length > 1) decodeStrict(search.slice(1).replace(/\+/g, ' '), 'query string');
}

/** RFC 3986 unreserved characters: encoding one only makes a second spelling of the same URI. */
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/**
 * Percent-decode as UTF-8, refusing what `decodeURIComponent` and `URLSearchParams` would reject
 * or silently replace with U+FFFD: a `%` without two hex digits, invalid or overlong UTF-8, and
 * NUL, which PostgreSQL refuses in text and which no path or parameter needs.
 */
function decodeStrict(raw: string, where: string): string {
  if (/%(?![0-9a-fA-F]{2})/.test(raw)) throw new InputError(`${where} has malformed percent-encoding`);
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    throw new InputError(`${where} is not valid UTF-8 once percent-decoded`);
  }
  if (decoded.includes('\0')) throw new InputError(`${where} must not contain a NUL character`);
  return decoded;
}
