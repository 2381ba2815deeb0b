import { InputError } from '@portalkit/core';
import { describe, expect, it } from 'vitest';
import { createBitbucketServerGrammar } from './grammar.js';

const grammar = createBitbucketServerGrammar({ host: 'git.example.com', webBaseUrl: 'https://git.example.com/bitbucket' });
const root = createBitbucketServerGrammar({ host: 'git.example.com:7990', webBaseUrl: 'https://git.example.com:7990' });
const base = { type: 'bitbucketServer', host: 'git.example.com', owner: 'ACME', repo: 'web' };
const web = 'https://git.example.com/bitbucket';

describe('Bitbucket Server URL grammar (with a base path)', () => {
  it.each([
    [`${web}/projects/ACME/repos/web`, { ...base, ref: undefined, path: '', kind: 'repo' }],
    [`${web}/projects/ACME/repos/web/browse`, { ...base, ref: undefined, path: '', kind: 'tree' }],
    [`${web}/projects/ACME/repos/web/browse/catalog-info.yaml?at=refs/heads/main`, { ...base, ref: 'refs/heads/main', path: 'catalog-info.yaml', kind: 'blob' }],
    [`${web}/projects/ACME/repos/web/browse/docs/?at=refs%2Ftags%2Fv1`, { ...base, ref: 'refs/tags/v1', path: 'docs', kind: 'tree' }],
    [`${web}/projects/ACME/repos/web/raw/a/b.md?at=main`, { ...base, ref: 'main', path: 'a/b.md', kind: 'raw' }],
    [`${web}/users/jdoe/repos/web/browse/x.yaml`, { ...base, owner: '~jdoe', ref: undefined, path: 'x.yaml', kind: 'blob' }],
  ])('parses %s', (url, expected) => {
    expect(grammar.parseUrl(url)).toEqual(expected);
  });

  it.each([
    'https://git.example.com/projects/ACME/repos/web/browse/x.yaml', // outside the base path
    'https://git.example.com/bitbucketx/projects/ACME/repos/web/browse/x.yaml',
    'http://git.example.com/bitbucket/projects/ACME/repos/web/browse/x.yaml', // another scheme
    'https://evil.com/bitbucket/projects/ACME/repos/web/browse/x.yaml',
    'https://u:p@git.example.com/bitbucket/projects/ACME/repos/web/browse/x.yaml',
    `${web}/projects/ACME/web/browse/x.yaml`,
    `${web}/projects/ACME/repos/web/commits/abc`,
    `${web}/projects/ACME/repos/web/browse/%2e%2e/%2e%2e/x`,
    `${web}/projects/ACME/repos/web/browse/a%2Fb`,
    `${web}/projects/ACME/repos/web/browse/a%5Cb`,
    `${web}/projects/ACME/repos/web/raw`,
  ])('refuses %s', (url) => {
    expect(grammar.parseUrl(url)).toBeUndefined();
  });

  it('parses an instance without a base path', () => {
    expect(root.parseUrl('https://git.example.com:7990/projects/P/repos/r/browse/x.yaml?at=main')?.path).toBe('x.yaml');
    expect(root.parseUrl('https://git.example.com/projects/P/repos/r/browse/x.yaml')).toBeUndefined(); // other port
  });

  it('builds browse URLs that parse back', () => {
    const url = grammar.browseUrl({ owner: '~jdoe', repo: 'web', ref: 'refs/heads/feature/x', path: 'a b/c.yaml' });
    expect(url).toBe(`${web}/users/jdoe/repos/web/browse/a%20b/c.yaml?at=refs%2Fheads%2Ffeature%2Fx`);
    expect(grammar.parseUrl(url)).toMatchObject({ owner: '~jdoe', ref: 'refs/heads/feature/x', path: 'a b/c.yaml' });
  });

  it('resolves relative URLs within the repository keeping ?at=, as Backstage does', () => {
    const from = `${web}/projects/ACME/repos/web/browse/services/catalog-info.yaml?at=refs%2Fheads%2Fmain`;
    expect(grammar.resolveUrl({ url: './api.yaml', base: from })).toBe(`${web}/projects/ACME/repos/web/browse/services/api.yaml?at=refs%2Fheads%2Fmain`);
    expect(grammar.resolveUrl({ url: '/README.md', base: from, lineNumber: 3 })).toBe(`${web}/projects/ACME/repos/web/browse/README.md?at=refs%2Fheads%2Fmain#3`);
    expect(() => grammar.resolveUrl({ url: '../../x', base: from })).toThrow(InputError);
    expect(grammar.resolveEditUrl(from)).toBe(from);
  });
});
