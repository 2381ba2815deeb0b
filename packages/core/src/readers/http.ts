import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import {
  AuthenticationError,
  CustomErrorBase,
  InputError,
  NotAllowedError,
  NotFoundError,
  NotImplementedError,
  NotModifiedError,
  PayloadTooLargeError,
  ServiceUnavailableError,
} from '../errors.js';
import { readLimitedBody } from '../limited-body.js';
import { findInternalAddress } from './network.js';
import type { ReadOptions, ReadResponse, UrlReader } from './types.js';

/**
 * One allowed host, optionally limited to some path prefixes.
 * @example
 * ```ts
 * const rule: HttpAllowRule = { host: 'raw.githubusercontent.com', paths: ['/my-org/'] };
 * ```
 */
export interface HttpAllowRule {
  /**
   * `example.com` (exact), `*.example.com` (any subdomain, not the apex itself) or
   * `127.0.0.1:8080` (host and port).
   */
  host: string;
  /**
   * Path prefixes below which reading is allowed, e.g. `['/org/repo/']`; default: any path.
   * Paths are compared percent-decoded; a URL whose path holds an encoded separator (`%2f`,
   * `%5c`, also double-encoded) or a dot segment in any spelling never matches a path rule.
   */
  paths?: string[];
  /**
   * Allow this host name to resolve to a loopback, link-local (cloud metadata), private or
   * otherwise internal address, e.g. a company Git server on `10.x`. Default `false`, so an
   * allowed name pointed at `127.0.0.1` or `169.254.169.254` by DNS is refused. A rule whose
   * host is an IP literal allows exactly that address.
   */
  allowPrivateNetwork?: boolean;
}

/**
 * Options of {@link createHttpReader}.
 * @example
 * ```ts
 * createHttpReader({ allow: [{ host: '*.example.com' }], timeoutMs: 5_000, maxBytes: 1_000_000 });
 * ```
 */
export interface HttpReaderOptions {
  /** Hosts that may be read. Redirects are followed only to hosts on this list. */
  allow: HttpAllowRule[];
  /** Limit for the whole read, redirects and body included; default 30 seconds. */
  timeoutMs?: number;
  /** Largest body accepted; default 10 MiB. */
  maxBytes?: number;
  /** Redirects followed before giving up; default 5. */
  maxRedirects?: number;
  /** The fetch implementation; default `globalThis.fetch`. */
  fetch?: typeof fetch;
}

/**
 * A {@link UrlReader} for `http:`/`https:` URLs on an allow-list of hosts. Redirects are
 * followed by hand so every hop is checked against the allow-list, and an allowed host name
 * resolving to an internal address (loopback, private, link-local) is refused unless its rule
 * sets `allowPrivateNetwork`; the body is streamed and
 * reading stops at `maxBytes` (`PayloadTooLargeError`). A timeout is a `ServiceUnavailableError`,
 * a 404 a `NotFoundError`. `readTree` is not supported over HTTP (`NotImplementedError`).
 *
 * @example
 * ```ts
 * const reader = createHttpReader({
 *   allow: [{ host: 'raw.githubusercontent.com', paths: ['/my-org/'] }, { host: '*.example.com' }],
 *   timeoutMs: 10_000,
 *   maxBytes: 5 * 1024 * 1024,
 * });
 * const { buffer } = await reader.read('https://raw.githubusercontent.com/my-org/repo/main/catalog-info.yaml');
 * ```
 */
export function createHttpReader(options: HttpReaderOptions): UrlReader {
  if (!Array.isArray(options?.allow)) throw new InputError('createHttpReader: `allow` must be a list of hosts');
  for (const rule of options.allow) {
    if (!rule?.host || typeof rule.host !== 'string') throw new InputError('createHttpReader: every allow rule needs a `host`');
    for (const prefix of rule.paths ?? []) {
      if (typeof prefix !== 'string' || !prefix.startsWith('/') || comparablePath(prefix) !== prefix) {
        throw new InputError(
          `createHttpReader: path ${JSON.stringify(prefix)} of ${rule.host} must start with "/" and have no dot segments, "//", "\\" or "%"`,
        );
      }
    }
  }
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
  const maxRedirects = options.maxRedirects ?? 5;
  const doFetch = options.fetch ?? globalThis.fetch;

  const matching = (url: URL) =>
    url.protocol === 'http:' || url.protocol === 'https:'
      ? url.username === '' && url.password === ''
        ? options.allow.filter((rule) => hostMatches(rule.host, url) && pathMatches(rule.paths, url.pathname))
        : []
      : [];
  const allowed = (url: URL) => matching(url).length > 0;

  /** Refuse a host name that DNS points at an internal address, unless its rule opts in. */
  const assertReachable = async (url: URL) => {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    // An IP literal can only be allowed by a rule naming it: that is explicit enough.
    if (isIP(host) || matching(url).some((rule) => rule.allowPrivateNetwork)) return;
    const internal = await findInternalAddress(host);
    if (internal) {
      throw new NotAllowedError(
        `${url.host} resolves to the internal address ${internal}; set allowPrivateNetwork on its allow rule to read it`,
      );
    }
  };

  return {
    canRead(url) {
      const parsed = parseUrl(url);
      return parsed !== undefined && allowed(parsed);
    },

    async read(url, readOptions?: ReadOptions): Promise<ReadResponse> {
      let current = parseUrl(url);
      if (!current || !allowed(current)) throw new NotAllowedError(`reading ${url} is not allowed`);
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = readOptions?.signal ? AbortSignal.any([readOptions.signal, timeout]) : timeout;
      try {
        for (let hop = 0; ; hop++) {
          await assertReachable(current);
          const headers = new Headers();
          if (readOptions?.etag) headers.set('if-none-match', readOptions.etag);
          const response = await doFetch(current.href, { redirect: 'manual', signal, headers });
          if (isRedirect(response.status)) {
            await response.body?.cancel();
            const location = response.headers.get('location');
            if (!location) throw new ServiceUnavailableError(`${current.href} redirected without a location`);
            if (hop >= maxRedirects) throw new ServiceUnavailableError(`${url}: more than ${maxRedirects} redirects`);
            const next = parseUrl(location, current);
            if (!next || !allowed(next)) {
              throw new NotAllowedError(`${url} redirected to ${next?.href ?? location}, which is not allowed`);
            }
            current = next;
            continue;
          }
          if (!response.ok) {
            await response.body?.cancel();
            throw statusError(response.status, current.href);
          }
          const buffer = await readLimitedBody(response, { maxBytes, what: current.href });
          const etag = response.headers.get('etag') ?? createHash('sha256').update(buffer).digest('hex');
          if (readOptions?.etag === etag) throw new NotModifiedError(`${url} has not changed`);
          return { buffer, etag };
        }
      } catch (error) {
        if (readOptions?.signal?.aborted) throw readOptions.signal.reason ?? error;
        if (timeout.aborted) throw new ServiceUnavailableError(`reading ${url} timed out after ${timeoutMs} ms`);
        if (error instanceof CustomErrorBase) throw error;
        throw new ServiceUnavailableError(`could not read ${url}`, { cause: error });
      }
    },

    async readTree(url) {
      throw new NotImplementedError(`reading a tree over HTTP is not supported (${url})`);
    },
  };
}

function parseUrl(url: string, base?: URL): URL | undefined {
  try {
    return new URL(url, base);
  } catch {
    return undefined;
  }
}

function hostMatches(pattern: string, url: URL): boolean {
  const p = pattern.toLowerCase();
  // A pattern with a port must match host:port; without, any port of that host.
  const withPort = p.startsWith('[') ? /\]:\d+$/.test(p) : p.includes(':');
  const actual = withPort ? url.host : url.hostname;
  if (p.startsWith('*.')) return actual.endsWith(p.slice(1)) && actual.length > p.length - 1;
  return actual === p;
}

/**
 * Whether `pathname` lies below one of `prefixes`, compared on decoded, normalised paths.
 *
 * The URL parser has already resolved plain `..`, `%2e%2e` and `\`, but a server may decode
 * more than that: `%2f` (and `%5c`) into separators, `%252f` twice over. So the path is decoded
 * as a server might (up to three times) and refused outright when any decoding produces a
 * separator, a backslash, a dot segment or NUL, since which path the server then serves is
 * its choice, not the rule's. A host rule without `paths` checks no path.
 */
function pathMatches(prefixes: string[] | undefined, pathname: string): boolean {
  if (!prefixes || prefixes.length === 0) return true;
  const path = comparablePath(pathname);
  if (path === undefined) return false;
  return prefixes.some((prefix) => {
    // `/org` allows `/org` and `/org/...`, never `/organisation`.
    const dir = prefix.endsWith('/') ? prefix : `${prefix}/`;
    return path === prefix || path.startsWith(dir);
  });
}

/** The fully decoded path, or undefined when decoding could change which path a server serves. */
function comparablePath(pathname: string): string | undefined {
  let current = pathname;
  for (let round = 0; ; round++) {
    if (current.includes('\\') || current.includes('\0')) return undefined;
    const segments = current.split('/');
    if (segments.some((segment, i) => segment === '.' || segment === '..' || (segment === '' && i > 0 && i < segments.length - 1))) {
      return undefined;
    }
    if (!current.includes('%')) return current;
    // An encoded separator decodes into a path the prefix check never saw.
    if (/%(2f|5c)/i.test(current) || round === 3) return undefined;
    try {
      current = decodeURIComponent(current);
    } catch {
      return undefined;
    }
  }
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

function statusError(status: number, url: string): Error {
  const message = `${url} answered HTTP ${status}`;
  if (status === 304) return new NotModifiedError(message);
  if (status === 404 || status === 410) return new NotFoundError(message);
  if (status === 401) return new AuthenticationError(message);
  if (status === 403) return new NotAllowedError(message);
  if (status === 413) return new PayloadTooLargeError(message);
  if (status >= 500 || status === 429 || status === 408) return new ServiceUnavailableError(message);
  return new InputError(message);
}

