import { describe, expect, it } from 'vitest';
import { createIntegrations } from '../integrations.js';
import { createGitIntegration, isGitIntegration } from './index.js';

const git = createGitIntegration({ host: 'git.example.com', baseUrl: 'https://git.example.com/scm' });
const R = 'https://git.example.com/scm/team/sub/app.git';

describe('git URL grammar: parseUrl', () => {
  it.each([
    [R, { owner: 'team/sub', repo: 'app', ref: undefined, path: '', kind: 'repo' }],
    [`${R}/`, { owner: 'team/sub', repo: 'app', ref: undefined, path: '', kind: 'repo' }],
    [`${R}/blob/main/catalog-info.yaml`, { owner: 'team/sub', repo: 'app', ref: 'main', path: 'catalog-info.yaml', kind: 'blob' }],
    [`${R}/raw/v1.2/docs/a b.md`, { ref: 'v1.2', path: 'docs/a b.md', kind: 'raw' }],
    [`${R}/tree/main/docs/`, { ref: 'main', path: 'docs', kind: 'tree' }],
    [`${R}/tree/main`, { ref: 'main', path: '', kind: 'tree' }],
    [`${R}/blob/main/a.yaml#L12`, { ref: 'main', path: 'a.yaml', kind: 'blob' }],
    ['https://git.example.com/scm/app.git/blob/main/x', { owner: '', repo: 'app', path: 'x' }],
    // The synchronous parse takes one ref segment; the reader resolves feature/x against ls-remote.
    [`${R}/blob/feature/x/docs/a.md`, { ref: 'feature', path: 'x/docs/a.md' }],
    ['https://GIT.example.com/scm/team/app.git/blob/main/x', { owner: 'team', repo: 'app' }],
    [`${R}/blob/main/%C3%A9t%C3%A9.md`, { path: 'été.md' }],
  ])('%s', (url, expected) => {
    expect(git.parseUrl(url)).toMatchObject({ type: 'git', host: 'git.example.com', ...expected });
  });

  it.each([
    ['another host', 'https://evil.example.com/scm/team/app.git/blob/main/x'],
    ['another scheme', 'http://git.example.com/scm/team/app.git/blob/main/x'],
    ['another port', 'https://git.example.com:8443/scm/team/app.git/blob/main/x'],
    ['outside the base path', 'https://git.example.com/other/team/app.git/blob/main/x'],
    ['a base path prefix that is not a directory', 'https://git.example.com/scmx/team/app.git'],
    ['credentials in the URL', 'https://user:pw@git.example.com/scm/team/app.git/blob/main/x'],
    ['a query', `${R}/blob/main/x?ref=other`],
    ['an encoded slash', `${R}/blob/main/..%2f..%2fetc/passwd`],
    ['an encoded slash in the owner', 'https://git.example.com/scm/team%2Fsub/app.git'],
    ['an encoded backslash', `${R}/blob/main/a%5cb`],
    ['a double-encoded dot segment', `${R}/blob/main/%252e%252e/x`],
    ['a NUL byte', `${R}/blob/main/a%00b`],
    ['a broken escape', `${R}/blob/main/%E0%A4%A`],
    ['no repository', 'https://git.example.com/scm/team/app/blob/main/x'],
    ['an unknown kind', `${R}/edit/main/x`],
    ['no ref', `${R}/blob`],
    ['empty segments', 'https://git.example.com/scm//app.git'],
    ['not a URL', 'team/app.git'],
  ])('refuses %s', (_why, url) => {
    expect(git.parseUrl(url)).toBeUndefined();
    expect(git.reader.canRead(url)).toBe(false);
  });

  it('normalises dot segments before matching, so they cannot leave the base path unnoticed', () => {
    // WHATWG URL parsing removes `..` and `%2e%2e` segments; what is left must still be below the base.
    expect(git.parseUrl('https://git.example.com/scm/team/app.git/blob/main/../../../../etc/passwd')).toBeUndefined();
    expect(git.parseUrl(`${R}/blob/main/docs/%2e%2e/a.md`)).toMatchObject({ ref: 'main', path: 'a.md' });
  });
});

describe('git URL grammar: resolveUrl and resolveEditUrl', () => {
  const blob = `${R}/blob/main/docs/catalog-info.yaml`;
  it.each([
    ['./other.yaml', blob, `${R}/blob/main/docs/other.yaml`],
    ['other.yaml', blob, `${R}/blob/main/docs/other.yaml`],
    ['../README.md', blob, `${R}/blob/main/README.md`],
    ['/README.md', blob, `${R}/blob/main/README.md`],
    ['sub dir/a.md', blob, `${R}/blob/main/docs/sub%20dir/a.md`],
    ['.', blob, `${R}/blob/main/docs`],
    ['guide', `${R}/tree/main/docs`, `${R}/tree/main/docs/guide`],
    ['catalog-info.yaml', R, `${R}/blob/HEAD/catalog-info.yaml`],
    ['a.md', `${R}/raw/v1/a/b.md`, `${R}/raw/v1/a/a.md`],
    ['https://other.example.com/x.yaml', blob, 'https://other.example.com/x.yaml'],
  ])('%s against %s', (url, base, expected) => {
    expect(git.resolveUrl({ url, base })).toBe(expected);
  });

  it('adds a line anchor to blob URLs', () => {
    expect(git.resolveUrl({ url: './a.yaml', base: blob, lineNumber: 7 })).toBe(`${R}/blob/main/docs/a.yaml#L7`);
  });

  it.each([
    ['../../x', blob],
    ['/../x', blob],
    ['..', R],
    ['%2e%2e/%2e%2e/x', blob],
    ['a%2fb', blob],
    ['a\\..\\..\\b', blob],
    ['a?x=1', blob],
  ])('refuses %s against %s', (url, base) => {
    expect(() => git.resolveUrl({ url, base })).toThrow(expect.objectContaining({ name: 'InputError' }));
  });

  it('refuses a base that is not one of its URLs', () => {
    expect(() => git.resolveUrl({ url: 'a', base: 'https://evil.example.com/x.git/blob/main/a' })).toThrow(expect.objectContaining({ name: 'InputError' }));
  });

  it('edit URLs are blob URLs: plain git has no web editor', () => {
    expect(git.resolveEditUrl(`${R}/raw/main/a.yaml`)).toBe(`${R}/blob/main/a.yaml`);
    expect(git.resolveEditUrl(`${R}/tree/main/docs`)).toBe(`${R}/blob/main/docs`);
    expect(git.resolveEditUrl(R)).toBe(R);
  });

  it('builds clone URLs with every segment encoded', () => {
    expect(git.cloneUrl({ owner: 'team/sub', repo: 'app' })).toBe(R);
    expect(git.cloneUrl({ owner: '', repo: 'my app' })).toBe('https://git.example.com/scm/my%20app.git');
  });
});

describe('createGitIntegration: configuration', () => {
  it('is found through createIntegrations, typed as a git integration', () => {
    const integrations = createIntegrations({ config: { git: [{ host: 'git.example.com', token: 't0ken-secret' }] } });
    const integration = integrations.byUrl('https://git.example.com/a/b.git/blob/main/x')!;
    expect(isGitIntegration(integration)).toBe(true);
    if (!isGitIntegration(integration)) return;
    expect(integration.authHeaders()).toEqual({ Authorization: `Basic ${Buffer.from('x-access-token:t0ken-secret').toString('base64')}` });
    expect(integration.baseUrl).toBe('https://git.example.com');
  });

  it.each([
    [{ host: 'git.example.com', baseUrl: 'https://other.example.com' }, /not on host/],
    [{ host: 'git.example.com', token: 'a', password: 'b', username: 'u' }, /both token and password/],
    [{ host: 'git.example.com', username: 'u' }, /no password or token/],
    [{ host: 'git.example.com', password: 'hunter2-secret' }, /no username/],
    [{ host: 'git.example.com', baseUrl: 'https://u:p@git.example.com' }, /credentials/],
  ])('rejects %j naming the factory and never the secret', (config, message) => {
    let error: Error | undefined;
    try {
      createGitIntegration(config);
    } catch (e) {
      error = e as Error;
    }
    expect(error).toMatchObject({ name: 'InputError', message: expect.stringMatching(message) });
    expect(error!.message).toContain('createGitIntegration');
    expect(error!.message).not.toMatch(/hunter2|secret/);
  });
});
