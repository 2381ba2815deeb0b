import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '@portalkit/core';
import { type Catalog, createCatalog } from '@portalkit/catalog';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PublishRoutes } from '../support/contract/github/publish-routes.js';
import type { GithubContractServer } from '../support/contract/github/server.js';
import { startPublishGithub } from './setup.js';

// A repository author turns the entity's YAML file into a symbolic link to a file of the portal's
// host after it was ingested: the write-back must neither read nor write through it.

const SOURCE = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: linked\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n';

let server: GithubContractServer;
let routes: PublishRoutes;
let catalog: Catalog;
let dir: string;
let victim: string;

beforeAll(async () => {
  const started = await startPublishGithub();
  ({ server, routes } = started);
  const { repo } = await server.addRepo('acme', 'linked', { 'catalog-info.yaml': SOURCE });
  dir = await mkdtemp(path.join(tmpdir(), 'pk-write-back-link-'));
  victim = path.join(dir, 'host-secret.yaml');
  await writeFile(victim, SOURCE);
  catalog = createCatalog({
    rootDir: dir,
    integrations: started.integrations,
    locations: [{ type: 'url', target: `${server.baseUrl}/acme/linked/blob/main/catalog-info.yaml` }],
    logger: createLogger({ level: 'error' }),
  });
  await catalog.refresh();
  expect(await catalog.getEntityByRef('component:default/linked')).toBeDefined();
  // Replace the file on main with a symbolic link to the host file (git mode 120000).
  const git = (args: string[], input?: string) => execFileSync('git', ['--git-dir', repo.gitDir, ...args], { input, encoding: 'utf8' }).trim();
  const blob = git(['hash-object', '-w', '--stdin'], victim);
  const tree = git(['mktree'], `120000 blob ${blob}\tcatalog-info.yaml\n`);
  const commit = git(['-c', 'user.name=m', '-c', 'user.email=m@example.com', 'commit-tree', tree, '-p', 'main', '-m', 'link']);
  git(['update-ref', 'refs/heads/main', commit]);
});
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

it('refuses a source file that is a symbolic link, leaving the file it points to as it was', async () => {
  await expect(catalog.updateEntity('component:default/linked', { patch: { spec: { owner: 'team-b' } } })).rejects.toMatchObject({ name: 'InputError' });
  expect(await readFile(victim, 'utf8')).toBe(SOURCE);
  expect(routes.pulls).toEqual([]);
});
