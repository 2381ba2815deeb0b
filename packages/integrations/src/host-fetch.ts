import { findInternalAddress, NotAllowedError, ServiceUnavailableError } from '@portalkit/core';

/**
 * Options of {@link createHostFetch}.
 * @example
 * ```ts
 * const options: HostFetchOptions = { origins: ['https://api.github.com', 'https://codeload.github.com'] };
 * ```
 */
export interface HostFetchOptions {
  /** Origins (`https://host[:port]`) requests and redirects may reach; anything else is refused. */
  origins: string[];
  /** Let these origins resolve to internal addresses (an internal server, a local test server). */
  allowPrivateNetwork?: boolean;
  /** Redirects followed before giving up; default 5. */
  maxRedirects?: number;
  /** The underlying fetch; default `globalThis.fetch`. */
  fetch?: typeof fetch;
}

/**
 * A `fetch` for one host's clients (Octokit, Gitbeaker, git's HTTP helpers): it reaches only
 * the configured origins, refuses a host name that DNS points inside unless allowed, follows
 * redirects by hand so every hop is checked, and drops credentials when a redirect changes
 * origin (GitHub's archive downloads redirect to codeload with a token in the URL instead).
 * A refused request is a `NotAllowedError` naming the URL; a network failure a
 * `ServiceUnavailableError`.
 *
 * @example
 * ```ts
 * const hostFetch = createHostFetch({ origins: ['https://api.github.com'] });
 * const response = await hostFetch('https://api.github.com/repos/acme/web');
 * ```
 */
export function createHostFetch(options: HostFetchOptions): typeof fetch {
  const origins = new Set(options.origins.map((origin) => new URL(origin).origin));
  const maxRedirects = options.maxRedirects ?? 5;
  const doFetch = options.fetch ?? globalThis.fetch;

  const check = async (url: URL) => {
    if (!origins.has(url.origin)) throw new NotAllowedError(`${url.origin} is not a configured origin of this integration`);
    if (url.username || url.password) throw new NotAllowedError(`refusing a URL with credentials in it (${url.origin})`);
    if (options.allowPrivateNetwork) return;
    const internal = await findInternalAddress(url.hostname);
    if (internal) {
      throw new NotAllowedError(`${url.host} resolves to the internal address ${internal}; set allowPrivateNetwork on its integration to reach it`);
    }
  };

  const hostFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    let url = new URL(request.url);
    const headers = new Headers(request.headers);
    const body = request.body ? await request.arrayBuffer() : undefined;
    let method = request.method;
    for (let hop = 0; ; hop++) {
      await check(url);
      let response: Response;
      try {
        response = await doFetch(url, { method, headers, body: method === 'GET' || method === 'HEAD' ? undefined : body, redirect: 'manual', signal: request.signal });
      } catch (error) {
        if (request.signal.aborted) throw error;
        throw new ServiceUnavailableError(`could not reach ${url.origin}`, { cause: error });
      }
      const location = response.headers.get('location');
      if (![301, 302, 303, 307, 308].includes(response.status) || !location) return response;
      await response.body?.cancel();
      if (hop >= maxRedirects) throw new ServiceUnavailableError(`${request.url}: more than ${maxRedirects} redirects`);
      const next = new URL(location, url);
      if (next.origin !== url.origin) {
        // Credentials are for the origin they were configured for, never the redirect target.
        headers.delete('authorization');
        headers.delete('private-token');
        headers.delete('cookie');
      }
      if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) method = 'GET';
      url = next;
    }
  };
  return hostFetch as typeof fetch;
}
