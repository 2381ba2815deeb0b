import { describe, expect, it } from 'vitest';
import { createGithubIntegration, isGithubIntegration } from './index.js';
import { resolveGithubEditUrl, resolveGithubUrl } from './resolve-url.js';
import { githubEndpoints, parseGithubUrl } from './url.js';

const dotCom = githubEndpoints({ host: 'github.com' });
const ghe = githubEndpoints({ host: 'ghe.example.com' });

describe('GitHub URL grammar', () => {
  it('derives API, raw and archive endpoints as Backstage does, with config overrides', () => {
    expect(dotCom).toMatchObject({ apiBaseUrl: 'https://api.github.com', rawBaseUrl: 'https://raw.githubusercontent.com', archiveOrigins: ['https://codeload.github.com'] });
    expect(ghe).toMatchObject({ apiBaseUrl: 'https://ghe.example.com/api/v3', rawBaseUrl: 'https://ghe.example.com/raw', archiveOrigins: ['https://codeload.ghe.example.com'] });
    expect(githubEndpoints({ host: 'ghe.example.com', apiBaseUrl: 'https://api.ghe.example.com/', rawBaseUrl: 'https://raw.ghe.example.com' })).toMatchObject({
      apiBaseUrl: 'https://api.ghe.example.com',
      rawBaseUrl: 'https://raw.ghe.example.com',
    });
  });

  it.each([
    ['https://github.com/acme/web', { owner: 'acme', repo: 'web', ref: undefined, path: '', kind: 'repo' }],
    ['https://github.com/acme/web.git', { owner: 'acme', repo: 'web', ref: undefined, path: '', kind: 'repo' }],
    ['https://github.com/acme/web/blob/main/catalog-info.yaml', { owner: 'acme', repo: 'web', ref: 'main', path: 'catalog-info.yaml', kind: 'blob' }],
    ['https://github.com/acme/web/tree/v1.2/docs/', { owner: 'acme', repo: 'web', ref: 'v1.2', path: 'docs', kind: 'tree' }],
    ['https://github.com/acme/web/edit/main/docs/a%20b.md', { owner: 'acme', repo: 'web', ref: 'main', path: 'docs/a b.md', kind: 'edit' }],
    ['https://github.com/acme/web/raw/main/a.md', { owner: 'acme', repo: 'web', ref: 'main', path: 'a.md', kind: 'raw' }],
    ['https://raw.githubusercontent.com/acme/web/main/docs/a.md', { owner: 'acme', repo: 'web', ref: 'main', path: 'docs/a.md', kind: 'raw' }],
    ['https://github.com/acme/web/blob/main/**/catalog-info.yaml', { owner: 'acme', repo: 'web', ref: 'main', path: '**/catalog-info.yaml', kind: 'blob' }],
  ])('parses %s', (url, expected) => {
    expect(parseGithubUrl(url, dotCom)).toEqual({ type: 'github', host: 'github.com', ...expected });
  });

  it('parses the URL as HTTP clients normalize it: dot segments, even encoded, are resolved first', () => {
    expect(parseGithubUrl('https://github.com/acme/web/blob/main/docs/%2e%2e/%2e%2e/secrets', dotCom)).toMatchObject({ ref: 'secrets', path: '', kind: 'blob' });
    expect(parseGithubUrl('https://github.com/acme/web/blob/main/%252e%252e/x', dotCom)).toMatchObject({ ref: 'main', path: '%2e%2e/x' });
  });

  it('parses Enterprise web and raw URLs', () => {
    expect(parseGithubUrl('https://ghe.example.com/team/app/blob/main/a.yaml', ghe)).toMatchObject({ owner: 'team', repo: 'app', ref: 'main', path: 'a.yaml', kind: 'blob' });
    expect(parseGithubUrl('https://ghe.example.com/raw/team/app/main/a.yaml', ghe)).toMatchObject({ owner: 'team', repo: 'app', ref: 'main', path: 'a.yaml', kind: 'raw' });
  });

  it.each([
    ['another host', 'https://gitlab.com/acme/web/blob/main/a.md'],
    ['raw of another host', 'https://raw.githubusercontent.com/acme/web/main/a.md', ghe],
    ['no repository', 'https://github.com/acme'],
    ['an unknown page', 'https://github.com/acme/web/issues/1'],
    ['no ref', 'https://github.com/acme/web/blob'],
    ['an encoded backslash', 'https://github.com/acme/web/blob/main/a%5C..%5Cb'],
    ['an encoded slash', 'https://github.com/acme/web/blob/main/a%2F..%2Fb'],
    ['credentials', 'https://user:pass@github.com/acme/web/blob/main/a.md'],
    ['another scheme', 'ftp://github.com/acme/web/blob/main/a.md'],
    ['not a URL', 'github.com/acme/web'],
  ])('refuses %s with an InputError', (_what, url, endpoints = dotCom) => {
    expect(() => parseGithubUrl(url, endpoints)).toThrow(expect.objectContaining({ name: 'InputError' }));
  });

  it('resolves relative, root-relative and absolute URLs as Backstage does, never above the repository', () => {
    const base = 'https://github.com/acme/web/blob/main/docs/index.md';
    const resolve = (url: string, lineNumber?: number, from = base) => resolveGithubUrl({ url, base: from, lineNumber }, dotCom);
    expect(resolve('./guide/a.md')).toBe('https://github.com/acme/web/tree/main/docs/guide/a.md');
    expect(resolve('../README.md', 12)).toBe('https://github.com/acme/web/tree/main/README.md#L12');
    expect(resolve('/catalog/x.yaml')).toBe('https://github.com/acme/web/tree/main/catalog/x.yaml');
    expect(resolve('https://example.com/x')).toBe('https://example.com/x');
    expect(resolve('docs', undefined, 'https://github.com/acme/web')).toBe('https://github.com/acme/web/tree/HEAD/docs');
    expect(resolve('a.md', undefined, 'https://github.com/acme/web/tree/main/docs/')).toBe('https://github.com/acme/web/tree/main/docs/a.md');
    expect(() => resolve('../../x')).toThrow(expect.objectContaining({ name: 'InputError' }));
    expect(() => resolve('/../x')).toThrow(expect.objectContaining({ name: 'InputError' }));
  });

  it('makes edit URLs from blob and tree URLs', () => {
    expect(resolveGithubEditUrl('https://github.com/acme/web/blob/main/a.md')).toBe('https://github.com/acme/web/edit/main/a.md');
    expect(resolveGithubEditUrl('https://github.com/acme/web/tree/main/docs/a.md')).toBe('https://github.com/acme/web/edit/main/docs/a.md');
    expect(resolveGithubEditUrl('https://github.com/acme/web')).toBe('https://github.com/acme/web');
  });
});

describe('createGithubIntegration', () => {
  it('rejects invalid config naming the factory and the key', () => {
    expect(() => createGithubIntegration({ host: 'https://github.com' })).toThrow(/createGithubIntegration: host/);
  });

  it('is a GithubIntegration whose parseUrl answers undefined for foreign URLs', () => {
    const integration = createGithubIntegration({ host: 'github.com', token: 'ghp_example' });
    expect(isGithubIntegration(integration)).toBe(true);
    expect(integration.parseUrl('https://gitlab.com/a/b')).toBeUndefined();
    expect(integration.reader.canRead('https://github.com/acme/web/blob/main/a.md')).toBe(true);
    expect(integration.reader.canRead('https://raw.githubusercontent.com/acme/web/main/a.md')).toBe(true);
    expect(integration.reader.canRead('https://gist.github.com/acme/1')).toBe(false);
    expect(integration.resolveEditUrl('https://github.com/acme/web/blob/main/a.md')).toBe('https://github.com/acme/web/edit/main/a.md');
    expect(JSON.stringify(integration)).not.toContain('ghp_example');
  });
});
