import { toHttpResponse } from '@portalkit/core';
import type { Handler } from '@portalkit/core';

/**
 * The portal page's policy: its own scripts, styles and API only; images from itself or `data:`
 * (the favicon, docs images), as Backstage's default; no plugins, no `<base>`, and no framing,
 * since the portal never frames itself (clickjacking of its buttons, such as "Create").
 *
 * @example
 * ```ts
 * new Response(html, { headers: { 'content-security-policy': PORTAL_CSP } });
 * ```
 */
export const PORTAL_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Headers every response of the example portal carries (the UI, the APIs and built docs).
 * `X-Frame-Options` covers browsers without `frame-ancestors`.
 *
 * @example
 * ```ts
 * const headers = new Headers(PORTAL_SECURITY_HEADERS);
 * ```
 */
export const PORTAL_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** Options of {@link withSecurityHeaders}. */
export interface SecurityHeadersOptions {
  /**
   * Origins the page may also fetch from, asked per response: the OpenID Connect issuer, whose
   * discovery and token endpoints the browser calls during sign-in.
   */
  connectSrc?: () => readonly string[];
}

/**
 * Wraps a handler so each response carries {@link PORTAL_SECURITY_HEADERS} and
 * {@link PORTAL_CSP} (with `connectSrc` origins added). A policy the handler set itself (TechDocs'
 * `sandbox` on built HTML) is kept and the portal's is added beside it: browsers enforce every
 * policy, so neither weakens the other.
 *
 * @example
 * ```ts
 * const ui = { id: 'ui', basePath: '/', handler: withSecurityHeaders(createStaticHandler({ root })) };
 * ```
 */
export function withSecurityHeaders(handler: Handler, options: SecurityHeadersOptions = {}): Handler {
  const policy = () => {
    const extra = (options.connectSrc?.() ?? []).filter((origin) => /^https?:\/\/[\w.:[\]-]+$/.test(origin));
    return extra.length ? PORTAL_CSP.replace("connect-src 'self'", `connect-src 'self' ${extra.join(' ')}`) : PORTAL_CSP;
  };
  const apply = (headers: Headers) => {
    for (const [name, value] of Object.entries(PORTAL_SECURITY_HEADERS)) headers.set(name, value);
    headers.append('content-security-policy', policy());
  };
  return async (request) => {
    let response: Response;
    try {
      response = await handler(request);
    } catch (error) {
      response = toHttpResponse(error, request);
    }
    let headers = response.headers;
    try {
      apply(headers);
    } catch {
      // Immutable headers (Response.redirect, a proxied fetch): copy the response once.
      headers = new Headers(response.headers);
      apply(headers);
      response = new Response(response.body, { status: response.status, statusText: response.statusText, headers });
    }
    return response;
  };
}
