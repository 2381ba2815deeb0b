import { createLogger, createEventBus } from '@portalkit/core';
import type { ScmIntegrations } from '@portalkit/integrations';
import { siteToDocuments } from '@portalkit/search';
import { createTechDocs, memoryPublisher, type TechDocsEntity } from '@portalkit/techdocs';
import { TECHDOCS_TOPICS, techdocsSiteBuiltEvent } from '@portalkit/techdocs/events';
import { type GitServer, startGitServer } from '@portalkit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitIntegrations } from './git-integrations.js';

const logger = createLogger({ level: 'error' });

describe('techdocs: versions of one site, from git tags and branches (real git server) and named builds', () => {
  let server: GitServer;
  let integrations: ScmIntegrations;
  let entity: TechDocsEntity;

  beforeAll(async () => {
    server = await startGitServer({ auth: { username: 'docs', password: 'docs-pass' } });
    integrations = gitIntegrations(server, { username: 'docs', password: 'docs-pass' });
    await server.createRepo('acme/versioned', {
      'mkdocs.yml': 'site_name: Versioned\nnav:\n  - Home: index.md\n',
      'docs/index.md': '# Versioned\n\nThe first release.\n',
    });
    await server.git('acme/versioned', ['tag', 'v1.0.0']);
    await server.commit('acme/versioned', { 'docs/index.md': '# Versioned\n\nThe next release is coming.\n' });
    await server.git('acme/versioned', ['branch', 'release-2']);
    await server.commit('acme/versioned', { 'docs/index.md': '# Versioned\n\nWork in progress on main.\n' });
    entity = {
      kind: 'Component',
      metadata: {
        name: 'versioned',
        annotations: { 'backstage.io/techdocs-ref': `url:${server.baseUrl}/acme/versioned.git/tree/main` },
      },
    };
  });
  afterAll(async () => server?.close());

  it('builds the default site and tagged/branch versions, lists them and serves each', async () => {
    const events = createEventBus();
    const built: unknown[] = [];
    events.subscribe(TECHDOCS_TOPICS.siteBuilt, (payload) => void built.push(payload));
    const techdocs = createTechDocs({ publisher: memoryPublisher(), integrations, logger, events, getEntity: () => entity });
    await techdocs.build(entity);
    await techdocs.build(entity, { ref: 'v1.0.0' });
    await techdocs.build(entity, { ref: 'release-2', version: 'v2.0.0-rc' });
    const page = (path: string) => techdocs.request(`/static/docs/default/component/versioned/${path}`).then((r) => r.text());
    expect(await page('index.html')).toContain('Work in progress on main.');
    expect(await page('.versions/v1.0.0/index.html')).toContain('The first release.');
    expect(await page('.versions/v2.0.0-rc/')).toContain('The next release is coming.');

    const meta = await (await techdocs.request('/metadata/techdocs/default/component/versioned')).json();
    expect(meta).toMatchObject({ site_name: 'Versioned', version: 'latest', versions: ['v1.0.0', 'v2.0.0-rc'] });
    const v1 = await (await techdocs.request('/metadata/techdocs/default/component/versioned?version=v1.0.0')).json();
    expect(v1).toMatchObject({ version: 'v1.0.0', versions: ['v1.0.0', 'v2.0.0-rc'] });
    expect((await techdocs.request('/metadata/techdocs/default/component/versioned?version=v9')).status).toBe(404);
    expect((await techdocs.request('/metadata/techdocs/default/component/versioned?version=..%2Fx')).status).toBe(400);

    // Rebuilding the default site keeps the versions.
    await techdocs.build(entity);
    expect(await page('.versions/v1.0.0/index.html')).toContain('The first release.');

    // Search documents keep the version, and link to the version's pages.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const sites = built.map((payload) => techdocsSiteBuiltEvent.parse(payload));
    expect(sites.map((s) => s.version)).toEqual([undefined, 'v1.0.0', 'v2.0.0-rc', undefined]);
    const v1Docs = siteToDocuments(sites[1]!);
    expect(v1Docs.length).toBeGreaterThan(0);
    expect(v1Docs.every((d) => d.version === 'v1.0.0' && d.location.startsWith('/docs/default/component/versioned/.versions/v1.0.0/'))).toBe(true);
    expect(siteToDocuments(sites[0]!).every((d) => d.version === 'latest')).toBe(true);
  });

  it('refuses refs and versions that are not names, and refs of sources without one', async () => {
    const techdocs = createTechDocs({ publisher: memoryPublisher(), integrations, logger });
    for (const ref of ['../main', 'a//b', '-x/..', 'x\ny', '']) {
      await expect(techdocs.build(entity, { ref, version: 'v1' })).rejects.toMatchObject({ name: 'InputError' });
    }
    await expect(techdocs.build(entity, { ref: 'feature/x' })).rejects.toMatchObject({ name: 'InputError' });
    await expect(techdocs.build(entity, { version: '../x' })).rejects.toMatchObject({ name: 'InputError' });
    await expect(techdocs.build(entity, { version: 'latest' })).rejects.toMatchObject({ name: 'InputError' });
    const local: TechDocsEntity = { kind: 'Component', metadata: { name: 'local', annotations: { 'backstage.io/techdocs-ref': 'dir:.', 'backstage.io/managed-by-location': 'file:/tmp/x/catalog-info.yaml' } } };
    await expect(techdocs.build(local, { ref: 'v1.0.0' })).rejects.toMatchObject({ name: 'InputError' });
    // A tag that does not exist is the reader's not-found.
    await expect(techdocs.build(entity, { ref: 'v9.9.9' })).rejects.toMatchObject({ name: 'NotFoundError' });
  });
});
