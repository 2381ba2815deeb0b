import { readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createCatalog } from '@portalkit/catalog';
import type { ScmIntegrations } from '@portalkit/integrations';
import { builtinActions, createAction, createScaffolder, type TemplateEntity } from '@portalkit/scaffolder';
import { type GitServer, startGitServer } from '@portalkit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitIntegrations } from './git-integrations.js';

/** Reports the workspace's files (path -> text) as the output `files`. */
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

const template = (steps: string) => `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: node-from-git
spec:
  owner: team-a
  type: service
  parameters:
    - properties:
        name: { type: string }
  steps:
${steps}    - id: capture
      action: test:capture
  output:
    files: \${{ steps.capture.output.files }}
`;

describe('scaffolder: templates registered from a host fetch their skeleton through the integration (real git server)', () => {
  let server: GitServer;
  let integrations: ScmIntegrations;

  beforeAll(async () => {
    server = await startGitServer({ auth: { username: 'bot', password: 'bot-pass' } });
    integrations = gitIntegrations(server, { username: 'bot', password: 'bot-pass' });
    await server.createRepo('shared/assets', { 'lint/config.json': '{"strict":true}', 'NOTICE.txt': 'shared notice' });
    await server.createRepo('platform/templates', {
      'LICENSE': 'Apache-2.0',
      'templates/node/template.yaml': template(`    - id: fetch
      action: fetch:template
      input:
        url: ./skeleton
        values:
          name: \${{ parameters.name }}
    - id: shared
      action: fetch:plain
      input:
        url: ${server.baseUrl}/shared/assets.git/tree/main/lint
        targetPath: ./lint
    - id: notice
      action: fetch:plain:file
      input:
        url: ${server.baseUrl}/shared/assets.git/blob/main/NOTICE.txt
        targetPath: NOTICE.txt
    - id: license
      action: fetch:plain:file
      input:
        url: ../../LICENSE
        targetPath: LICENSE
`),
      'templates/node/skeleton/package.json': '{ "name": "${{ values.name }}" }\n',
      'templates/node/skeleton/src/index.js': 'console.log("${{ values.name }}");\n',
      'templates/escape/template.yaml': template(`    - id: fetch
      action: fetch:plain
      input:
        url: ../../../outside
`),
      'templates/foreign/template.yaml': template(`    - id: fetch
      action: fetch:plain
      input:
        url: https://unconfigured.example/acme/x.git/tree/main/
`),
      'templates/secret/template.yaml': template(`    - id: fetch
      action: fetch:plain
      input:
        url: https://bot:hunter2-secret@unconfigured.example/acme/x.git/tree/main/
`),
    });
  });
  afterAll(async () => server?.close());

  const setup = async (name: string) => {
    const catalog = createCatalog({ integrations, rules: [{ allow: ['Template', 'Location'] }] });
    const url = `${server.baseUrl}/platform/templates.git/blob/main/templates/${name}/template.yaml`;
    await catalog.addLocation({ type: 'url', target: url });
    const entity = await catalog.getEntityByRef('template:default/node-from-git');
    if (!entity) throw new Error(JSON.stringify(await catalog.getProcessingErrors()));
    const scaffolder = createScaffolder({
      actions: [...builtinActions({ integrations }), captureAction],
      workingDirectory: os.tmpdir(),
    });
    return { entity: entity as unknown as TemplateEntity, scaffolder };
  };

  it('renders ./skeleton of the template\'s own repository, absolute tree and blob URLs and a relative file', async () => {
    const { entity, scaffolder } = await setup('node');
    const task = await scaffolder.run(entity, { values: { name: 'billing' } });
    const result = await task.result;
    expect(result).toMatchObject({ status: 'completed' });
    expect(result.output?.files).toEqual({
      'package.json': '{ "name": "billing" }\n',
      'src/index.js': 'console.log("billing");\n',
      'lint/config.json': '{"strict":true}',
      'NOTICE.txt': 'shared notice',
      'LICENSE': 'Apache-2.0',
    });
  });

  it('fails with a typed error when a relative URL leaves the repository or a host is not configured', async () => {
    for (const [name, error] of [
      ['escape', 'InputError'],
      ['foreign', 'NotAllowedError'],
      ['secret', 'InputError'],
    ] as const) {
      const { entity, scaffolder } = await setup(name);
      const task = await scaffolder.run(entity, { values: { name: 'x' } });
      const result = await task.result;
      expect(result).toMatchObject({ status: 'failed', error: { name: error } });
      const seen = JSON.stringify([result, await task.listEvents()]);
      expect(seen).not.toContain('hunter2-secret');
    }
  });
});
