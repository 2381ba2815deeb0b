import { describe, expect, it } from 'vitest';
import { assertCloudSchema } from './schema.js';

describe('the Bitbucket Cloud contract schema check', () => {
  const valid = {
    type: 'repository',
    full_name: 'acme/web',
    is_private: true,
    scm: 'git',
    mainbranch: { type: 'branch', name: 'main' },
    project: { type: 'project', key: 'PLAT' },
    links: { html: { href: 'https://bitbucket.org/acme/web' }, clone: [{ name: 'https', href: 'https://bitbucket.org/acme/web.git' }] },
  };

  it('accepts a repository as the published schema describes it', () => {
    expect(() => assertCloudSchema('repository', valid)).not.toThrow();
  });

  it.each([
    ['no type', { ...valid, type: undefined }],
    ['an unknown link', { ...valid, links: { ...valid.links, website: { href: 'x' } } }],
    ['a link with extra keys', { ...valid, links: { html: { href: 'x', title: 'y' } } }],
    ['scm hg', { ...valid, scm: 'hg' }],
    ['a main branch without type', { ...valid, mainbranch: { name: 'main' } }],
    ['is_private as a string', { ...valid, is_private: 'true' }],
  ])('refuses %s', (_, body) => {
    expect(() => assertCloudSchema('repository', body)).toThrow(/contract violation/);
  });
});
