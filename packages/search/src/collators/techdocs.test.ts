import { describe, expect, it } from 'vitest';
import { siteToDocuments, techdocsCollator } from './techdocs.js';
import type { MkDocsSearchIndex } from './techdocs.js';

const searchIndex = {
  config: { lang: ['en'], separator: '[\\s\\-]+' },
  docs: [
    { location: '', title: 'Foo', text: 'Welcome to foo. Install it.' },
    { location: '#foo', title: 'Foo', text: 'Welcome to foo.' },
    { location: '#install', title: 'Install', text: 'Install it.' },
    { location: 'guide/', title: 'Guide', text: 'How to deploy. Rollback steps.' },
    { location: 'guide/#deploy', title: 'Deploy', text: 'How to deploy.' },
    { location: 'guide/#rollback', title: 'Rollback', text: 'Rollback steps.' },
    { location: 'faq/', title: 'FAQ', text: 'No headings here.' },
    { location: 42, title: 'broken entry' },
  ],
} as unknown as MkDocsSearchIndex; // one entry is deliberately malformed

describe('techdocsCollator', () => {
  it('makes one document per section, with the anchor in the location, plus pages without sections', () => {
    const docs = siteToDocuments({ entityRef: 'Component:default/Foo', searchIndex });
    expect(docs.map((d) => d.location)).toEqual([
      '/docs/default/component/foo/#foo',
      '/docs/default/component/foo/#install',
      '/docs/default/component/foo/guide/#deploy',
      '/docs/default/component/foo/guide/#rollback',
      '/docs/default/component/foo/faq/',
    ]);
    expect(docs[2]).toEqual({
      type: 'techdocs',
      title: 'Deploy',
      text: 'How to deploy.',
      location: '/docs/default/component/foo/guide/#deploy',
      path: 'guide/#deploy',
      entityRef: 'component:default/foo',
      kind: 'component',
      namespace: 'default',
      name: 'foo',
      version: 'latest',
      authorization: { resourceRef: 'component:default/foo' },
    });
  });

  it('adds entity title, owner and lifecycle when the site carries its entity', () => {
    const [doc] = siteToDocuments({
      entityRef: 'component:default/foo',
      searchIndex: { docs: [{ location: 'a/', title: 'A', text: 'a' }] },
      entity: { apiVersion: 'v1', kind: 'Component', metadata: { name: 'foo', title: 'Foo Service' }, spec: { owner: 'team-a', lifecycle: 'production' } },
    });
    expect(doc).toMatchObject({ entityTitle: 'Foo Service', owner: 'team-a', lifecycle: 'production', kind: 'Component' });
  });

  it('replaces a site on build events and removes it when its entity is deleted', async () => {
    const collator = techdocsCollator({ sites: () => [], topics: { built: 'built' } });
    expect(collator.topics).toEqual(['built', 'catalog.entity.deleted']);
    const update = await collator.update!('built', { entityRef: 'component:default/foo', searchIndex });
    // A build replaces the documents of its own version only.
    expect(update?.remove).toEqual({ filters: { entityRef: 'component:default/foo', version: 'latest' } });
    expect(update?.upsert).toHaveLength(5);
    const versioned = await collator.update!('built', { entityRef: 'component:default/foo', searchIndex, version: 'v1' });
    expect(versioned?.remove).toEqual({ filters: { entityRef: 'component:default/foo', version: 'v1' } });
    expect(versioned?.upsert?.every((d) => d.version === 'v1' && d.location.startsWith('/docs/default/component/foo/.versions/v1/'))).toBe(true);
    const foo = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'foo' } };
    expect(await collator.update!('catalog.entity.deleted', { entityRef: 'component:default/foo', entityId: 'u1', entity: foo })).toEqual({
      remove: { filters: { entityRef: 'component:default/foo' } },
    });
    expect(() => collator.update!('built', { entityRef: 'component:default/foo' })).toThrow(/Invalid docs site/);
  });

  it('reports a broken site during collection and keeps the others', async () => {
    const collator = techdocsCollator({
      async *sites() {
        yield { entityRef: 'not a ref!', searchIndex };
        yield { entityRef: 'component:default/bar', searchIndex: { docs: [{ location: 'x/', title: 'X', text: 'x' }] } };
      },
    });
    const errors: unknown[] = [];
    const docs = [];
    for await (const doc of collator.collect({ reportError: (e) => errors.push(e) })) docs.push(doc);
    expect(docs.map((d) => d.location)).toEqual(['/docs/default/component/bar/x/']);
    expect(errors).toEqual([expect.objectContaining({ name: 'InputError' })]);
  });
});
