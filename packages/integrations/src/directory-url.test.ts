import { describe, expect, it } from 'vitest';
import { resolveDirectoryUrl } from './directory-url.js';
import { createIntegrations } from './integrations.js';

describe('resolveDirectoryUrl', () => {
  const integrations = createIntegrations({ config: { git: [{ host: 'git.example.com' }] } });
  const repo = 'https://git.example.com/team/app.git';

  it('answers the tree URL of a directory the grammar resolves as a blob', () => {
    expect(integrations.resolveUrl({ url: './', base: `${repo}/blob/main/docs/catalog-info.yaml` })).toBe(`${repo}/blob/main/docs`);
    expect(resolveDirectoryUrl(integrations, { url: './', base: `${repo}/blob/main/docs/catalog-info.yaml` })).toBe(`${repo}/tree/main/docs`);
    expect(resolveDirectoryUrl(integrations, { url: '.', base: `${repo}/blob/main/catalog-info.yaml` })).toBe(`${repo}/tree/main`);
    expect(resolveDirectoryUrl(integrations, { url: '../site', base: `${repo}/tree/main/docs` })).toBe(`${repo}/tree/main/site`);
  });

  it('keeps the grammar\'s errors and URLs no integration knows', () => {
    expect(() => resolveDirectoryUrl(integrations, { url: '../..', base: `${repo}/blob/main/catalog-info.yaml` })).toThrow(/above the root/);
    expect(resolveDirectoryUrl(integrations, { url: 'docs', base: 'https://other.example/a/b.yaml' })).toBe('https://other.example/a/docs');
  });
});
