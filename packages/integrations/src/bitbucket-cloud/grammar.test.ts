import { InputError } from '@portalkit/core';
import { describe, expect, it } from 'vitest';
import { parseBitbucketCloudUrl, resolveBitbucketCloudEditUrl, resolveBitbucketCloudUrl } from './grammar.js';

const base = { type: 'bitbucketCloud', host: 'bitbucket.org', owner: 'acme', repo: 'web' };

describe('Bitbucket Cloud URL grammar', () => {
  it.each([
    ['https://bitbucket.org/acme/web', { ...base, ref: undefined, path: '', kind: 'repo' }],
    ['https://bitbucket.org/acme/web/', { ...base, ref: undefined, path: '', kind: 'repo' }],
    ['https://bitbucket.org/acme/web/src/main/catalog-info.yaml', { ...base, ref: 'main', path: 'catalog-info.yaml', kind: 'blob' }],
    ['https://bitbucket.org/acme/web/src/main/docs/', { ...base, ref: 'main', path: 'docs', kind: 'tree' }],
    ['https://bitbucket.org/acme/web/src/main', { ...base, ref: 'main', path: '', kind: 'tree' }],
    ['https://bitbucket.org/acme/web/src/0123abc/a/b%20c.md?at=main', { ...base, ref: '0123abc', path: 'a/b c.md', kind: 'blob' }],
    ['https://bitbucket.org/acme/web/raw/v1.0/README.md', { ...base, ref: 'v1.0', path: 'README.md', kind: 'raw' }],
    ['https://bitbucket.org/acme/web/src/main/**/catalog-info.yaml', { ...base, ref: 'main', path: '**/catalog-info.yaml', kind: 'blob' }],
  ])('parses %s', (url, expected) => {
    expect(parseBitbucketCloudUrl(url)).toEqual(expected);
  });

  it.each([
    'http://bitbucket.org/acme/web/src/main/x.yaml', // not https
    'https://bitbucket.org.evil.com/acme/web/src/main/x.yaml',
    'https://user:secret@bitbucket.org/acme/web/src/main/x.yaml',
    'https://bitbucket.org:8443/acme/web/src/main/x.yaml',
    'https://bitbucket.org/acme',
    'https://bitbucket.org/acme/web/src',
    'https://bitbucket.org/acme/web/blob/main/x.yaml',
    'https://bitbucket.org/acme/web/src/main/%2e%2e/x.yaml',
    'https://bitbucket.org/acme/web/src/main/a%2fb',
    'https://bitbucket.org/acme/web/src/main/a%5cb',
    'https://bitbucket.org/acme/web/src/main/a%00b',
    'https://bitbucket.org/acme//web/src/main/x',
    'https://bitbucket.org/acme/web/src/main/%E0%A4%A',
    'https://bitbucket.org/acme/web/raw/main',
    'file:///etc/passwd',
    'not a url',
  ])('refuses %s', (url) => {
    expect(parseBitbucketCloudUrl(url)).toBeUndefined();
  });

  it('resolves relative URLs within the repository and ref, as Backstage does', () => {
    const from = 'https://bitbucket.org/acme/web/src/main/services/api/catalog-info.yaml';
    expect(resolveBitbucketCloudUrl({ url: './openapi.yaml', base: from })).toBe('https://bitbucket.org/acme/web/src/main/services/api/openapi.yaml');
    expect(resolveBitbucketCloudUrl({ url: '../../README.md', base: from })).toBe('https://bitbucket.org/acme/web/src/main/README.md');
    expect(resolveBitbucketCloudUrl({ url: '/docs/index.md', base: from })).toBe('https://bitbucket.org/acme/web/src/main/docs/index.md');
    expect(resolveBitbucketCloudUrl({ url: 'x.ts', base: from, lineNumber: 12 })).toBe('https://bitbucket.org/acme/web/src/main/services/api/x.ts#lines-12');
    expect(resolveBitbucketCloudUrl({ url: 'https://example.com/x', base: from })).toBe('https://example.com/x');
    expect(resolveBitbucketCloudUrl({ url: 'a.md', base: 'https://bitbucket.org/acme/web/src/main/docs/' })).toBe('https://bitbucket.org/acme/web/src/main/docs/a.md');
  });

  it('refuses a relative URL that leaves the repository', () => {
    const from = 'https://bitbucket.org/acme/web/src/main/catalog-info.yaml';
    expect(() => resolveBitbucketCloudUrl({ url: '../other-repo/x.yaml', base: from })).toThrow(InputError);
    expect(() => resolveBitbucketCloudUrl({ url: '/../../x', base: from })).toThrow(InputError);
    expect(() => resolveBitbucketCloudUrl({ url: 'a/%2e%2e/%2e%2e/%2e%2e/x', base: from })).toThrow(InputError);
  });

  it('builds the edit URL as Backstage does', () => {
    expect(resolveBitbucketCloudEditUrl('https://bitbucket.org/acme/web/src/main/catalog-info.yaml')).toBe(
      'https://bitbucket.org/acme/web/src/main/catalog-info.yaml?mode=edit&spa=0&at=main',
    );
    expect(resolveBitbucketCloudEditUrl('https://example.com/x')).toBe('https://example.com/x');
  });
});
