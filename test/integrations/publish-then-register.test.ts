/*
 * publish:git followed by catalog:register, end to end with the real catalog and the real git
 * server: the step registers a location the catalog can read, or fails with the catalog's own
 * problem and registers nothing — it never reports success for a location that is only a
 * processing error.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Logger } from '@portalkit/core';
import { createCatalog, memoryStore } from '@portalkit/catalog';
import { builtinActions, createAction, createScaffolder, parseTemplate, type Scaffolder } from '@portalkit/scaffolder';
import { type GitServer, startGitServer } from '@portalkit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitIntegrations } from './git-integrations.js';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

let server: GitServer;
let dir: string;
let catalog: ReturnType<typeof createCatalog>;
let scaffolder: Scaffolder;

/** A template writing `catalogInfo` as catalog-info.yaml, publishing it and registering `catalogInfoPath`. */
const template = (catalogInfo: string, register: Record<string, unknown> = {}) =>
  parseTemplate({
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: { name: 'publish-register' },
    spec: {
      parameters: [{ properties: { repo: { type: 'string' } } }],
      steps: [
        { id: 'write', action: 'test:write', input: { text: catalogInfo } },
        { id: 'publish', action: 'publish:git', input: { remoteUrl: `${server.baseUrl}/team/\${{ parameters.repo }}.git`, defaultBranch: 'main' } },
        { id: 'register', action: 'catalog:register', input: { repoContentsUrl: '${{ steps.publish.output.repoContentsUrl }}', catalogInfoPath: '/catalog-info.yaml', ...register } },
      ],
      output: { entityRef: '${{ steps.register.output.entityRef }}' },
    },
  });

const component = (name: string) =>
  `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: experimental\n  owner: team-a\n`;

async function publishAndRegister(repo: string, catalogInfo: string, register: Record<string, unknown> = {}) {
  await server.createEmptyRepo(`team/${repo}`);
  const task = await scaffolder.run(template(catalogInfo, register), { values: { repo } });
  const result = await task.result;
  const events = await task.listEvents();
  return { result, failedStep: events.find((e) => e.body.status === 'failed' && e.body.stepId)?.body.stepId };
}

const registered = async () => (await catalog.getLocations()).map((l) => l.target);

beforeAll(async () => {
  server = await startGitServer({ auth: { username: 'bot', password: 'bot-pass' } });
  dir = await mkdtemp(path.join(tmpdir(), 'pk-publish-register-'));
  const integrations = gitIntegrations(server, { username: 'bot', password: 'bot-pass' });
  catalog = createCatalog({ store: memoryStore(), rootDir: dir, integrations, logger: silent });
  const write = createAction({
    id: 'test:write',
    schema: { input: (z) => z.object({ text: z.string() }) },
    async handler(ctx) {
      await writeFile(path.join(ctx.workspacePath, 'catalog-info.yaml'), ctx.input.text);
    },
  });
  scaffolder = createScaffolder({ actions: [...builtinActions({ catalog, integrations }), write], workingDirectory: path.join(dir, 'work'), logger: silent });
  await scaffolder.start();
});
afterAll(async () => {
  await scaffolder?.stop();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('publish:git then catalog:register, against the real catalog', () => {
  it('registers a location the catalog reads, and outputs its entity', async () => {
    const { result } = await publishAndRegister('billing', component('billing'));
    expect(result.error).toBeUndefined();
    expect(result.output).toEqual({ entityRef: 'component:default/billing' });
    expect(await catalog.getEntityByRef('component:default/billing')).toBeDefined();
    expect(await registered()).toContain(`${server.baseUrl}/team/billing.git/blob/main/catalog-info.yaml`);
  });

  it('fails the step with the catalog’s problem, registering nothing, when the catalog cannot use what was published', async () => {
    const cases: Array<{ repo: string; text: string; register?: Record<string, unknown>; message: RegExp }> = [
      // A misspelt path: the file the catalog is pointed at does not exist.
      { repo: 'misspelt-path', text: component('misspelt-path'), register: { catalogInfoPath: '/catalog-info.yml' }, message: /catalog cannot use .*catalog-info\.yml: Location .* problem/ },
      // A kind the catalog's rules do not accept from registered locations.
      { repo: 'system', text: 'apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata:\n  name: payments\nspec:\n  owner: team-a\n', message: /catalog cannot use .*: Location .*System/ },
      // An entity that does not validate.
      { repo: 'invalid', text: 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: Not Valid!\nspec:\n  type: service\n  lifecycle: x\n  owner: team-a\n', message: /catalog cannot use .*: Location .* problem/ },
      // A file with no entity in it.
      { repo: 'empty', text: '# nothing here yet\n', message: /the catalog reads no entity from .*empty\.git\/blob\/main\/catalog-info\.yaml/ },
    ];
    for (const c of cases) {
      const before = await registered();
      const { result, failedStep } = await publishAndRegister(c.repo, c.text, c.register);
      expect(result.status, c.repo).toBe('failed');
      expect(result.error?.name, c.repo).toBe('InputError');
      expect(result.error?.message, c.repo).toMatch(c.message);
      expect(failedStep, c.repo).toBe('register');
      // It was published (the publish step ran), but nothing was registered.
      expect(await server.git(`team/${c.repo}`, ['rev-parse', 'main'])).toMatch(/^[0-9a-f]{40}$/);
      expect(await registered(), c.repo).toEqual(before);
    }
  });

  it('registers an optional location whatever the catalog reads today, as Backstage does', async () => {
    const { result } = await publishAndRegister('later', '# filled in later\n', { optional: true });
    expect(result.status).toBe('completed');
    expect(result.output).toEqual({});
    expect(await registered()).toContain(`${server.baseUrl}/team/later.git/blob/main/catalog-info.yaml`);
  });
});
