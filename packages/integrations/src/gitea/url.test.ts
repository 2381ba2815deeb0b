import { describe, expect, it } from 'vitest';
import { createGiteaIntegration } from './index.js';

const gitea = createGiteaIntegration({ host: 'gitea.example.com' });
const prefixed = createGiteaIntegration({ host: 'example.com', baseUrl: 'https://example.com/gitea' });
const base = 'https://gitea.example.com';

describe('Gitea URL grammar (Backstage: <base>/<owner>/<repo>/src/branch/<ref>/<path>)', () => {
  it.each([
    [`${base}/acme/web/src/branch/main/catalog-info.yaml`, { owner: 'acme', repo: 'web', ref: 'main', path: 'catalog-info.yaml', kind: 'blob' }],
    [`${base}/acme/web/src/branch/main/docs/`, { owner: 'acme', repo: 'web', ref: 'main', path: 'docs', kind: 'tree' }],
    [`${base}/acme/web/src/branch/main`, { owner: 'acme', repo: 'web', ref: 'main', path: '', kind: 'tree' }],
    [`${base}/acme/web/src/tag/v1.0/a%20b.md`, { owner: 'acme', repo: 'web', ref: 'v1.0', path: 'a b.md', kind: 'blob' }],
    [`${base}/acme/web/src/commit/0123abc/x.yaml`, { owner: 'acme', repo: 'web', ref: '0123abc', path: 'x.yaml', kind: 'blob' }],
    [`${base}/acme/web/raw/branch/main/x.yaml`, { owner: 'acme', repo: 'web', ref: 'main', path: 'x.yaml', kind: 'raw' }],
    [`${base}/acme/web/_edit/main/x.yaml`, { owner: 'acme', repo: 'web', ref: 'main', path: 'x.yaml', kind: 'edit' }],
    [`${base}/acme/web`, { owner: 'acme', repo: 'web', ref: undefined, path: '', kind: 'repo' }],
    [`${base}/acme/web.git`, { owner: 'acme', repo: 'web', ref: undefined, path: '', kind: 'repo' }],
    [`${base}/acme/web/src/branch/main/x.yaml?display=source#L3`, { owner: 'acme', repo: 'web', ref: 'main', path: 'x.yaml', kind: 'blob' }],
  ])('parses %s', (url, expected) => {
    expect(gitea.parseUrl(url)).toEqual({ type: 'gitea', host: 'gitea.example.com', ...expected });
  });

  it.each([
    ['another host', 'https://evil.example.com/acme/web/src/branch/main/x.yaml'],
    ['another scheme', 'http://gitea.example.com/acme/web/src/branch/main/x.yaml'],
    ['credentials in the URL', 'https://u:p@gitea.example.com/acme/web/src/branch/main/x.yaml'],
    ['.. in the path', `${base}/acme/web/src/branch/main/../../../etc/passwd`],
    ['an encoded slash making ..', `${base}/acme/web/src/branch/main/a%2f..%2f..%2fx`],
    ['an owner of ..', `${base}/%2e%2e/web/src/branch/main/x.yaml`],
    ['a NUL in the ref', `${base}/acme/web/src/branch/ma%00in/x.yaml`],
    ['a backslash in the path', `${base}/acme/web/src/branch/main/a%5cb`],
    ['an unknown action', `${base}/acme/web/blob/main/x.yaml`],
    ['src without a ref kind', `${base}/acme/web/src/main/x.yaml`],
    ['bad percent-encoding', `${base}/acme/web/src/branch/main/%E0%A4%A`],
    ['not a URL', 'acme/web/src/branch/main/x.yaml'],
  ])('refuses %s', (_name, url) => {
    expect(gitea.parseUrl(url)).toBeUndefined();
    expect(gitea.reader.canRead(url)).toBe(false);
  });

  it('sees dot segments (also %2e%2e) only after URL normalisation, never as path segments', () => {
    expect(gitea.parseUrl(`${base}/acme/web/src/branch/main/docs/%2e%2e/%2e%2e/x`)).toMatchObject({ ref: 'x', path: '' });
  });

  it('honours a base URL with a path prefix', () => {
    expect(prefixed.parseUrl('https://example.com/gitea/acme/web/src/branch/main/x.yaml')).toMatchObject({ owner: 'acme', repo: 'web', ref: 'main', path: 'x.yaml' });
    expect(prefixed.parseUrl('https://example.com/acme/web/src/branch/main/x.yaml')).toBeUndefined();
  });

  it.each([
    ['./other.yaml', `${base}/acme/web/src/branch/main/docs/index.md`, `${base}/acme/web/src/branch/main/docs/other.yaml`],
    ['../README.md', `${base}/acme/web/src/branch/main/docs/index.md`, `${base}/acme/web/src/branch/main/README.md`],
    ['/catalog-info.yaml', `${base}/acme/web/src/branch/main/docs/index.md`, `${base}/acme/web/src/branch/main/catalog-info.yaml`],
    ['catalog-info.yaml', `${base}/acme/web/src/branch/main/`, `${base}/acme/web/src/branch/main/catalog-info.yaml`],
    ['x.yaml', `${base}/acme/web/src/tag/v1/docs/`, `${base}/acme/web/src/tag/v1/docs/x.yaml`],
    ['https://other.example.com/x', `${base}/acme/web/src/branch/main/a.md`, 'https://other.example.com/x'],
  ])('resolves %s against %s', (url, baseUrl, expected) => {
    expect(gitea.resolveUrl({ url, base: baseUrl })).toBe(expected);
  });

  it('adds the line anchor and refuses leaving the repository', () => {
    expect(gitea.resolveUrl({ url: './a.md', base: `${base}/acme/web/src/branch/main/b.md`, lineNumber: 7 })).toBe(`${base}/acme/web/src/branch/main/a.md#L7`);
    expect(() => gitea.resolveUrl({ url: '../../x', base: `${base}/acme/web/src/branch/main/docs/a.md` })).toThrow(/outside the repository/);
  });

  it('edit URLs are _edit/<ref>/<path> (Backstage)', () => {
    expect(gitea.resolveEditUrl(`${base}/acme/web/src/branch/main/docs/a.md`)).toBe(`${base}/acme/web/_edit/main/docs/a.md`);
    expect(gitea.resolveEditUrl('https://other.example.com/x')).toBe('https://other.example.com/x');
  });
});
