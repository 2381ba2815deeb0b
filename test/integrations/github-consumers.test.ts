import { readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createCatalog } from '@portalkit/catalog';
import { createLogger } from '@portalkit/core';
import { createIntegrations, type ScmIntegrations } from '@portalkit/integrations';
import { builtinActions, createAction, createScaffolder, type TemplateEntity } from '@portalkit/scaffolder';
import { createTechDocs, memoryPublisher, type TechDocsEntity } from '@portalkit/techdocs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GithubContractServer, startGithubContractServer } from '../support/contract/github/index.js';

// The catalog, TechDocs and the scaffolder reading one repository of the local GitHub through
// its blob and tree URLs: real Octokit, real git archives, every API answer checked against
// GitHub's published description.

const logger = createLogger({ level: 'error' });

const captureAction = createAction({
  id: 'test:capture',
  async handler(ctx) {
    const files: Record<string, string> = {};
    const walk = async (dir: string, prefix: string) => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
        if (entry.isDirectory()) await walk(path.join(dir, entry.name), rel);
        else files[rel] = await readFile(path.join(dir, entry.name), 'utf8');
      }
    };
    await walk(ctx.workspacePath, '');
    ctx.output('files', files);
  },
});

describe('catalog, TechDocs and scaffolder through the GitHub integration (local GitHub)', () => {
  let github: GithubContractServer;
  let integrations: ScmIntegrations;
  const blob = (rest: string) => `${github.baseUrl}/acme/web/blob/main/${rest}`;

  beforeAll(async () => {
    github = await startGithubContractServer();
    await github.addRepo(
      'acme',
      'web',
      {
        'catalog-info.yaml': [
          'apiVersion: backstage.io/v1alpha1',
          'kind: Component',
          'metadata:',
          '  name: web',
          '  description:',
          '    $text: ./DESCRIPTION.txt',
          '  annotations:',
          '    backstage.io/techdocs-ref: dir:.',
          'spec:',
          '  type: website',
          '  lifecycle: production',
          '  owner: team-a',
          '',
        ].join('\n'),
        'DESCRIPTION.txt': 'The web shop, read through the contents API',
        'mkdocs.yml': 'site_name: Web\nnav:\n  - Home: index.md\n',
        'docs/index.md': '# Web\n\nDocs from the local GitHub.\n',
        'templates/node/template.yaml': [
          'apiVersion: scaffolder.backstage.io/v1beta3',
          'kind: Template',
          'metadata:',
          '  name: node-from-github',
          'spec:',
          '  owner: team-a',
          '  type: service',
          '  parameters:',
          '    - properties:',
          '        name: { type: string }',
          '  steps:',
          '    - id: fetch',
          '      action: fetch:template',
          '      input:',
          '        url: ./skeleton',
          '        values:',
          '          name: ${{ parameters.name }}',
          '    - id: capture',
          '      action: test:capture',
          '  output:',
          '    files: ${{ steps.capture.output.files }}',
          '',
        ].join('\n'),
        'templates/node/skeleton/package.json': '{ "name": "${{ values.name }}" }\n',
      },
      { private: true },
    );
    integrations = createIntegrations({
      config: {
        github: [
          {
            host: github.host,
            apiBaseUrl: github.apiBaseUrl,
            rawBaseUrl: github.rawBaseUrl,
            codeloadBaseUrl: github.codeloadBaseUrl,
            token: github.token,
            allowPrivateNetwork: true,
          },
        ],
      },
    });
  });
  afterAll(async () => {
    await github?.close();
  });

  it('ingests a blob URL location with a relative $text placeholder, and builds its dir:. docs', async () => {
    const catalog = createCatalog({ integrations });
    await catalog.addLocation({ type: 'url', target: blob('catalog-info.yaml') });
    const entity = await catalog.getEntityByRef('component:default/web');
    expect(entity, JSON.stringify(await catalog.getProcessingErrors())).toBeDefined();
    expect(entity?.metadata.description).toBe('The web shop, read through the contents API');
    expect(entity?.metadata.annotations?.['backstage.io/edit-url']).toBe(`${github.baseUrl}/acme/web/edit/main/catalog-info.yaml`);

    const techdocs = createTechDocs({ publisher: memoryPublisher(), integrations, logger });
    await techdocs.build(entity as TechDocsEntity);
    const page = await techdocs.request('/static/docs/default/component/web/index.html');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Docs from the local GitHub.');
    github.assertNoViolations();
  });

  it("runs a template registered from GitHub, fetching ./skeleton from the template's repository", async () => {
    const catalog = createCatalog({ integrations, rules: [{ allow: ['Template', 'Location'] }] });
    await catalog.addLocation({ type: 'url', target: blob('templates/node/template.yaml') });
    const entity = await catalog.getEntityByRef('template:default/node-from-github');
    expect(entity, JSON.stringify(await catalog.getProcessingErrors())).toBeDefined();
    const scaffolder = createScaffolder({ actions: [...builtinActions({ integrations }), captureAction], workingDirectory: os.tmpdir() });
    const task = await scaffolder.run(entity as unknown as TemplateEntity, { values: { name: 'shop' } });
    const result = await task.result;
    expect(result).toMatchObject({ status: 'completed' });
    expect(result.output?.files).toEqual({ 'package.json': '{ "name": "shop" }\n' });
    github.assertNoViolations();
  });
});
