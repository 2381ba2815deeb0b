import { InputError } from '@portalkit/core';
import { describe, expect, it } from 'vitest';
import { createGitlabUrlGrammar } from './url-grammar.js';

const com = createGitlabUrlGrammar({ host: 'gitlab.com', baseUrl: 'https://gitlab.com' });
const selfManaged = createGitlabUrlGrammar({ host: 'example.com', baseUrl: 'https://example.com/gitlab' });

describe('GitLab URL grammar', () => {
  it.each([
    ['https://gitlab.com/acme/web/-/blob/main/catalog-info.yaml', { owner: 'acme', repo: 'web', ref: 'main', path: 'catalog-info.yaml', kind: 'blob' }],
    ['https://gitlab.com/acme/platform/team/web/-/tree/v1.2/docs/', { owner: 'acme/platform/team', repo: 'web', ref: 'v1.2', path: 'docs', kind: 'tree' }],
    ['https://gitlab.com/acme/web/-/raw/main/a/b.md?ref_type=heads', { owner: 'acme', repo: 'web', ref: 'main', path: 'a/b.md', kind: 'raw' }],
    ['https://gitlab.com/acme/web/-/edit/main/a.md', { owner: 'acme', repo: 'web', ref: 'main', path: 'a.md', kind: 'edit' }],
    ['https://gitlab.com/acme/sub/web/blob/main/a.md', { owner: 'acme/sub', repo: 'web', ref: 'main', path: 'a.md', kind: 'blob' }],
    ['https://gitlab.com/acme/sub/web', { owner: 'acme/sub', repo: 'web', ref: undefined, path: '', kind: 'repo' }],
    ['https://gitlab.com/acme/web.git', { owner: 'acme', repo: 'web', ref: undefined, path: '', kind: 'repo' }],
    ['https://GITLAB.com/acme/web/-/tree/main', { owner: 'acme', repo: 'web', ref: 'main', path: '', kind: 'tree' }],
    ['https://gitlab.com/acme/web/-/blob/main/dir%20with%20space/a.md', { owner: 'acme', repo: 'web', ref: 'main', path: 'dir with space/a.md', kind: 'blob' }],
  ])('parses %s', (url, expected) => {
    expect(com.parse(url)).toEqual({ type: 'gitlab', host: 'gitlab.com', ...expected });
  });

  it.each([
    ['another host', 'https://gitlab.example.com/acme/web/-/blob/main/a.md'],
    ['credentials in the URL', 'https://user:pw@gitlab.com/acme/web/-/blob/main/a.md'],
    ['an encoded slash in the group', 'https://gitlab.com/acme%2Fother/web/-/blob/main/a.md'],
    ['an encoded dot-dot path segment', 'https://gitlab.com/acme/web/-/blob/main/%2e%2e%2fsecret'],
    ['a backslash', 'https://gitlab.com/acme/web/-/blob/main/a%5C..%5Cb'],
    ['a NUL byte', 'https://gitlab.com/acme/web/-/blob/main/a%00b'],
    ['a broken escape', 'https://gitlab.com/acme/web/-/blob/main/%E0%A4%A'],
    ['a project without a group', 'https://gitlab.com/web/-/blob/main/a.md'],
    ['a blob URL without a ref', 'https://gitlab.com/acme/web/-/blob'],
    ['an unknown page', 'https://gitlab.com/acme/web/-/issues/1'],
    ['an empty segment', 'https://gitlab.com/acme//web/-/blob/main/a.md'],
    ['not a URL', 'gitlab.com/acme/web'],
  ])('refuses %s', (_name, url) => {
    expect(com.parse(url)).toBeUndefined();
  });

  it('dot-dot segments are normalised by URL parsing before the grammar sees them', () => {
    expect(com.parse('https://gitlab.com/acme/web/-/blob/main/docs/../../../../other/x/-/blob/main/a.md')).toMatchObject({ owner: 'acme/web/other', repo: 'x' });
  });

  it('a self-managed base URL with a path prefix', () => {
    expect(selfManaged.parse('https://example.com/gitlab/acme/sub/web/-/blob/main/a.md')).toMatchObject({ owner: 'acme/sub', repo: 'web', ref: 'main', path: 'a.md' });
    expect(selfManaged.parse('https://example.com/acme/sub/web/-/blob/main/a.md')).toBeUndefined();
    expect(selfManaged.parse('https://example.com/gitlabx/acme/web/-/blob/main/a.md')).toBeUndefined();
    expect(selfManaged.format({ owner: 'acme/sub', repo: 'web', ref: 'main', path: 'docs/a b.md', kind: 'blob' })).toBe(
      'https://example.com/gitlab/acme/sub/web/-/blob/main/docs/a%20b.md',
    );
  });

  it('resolves relative URLs within the repository as Backstage does', () => {
    const base = 'https://gitlab.com/acme/sub/web/-/blob/main/catalog/catalog-info.yaml';
    expect(com.resolveUrl({ url: './api.yaml', base })).toBe('https://gitlab.com/acme/sub/web/-/blob/main/catalog/api.yaml');
    expect(com.resolveUrl({ url: '../docs/a.md', base, lineNumber: 3 })).toBe('https://gitlab.com/acme/sub/web/-/blob/main/docs/a.md#L3');
    expect(com.resolveUrl({ url: '/openapi.yaml', base })).toBe('https://gitlab.com/acme/sub/web/-/blob/main/openapi.yaml');
    expect(com.resolveUrl({ url: 'https://elsewhere.example/x', base })).toBe('https://elsewhere.example/x');
    expect(() => com.resolveUrl({ url: '../../../../other/-/blob/main/x', base })).toThrow(InputError);
    expect(() => com.resolveUrl({ url: '../../x.md', base })).toThrow(InputError);
    expect(selfManaged.resolveUrl({ url: '/x.md', base: 'https://example.com/gitlab/g/p/-/tree/dev/docs' })).toBe('https://example.com/gitlab/g/p/-/tree/dev/x.md');
  });

  it('edit URLs', () => {
    expect(com.resolveEditUrl('https://gitlab.com/acme/sub/web/-/blob/main/a.md')).toBe('https://gitlab.com/acme/sub/web/-/edit/main/a.md');
    expect(com.resolveEditUrl('https://gitlab.com/acme/sub/web/blob/main/a.md')).toBe('https://gitlab.com/acme/sub/web/-/edit/main/a.md');
    expect(com.resolveEditUrl('https://gitlab.com/acme/web')).toBe('https://gitlab.com/acme/web');
  });
});
