import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { catalogPlugin } from '@portalkit/catalog';
import { scaffolderPlugin } from '@portalkit/scaffolder';
import { searchPlugin } from '@portalkit/search';
import { techdocsPlugin } from '@portalkit/techdocs';
import { createLogger, createPortal, InputError, loadConfig, memorySink, type Portal } from '@portalkit/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type GithubContractServer, startGithubContractServer } from '../support/contract/github/index.js';
import { registerPublishRoutes } from '../support/contract/github/publish-routes.js';

// Journey: a Backstage app's app-config.yaml drives a portalkit portal with no code beyond
// loading the config and listing the plugins.
const fixture = fileURLToPath(new URL('./fixture', import.meta.url));
const env = {
  GITHUB_TOKEN: 'ghp_from_the_environment',
  POSTGRES_HOST: '127.0.0.1',
  POSTGRES_PORT: '5432',
  POSTGRES_USER: 'backstage',
  POSTGRES_PASSWORD: 'secret',
};

let dir: string;
let portal: Portal | undefined;
let sink: ReturnType<typeof memorySink>;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pk-app-config-'));
  await cp(fixture, dir, { recursive: true });
  sink = memorySink();
});
afterEach(async () => {
  await portal?.stop();
  portal = undefined;
  await rm(dir, { recursive: true, force: true });
});

const load = (files = ['app-config.yaml', 'app-config.production.yaml'], vars: Record<string, string> = env) =>
  loadConfig({ dir, files, env: vars });
const messages = () => sink.records.map((r) => r.message);

async function startError(portal: Portal): Promise<Error> {
  try {
    await portal.start();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected start to fail');
}

describe('app-config.yaml: the catalog section', () => {
  it('serves entities from catalog.locations with catalog.rules and per-location rules applied', async () => {
    const config = await load();
    const plugin = catalogPlugin();
    portal = createPortal({ config, plugins: [plugin], logger: createLogger({ sink }) });
    // Before start the catalog does not exist yet: the API says so instead of failing.
    expect((await portal.request('/api/catalog/entities')).status).toBe(503);
    await portal.start();

    const res = await portal.request('/api/catalog/entities?filter=kind=component');
    const names = ((await res.json()) as Array<{ metadata: { name: string } }>).map((e) => e.metadata.name).sort();
    expect(names).toEqual(['artist-web', 'handbook', 'playback-order']);
    expect(await plugin.catalog.getEntityByRef('user:default/guest')).toBeDefined();
    // The template location may contribute templates; the components file may not.
    expect(await plugin.catalog.getEntityByRef('template:default/node-service')).toBeDefined();
    expect(await plugin.catalog.getEntityByRef('template:default/smuggled-template')).toBeUndefined();
    const problems = (await plugin.catalog.getProcessingErrors()).flatMap((p) => p.errors.map((e) => e.message));
    expect(problems.join('\n')).toMatch(/kind Template is not allowed/i);
    expect(messages().filter((m) => m.includes('catalog.'))).toEqual([]);
  });
});

describe('app-config.yaml: the whole portal from config', () => {
  it('serves docs, runs a template and answers searches with no code beyond the plugin list', async () => {
    const config = await load();
    portal = createPortal({
      config,
      plugins: [catalogPlugin(), techdocsPlugin(), scaffolderPlugin(), searchPlugin()],
      logger: createLogger({ sink }),
    });
    await portal.start();

    // TechDocs: builder local builds on request and publishes below the config's directory.
    const sync = await (await portal.request('/api/techdocs/sync/default/component/handbook')).text();
    expect(sync).toMatch(/event: finish\ndata: \{"updated":true\}/);
    const page = await portal.request('/api/techdocs/static/docs/default/component/handbook/index.html');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('zeppelin checklist');
    await expect(readFile(path.join(dir, 'state/techdocs/default/component/handbook/index.html'), 'utf8')).resolves.toContain('zeppelin');

    // Scaffolder: the template registered by catalog.locations runs with the built-in actions.
    const created = await portal.request('/api/scaffolder/v2/tasks', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ templateRef: 'template:default/node-service', values: { name: 'svc-from-config' } }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const stream = await (await portal.request(`/api/scaffolder/v2/tasks/${id}/eventstream`)).text();
    expect(stream).toMatch(/event: completion\ndata: .*"status":"completed"/);
    const task = await (await portal.request(`/api/scaffolder/v2/tasks/${id}`)).json();
    expect(task).toMatchObject({ status: 'completed', output: { text: [{ title: 'Name', content: 'svc-from-config' }] } });

    // Search: catalog entities from the start, the docs site from its build event.
    const found = async (term: string) =>
      ((await (await portal!.request(`/api/search/query?term=${term}`)).json()) as { results: Array<{ type: string; document: { title: string } }> }).results;
    expect((await found('artist')).map((r) => r.document.title)).toContain('artist-web');
    let docs = await found('zeppelin');
    // The built event is indexed asynchronously; wait for it without a time limit of our own.
    while (docs.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      docs = await found('zeppelin');
    }
    expect(docs[0]).toMatchObject({ type: 'techdocs', document: { title: 'Handbook' } });

    // Keys with no portalkit meaning are reported once each, with where they are.
    const ignoredRunIn = messages().filter((m) => m.includes('techdocs.generator.runIn'));
    expect(ignoredRunIn).toEqual(['app-config.yaml:46: techdocs.generator.runIn: ignored: portalkit generates sites in this process (no mkdocs, no container)']);
    expect(messages()).toContain('app-config.yaml:56: scaffolder.github: ignored: a long-removed Backstage key: tokens come from integrations.github');
  });

  it('builds nothing with techdocs.builder external and serves what CI published', async () => {
    await writeFile(path.join(dir, 'app-config.local.yaml'), 'techdocs:\n  builder: external\n  publisher:\n    type: local\n    local:\n      publishDirectory: ./published\n');
    portal = createPortal({ config: await load(['app-config.yaml', 'app-config.local.yaml']), plugins: [catalogPlugin(), techdocsPlugin()], logger: createLogger({ sink }) });
    await portal.start();
    const sync = await (await portal.request('/api/techdocs/sync/default/component/handbook')).text();
    expect(sync).toMatch(/event: finish\ndata: \{"updated":false\}/);
    expect((await portal.request('/api/techdocs/static/docs/default/component/handbook/index.html')).status).toBe(404);
    // A site published by CI into the directory is served.
    const site = path.join(dir, 'published/default/component/handbook');
    await mkdir(site, { recursive: true });
    await writeFile(path.join(site, 'index.html'), '<html><body>published by CI</body></html>');
    const page = await portal.request('/api/techdocs/static/docs/default/component/handbook/index.html');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('published by CI');
  });

  it('says which plugin is missing when a plugin needs the catalog', async () => {
    portal = createPortal({ config: await load(), plugins: [scaffolderPlugin(), catalogPlugin()], logger: createLogger({ sink }) });
    const error = await startError(portal);
    expect(error.message).toBe(`plugin "scaffolder" needs the catalog service: add catalogPlugin() before it in createPortal's plugins`);
  });

  it('refuses a publisher portalkit does not have, at its line', async () => {
    await writeFile(path.join(dir, 'app-config.local.yaml'), 'techdocs:\n  publisher:\n    type: googleGcs\n');
    portal = createPortal({ config: await load(['app-config.yaml', 'app-config.local.yaml']), plugins: [catalogPlugin(), techdocsPlugin()], logger: createLogger({ sink }) });
    const error = await startError(portal);
    expect(error.message).toMatch(/^app-config\.local\.yaml:3: techdocs\.publisher\.type: portalkit publishes to a local directory \(type: local\) or S3 \(type: awsS3\)/);
    // awsS3 is one, but needs its bucket.
    await writeFile(path.join(dir, 'app-config.local.yaml'), 'techdocs:\n  publisher:\n    type: awsS3\n');
    portal = createPortal({ config: await load(['app-config.yaml', 'app-config.local.yaml']), plugins: [catalogPlugin(), techdocsPlugin()], logger: createLogger({ sink }) });
    expect((await startError(portal)).message).toMatch(/^app-config\.local\.yaml:\d+: techdocs\.publisher\.awsS3: .*bucketName is required/);
  });
});

describe('app-config.yaml: options given in code', () => {
  it('win over the config, and a plugin given its own options ignores the config', async () => {
    const config = await load();
    const fromConfig = catalogPlugin({
      fromConfig: true,
      processors: [{ name: 'label', preProcess: (entity) => ({ ...entity, metadata: { ...entity.metadata, labels: { source: 'app-config' } } }) }],
    });
    const explicit = catalogPlugin({ rootDir: dir, locations: [{ type: 'file', target: './examples/org.yaml' }], basePath: '/api/other' });
    portal = createPortal({ config, plugins: [fromConfig, { ...explicit, id: 'other' }], logger: createLogger({ sink }) });
    await portal.start();
    expect((await fromConfig.catalog.getEntityByRef('component:default/artist-web'))?.metadata.labels).toEqual({ source: 'app-config' });
    expect((await explicit.catalog.getEntities()).items.map((e) => e.kind).sort()).toEqual(['Group', 'Location', 'User']);
  });
});

describe('app-config.yaml: bad input says where', () => {
  const startWith = async (override: string) => {
    await writeFile(path.join(dir, 'app-config.local.yaml'), override);
    const config = await load(['app-config.yaml', 'app-config.local.yaml']);
    portal = createPortal({ config, plugins: [catalogPlugin()], logger: createLogger({ sink }) });
    return startError(portal);
  };

  it('names file:line and key path of a value of the wrong type', async () => {
    const error = await startWith('catalog:\n  locations:\n    - type: file\n      target: ./examples/org.yaml\n    - type: file\n      target: 42\n');
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(/^app-config\.local\.yaml:6: catalog\.locations\[1\]\.target: .*expected string/);
  });

  it('keeps file locations inside the config directory', async () => {
    await writeFile(path.join(path.dirname(dir), `${path.basename(dir)}-outside.yaml`), 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: outsiders\nspec:\n  type: team\n  children: []\n');
    await writeFile(path.join(dir, 'app-config.local.yaml'), `catalog:\n  locations:\n    - type: file\n      target: ../${path.basename(dir)}-outside.yaml\n`);
    const config = await load(['app-config.yaml', 'app-config.local.yaml']);
    portal = createPortal({ config, plugins: [catalogPlugin()], logger: createLogger({ sink }) });
    try {
      const error = await startError(portal);
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toBe(`app-config.local.yaml:4: catalog.locations[0].target: a file location must stay inside ${dir}`);
    } finally {
      await rm(path.join(path.dirname(dir), `${path.basename(dir)}-outside.yaml`), { force: true });
    }
  });

  it('refuses a provider type portalkit does not have, at its line', async () => {
    const error = await startWith('catalog:\n  providers:\n    bitbucketCloud:\n      default:\n        workspace: acme\n');
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(
      'app-config.local.yaml:3: catalog.providers.bitbucketCloud: portalkit has no provider of this type (it has github, githubOrg, gitlab, ldapOrg); remove it or add an EntityProvider in code',
    );
  });

  it('checks an ldapOrg provider against Backstage\'s shape before it connects', async () => {
    const error = await startWith(
      'catalog:\n  providers:\n    ldapOrg:\n      corp:\n        target: ldaps://ds.example.net/ou=x\n        users:\n          dn: ou=people,dc=example,dc=net\n        groups:\n          dn: ou=groups,dc=example,dc=net\n',
    );
    expect(error.message).toMatch(/^app-config\.local\.yaml:5: catalog\.providers\.ldapOrg\.corp\.target: an ldap:\/\/ or ldaps:\/\/ URL/);
  });

  it('names the key of a secret whose environment variable is missing', async () => {
    const { GITHUB_TOKEN: _, ...rest } = env;
    await expect(load(undefined, rest)).rejects.toThrow('app-config.yaml: integrations.github[0].token: environment variable GITHUB_TOKEN is not set (line 36)');
  });

  it('warns about keys it does not know, with their line, and still starts', async () => {
    await writeFile(path.join(dir, 'app-config.local.yaml'), 'catalog:\n  locations:\n    - type: file\n      target: ./examples/org.yaml\n      presense: optional\n  orphanStrategy: delete\n');
    const config = await load(['app-config.yaml', 'app-config.local.yaml']);
    const plugin = catalogPlugin();
    portal = createPortal({ config, plugins: [plugin], logger: createLogger({ sink }) });
    await portal.start();
    expect(messages()).toContain('app-config.local.yaml:5: catalog.locations[0].presense: unknown key, not read by portalkit');
    expect(messages()).toContain(
      "app-config.local.yaml:6: catalog.orphanStrategy: ignored: portalkit keeps orphaned entities and marks them backstage.io/orphan: 'true' (Backstage's default, keep)",
    );
    expect(await plugin.catalog.getEntityByRef('group:default/team-a')).toBeDefined();
  });
});

describe('app-config.yaml: catalog.providers', () => {
  let github: GithubContractServer;
  beforeEach(async () => {
    github = await startGithubContractServer();
    // The organization's repository listing is among the publish routes.
    registerPublishRoutes(github).addAccount('acme', 'Organization');
    const component = (name: string) =>
      `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n`;
    await github.addRepo('acme', 'svc-billing', { 'catalog-info.yaml': component('svc-billing') });
    await github.addRepo('acme', 'website', { 'catalog-info.yaml': component('website') });
  });
  afterEach(async () => {
    await github.close();
  });

  it('discovers repositories with a GitHub provider configured in Backstage\'s shape', async () => {
    await writeFile(
      path.join(dir, 'app-config.local.yaml'),
      [
        'integrations:',
        '  github:',
        `    - host: ${github.host}`,
        `      apiBaseUrl: ${github.apiBaseUrl}`,
        `      rawBaseUrl: ${github.rawBaseUrl}`,
        `      codeloadBaseUrl: ${github.codeloadBaseUrl}`,
        '      token: ${LOCAL_GITHUB_TOKEN}',
        '      allowPrivateNetwork: true',
        'catalog:',
        '  locations: []',
        '  providers:',
        '    github:',
        '      acme:',
        '        organization: acme',
        `        host: ${github.host}`,
        '        catalogPath: /catalog-info.yaml',
        '        filters:',
        '          repository: ^svc-',
        '        schedule:',
        '          frequency: { minutes: 30 }',
        '          timeout: PT3M',
        '',
      ].join('\n'),
    );
    const config = await load(['app-config.yaml', 'app-config.local.yaml'], { ...env, LOCAL_GITHUB_TOKEN: github.token });
    const plugin = catalogPlugin();
    portal = createPortal({ config, plugins: [plugin], logger: createLogger({ sink }) });
    await portal.start();
    await plugin.catalog.refresh();
    const { items } = await plugin.catalog.getEntities({ filter: { kind: 'component' } });
    expect(items.map((e) => e.metadata.name)).toEqual(['svc-billing']);
    expect(messages()).toContain('app-config.local.yaml:21: catalog.providers.github.acme.schedule.timeout: ignored: a provider run has no timeout of its own');
  });
});
