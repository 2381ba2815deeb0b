import { describe, expect, it } from 'vitest';
import { NotFoundError } from '@portalkit/core';
import { PORTAL_CSP, withSecurityHeaders } from './security-headers.js';

describe('withSecurityHeaders', () => {
  const expectHeaders = (res: Response) => {
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  };

  it('adds the headers to ordinary, immutable and error responses', async () => {
    const request = new Request('http://localhost/x');
    expectHeaders(await withSecurityHeaders(async () => new Response('ok'))(request));
    const redirect = await withSecurityHeaders(async () => Response.redirect('http://localhost/y', 302))(request);
    expectHeaders(redirect);
    expect(redirect.headers.get('location')).toBe('http://localhost/y');
    const error = await withSecurityHeaders(async () => {
      throw new NotFoundError('gone');
    })(request);
    expect(error.status).toBe(404);
    expectHeaders(error);
  });

  it("keeps a handler's own policy beside the portal's (TechDocs' sandbox)", async () => {
    const res = await withSecurityHeaders(async () => new Response('<p>', { headers: { 'content-security-policy': 'sandbox' } }))(
      new Request('http://localhost/doc.html'),
    );
    expect(res.headers.get('content-security-policy')).toBe(`sandbox, ${PORTAL_CSP}`);
  });

  it('lets the page also connect to the sign-in issuer, and to nothing that is not an origin', async () => {
    const origins = ['http://127.0.0.1:7008', "https://evil.example; script-src 'unsafe-inline'"];
    const res = await withSecurityHeaders(async () => new Response('ok'), { connectSrc: () => origins })(new Request('http://localhost/'));
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("connect-src 'self' http://127.0.0.1:7008;");
    expect(csp).not.toContain('evil');
    expect(csp).toContain("script-src 'self';");
  });
});
