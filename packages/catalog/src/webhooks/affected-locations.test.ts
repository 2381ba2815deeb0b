import type { PushEvent, ScmLocation } from '@portalkit/integrations';
import { describe, expect, it } from 'vitest';
import type { Location } from '../location.js';
import { affectedLocations } from './affected-locations.js';

// A test-only URL grammar: https://<host>/<owner>/<repo>/<blob|tree>/<ref>/<path>, or /<owner>/<repo> alone.
const integrations = {
  parseUrl(url: string): ScmLocation | undefined {
    const parsed = new URL(url);
    const [owner, repo, kind, ref, ...path] = parsed.pathname.split('/').slice(1);
    if (!owner || !repo) return undefined;
    if (kind === undefined) return { type: 'github', host: parsed.host, owner, repo, ref: undefined, path: '', kind: 'repo' };
    if (kind !== 'blob' && kind !== 'tree') throw new Error('unparseable');
    return { type: 'github', host: parsed.host, owner, repo, ref, path: path.join('/'), kind };
  },
};

let id = 0;
const location = (target: string, type = 'url'): Location => ({ id: String(++id), type, target, entityRef: `location:default/generated-${id}` });
const push = (overrides: Partial<PushEvent> = {}): PushEvent => ({
  type: 'github',
  host: 'github.com',
  repository: { path: 'acme/web', url: 'https://github.com/acme/web', defaultBranch: 'main' },
  ref: 'refs/heads/main',
  branch: 'main',
  before: 'a'.repeat(40),
  after: 'b'.repeat(40),
  deleted: false,
  ...overrides,
});
const targets = (locations: Location[]) => locations.map((l) => l.target);

describe('affectedLocations', () => {
  const locations = [
    location('https://github.com/acme/web/blob/main/catalog-info.yaml'),
    location('https://github.com/acme/web/blob/main/services/a/catalog-info.yaml'),
    location('https://github.com/acme/web/blob/main/services/*/api.yaml'),
    location('https://github.com/acme/web/tree/main/docs'),
    location('https://github.com/acme/web/blob/dev/catalog-info.yaml'),
    location('https://github.com/acme/web/blob/v1/catalog-info.yaml'),
    location('https://github.com/ACME/Web/blob/main/catalog-info.yaml'),
    location('https://github.com/acme/web'),
    location('https://github.com/acme/web-other/blob/main/catalog-info.yaml'),
    location('https://github.com/acme/other/blob/main/catalog-info.yaml'),
    location('https://ghe.example.com/acme/web/blob/main/catalog-info.yaml'),
    location('https://github.com/acme/web/raw-ish/main/catalog-info.yaml'),
    location('/srv/acme/web/catalog-info.yaml', 'file'),
  ];

  it('without a file list: every url location of the repository (any case) and branch, the default branch for ref-less URLs', () => {
    expect(targets(affectedLocations({ locations, push: push(), integrations, match: 'changed' }))).toEqual([
      'https://github.com/acme/web/blob/main/catalog-info.yaml',
      'https://github.com/acme/web/blob/main/services/a/catalog-info.yaml',
      'https://github.com/acme/web/blob/main/services/*/api.yaml',
      'https://github.com/acme/web/tree/main/docs',
      'https://github.com/ACME/Web/blob/main/catalog-info.yaml',
      'https://github.com/acme/web',
    ]);
  });

  it('with a file list: the files changed, what a glob matches, what is below a directory, and the whole repository', () => {
    const changed = (changedPaths: string[]) => targets(affectedLocations({ locations, push: push({ changedPaths }), integrations, match: 'changed' }));
    expect(changed(['services/a/catalog-info.yaml'])).toEqual(['https://github.com/acme/web/blob/main/services/a/catalog-info.yaml', 'https://github.com/acme/web']);
    expect(changed(['services/b/api.yaml'])).toEqual(['https://github.com/acme/web/blob/main/services/*/api.yaml', 'https://github.com/acme/web']);
    expect(changed(['docs/index.md'])).toEqual(['https://github.com/acme/web/tree/main/docs', 'https://github.com/acme/web']);
    expect(changed(['docs.md', 'README.md'])).toEqual(['https://github.com/acme/web']);
    // Commits that changed no file (empty commits) change nothing a location reads.
    expect(changed([])).toEqual([]);
  });

  it("'repository' ignores the file list", () => {
    const all = affectedLocations({ locations, push: push({ changedPaths: ['README.md'] }), integrations, match: 'repository' });
    expect(all).toHaveLength(6);
  });

  it('tags and other branches', () => {
    expect(targets(affectedLocations({ locations, push: push({ ref: 'refs/tags/v1', branch: undefined, tag: 'v1' }), integrations, match: 'changed' }))).toEqual([
      'https://github.com/acme/web/blob/v1/catalog-info.yaml',
    ]);
    expect(targets(affectedLocations({ locations, push: push({ ref: 'refs/heads/dev', branch: 'dev' }), integrations, match: 'changed' }))).toEqual([
      'https://github.com/acme/web/blob/dev/catalog-info.yaml',
    ]);
    // A ref that is neither (refs/notes/...) and an unknown default branch affect nothing ref-less.
    expect(affectedLocations({ locations, push: push({ ref: 'refs/notes/commits', branch: undefined }), integrations, match: 'changed' })).toEqual([]);
    const noDefault = push({ repository: { path: 'acme/web', url: 'https://github.com/acme/web' } });
    expect(targets(affectedLocations({ locations, push: noDefault, integrations, match: 'changed' }))).not.toContain('https://github.com/acme/web');
  });

  it('another host with the same repository path is untouched', () => {
    const ghe = push({ host: 'ghe.example.com' });
    expect(targets(affectedLocations({ locations, push: ghe, integrations, match: 'changed' }))).toEqual(['https://ghe.example.com/acme/web/blob/main/catalog-info.yaml']);
  });
});
