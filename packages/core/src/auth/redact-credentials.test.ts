import { describe, expect, it } from 'vitest';
import { type AuditEvent, createPortalAuth, hostPrincipal, redactCredentials } from '../index.js';

describe('redactCredentials', () => {
  it('masks the userinfo of URLs, wherever they sit in the text', () => {
    expect(redactCredentials('https://user:pass@git.example.com/org/repo.yaml')).toBe('https://***@git.example.com/org/repo.yaml');
    expect(redactCredentials('url:https://ci:hunter2@git.example.com/a.yaml')).toBe('url:https://***@git.example.com/a.yaml');
    expect(redactCredentials('https://tokenonly@host')).toBe('https://***@host');
    // A stray "@" in the password: masked up to the authority's last "@".
    expect(redactCredentials('https://user:p@ss@host/x')).toBe('https://***@host/x');
    expect(redactCredentials('see git+ssh://git:s3cr3t@host:22/r and HTTP://A:B@h2')).toBe('see git+ssh://***@host:22/r and HTTP://***@h2');
    // "@" in a path or query is not userinfo.
    expect(redactCredentials('https://registry.example.com/@scope/pkg?by=a@b.c')).toBe('https://registry.example.com/@scope/pkg?by=a@b.c');
  });

  it('masks the values of query and fragment parameters whose names look like credentials', () => {
    expect(redactCredentials('https://h/p?ref=main&token=abc&Access_Token=def#frag')).toBe('https://h/p?ref=main&token=***&Access_Token=***#frag');
    const names = ['token', 'access_token', 'id_token', 'refresh_token', 'key', 'api_key', 'apiKey', 'x-api-key', 'secret', 'client_secret', 'password', 'PASSWORD', 'sig', 'signature', 'X-Amz-Signature', 'code', '%74oken'];
    for (const name of names) expect(redactCredentials(`https://h/p?a=1&${name}=VALUE1234`), name).toBe(`https://h/p?a=1&${name}=***`);
    expect(redactCredentials('https://app/cb#access_token=abc&state=xyz')).toBe('https://app/cb#access_token=***&state=xyz');
    expect(redactCredentials('https://h/p;sig=abc')).toBe('https://h/p;sig=***');
    // Ordinary parameters stay: the audit trail keeps its use.
    for (const kept of ['https://h/p?ref=main&path=a/b', 'https://h/p?monkey=1&keyboard=2&codec=3&sigma=4', 'https://h/p?token=']) {
      expect(redactCredentials(kept)).toBe(kept);
    }
  });

  it('survives hostile text: malformed URLs, NUL, huge strings, lone surrogates', () => {
    expect(redactCredentials('http://[::1:bad@host/?token=a\u0000b&x')).toBe('http://***@host/?token=***&x');
    expect(redactCredentials('https://us\u0000er:pa\u0000ss@host')).toBe('https://***@host');
    expect(redactCredentials('?token=\ud800abc')).toBe('?token=***');
    expect(redactCredentials('%%%?%zz=1&%E0%A4%A=2&token=%')).toBe('%%%?%zz=1&%E0%A4%A=2&token=***');
    expect(redactCredentials('')).toBe('');
    const long = `https://u:p@host/${'a'.repeat(1_000_000)}?${'x=1&'.repeat(100_000)}token=t${'?'.repeat(100_000)}${'https://'.repeat(50_000)}`;
    const started = performance.now();
    const out = redactCredentials(long);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(out.startsWith('https://***@host/')).toBe(true);
    expect(out.endsWith('&token=***')).toBe(true);
    expect(out).not.toContain('u:p@');
  });

  it('masks every string of nested objects and arrays, returning a copy, and cuts cycles and depth', () => {
    const meta: Record<string, unknown> = {
      location: { target: 'https://a:b@h/x?token=t', list: ['https://c:d@h', 1, null, true, { deeper: ['?secret=s'] }] },
      url: new URL('https://e:f@h/y?sig=z'),
      error: new Error('fetch https://g:h@h failed'),
      when: new Date(0),
      count: 3n,
      ['__proto__']: 'https://i:j@h',
    };
    meta.self = meta;
    const out = redactCredentials(meta) as Record<string, any>;
    expect(out.location).toEqual({ target: 'https://***@h/x?token=***', list: ['https://***@h', 1, null, true, { deeper: ['?secret=***'] }] });
    expect(out.url).toBe('https://***@h/y?sig=***');
    expect(out.error).toBe('Error: fetch https://***@h failed');
    expect(out.when).toEqual(new Date(0));
    expect(out.count).toBe(3n);
    expect(out.self).toBe('[…]');
    expect(Object.hasOwn(out, '__proto__')).toBe(true);
    expect(out.__proto__).toBe('https://***@h');
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    // The caller's object is untouched.
    expect((meta.location as { target: string }).target).toBe('https://a:b@h/x?token=t');
    let deep: unknown = 'https://k:l@h';
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(JSON.stringify(redactCredentials(deep))).not.toContain('k:l@');
    const throwing = { toJSON: () => { throw new Error('https://m:n@h'); } };
    expect(redactCredentials({ throwing })).toEqual({ throwing: '[…]' });
  });
});

describe('PortalAuth.audit redacts before any sink', () => {
  it('masks target, error and meta, and no sink ever sees the credentials', async () => {
    const seen: AuditEvent[] = [];
    const auth = createPortalAuth({ audit: [(e) => void seen.push(structuredClone(e)), (e) => void seen.push(e)] });
    const meta = { location: { type: 'url', target: 'https://ci:hunter2@git.example.com/x.yaml?token=tok-123' }, refs: ['?code=c0de'] };
    await auth.audit({
      plugin: 'catalog',
      action: 'catalog.location.create',
      target: 'url:https://ci:hunter2@git.example.com/x.yaml?ref=main&access_token=tok-123',
      outcome: 'failure',
      principal: hostPrincipal(),
      error: new Error('could not read https://ci:hunter2@git.example.com/x.yaml?token=tok-123'),
      meta,
    });
    expect(seen).toHaveLength(2);
    for (const event of seen) {
      expect(event.target).toBe('url:https://***@git.example.com/x.yaml?ref=main&access_token=***');
      expect(event.error).toBe('Error: could not read https://***@git.example.com/x.yaml?token=***');
      expect(event.meta).toEqual({ location: { type: 'url', target: 'https://***@git.example.com/x.yaml?token=***' }, refs: ['?code=***'] });
      for (const secret of ['hunter2', 'tok-123', 'c0de']) expect(JSON.stringify(event)).not.toContain(secret);
    }
    expect(meta.location.target).toContain('hunter2');
  });
});
