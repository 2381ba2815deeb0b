import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, repoRoot, tempDir } from './test-utils.js';

/**
 * A user's project outside this repository: its own modules import the installed portalkit
 * packages (linked here to the workspace packages, as `npm install` of the tarballs would place them).
 */
async function project(files: Record<string, string>): Promise<string> {
  const dir = await tempDir();
  await mkdir(path.join(dir, 'node_modules/@portalkit'), { recursive: true });
  for (const pkg of ['scaffolder', 'catalog', 'core']) {
    await symlink(path.join(repoRoot, 'packages', pkg), path.join(dir, 'node_modules/@portalkit', pkg));
  }
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  return dir;
}

const actionsModule = `
import { createAction } from '@portalkit/scaffolder';
export const actions = [
  createAction({
    id: 'acme:hello',
    supportsDryRun: true,
    async handler(ctx) {
      ctx.logger.info('hello ' + ctx.input.name);
      ctx.output('greeting', 'hello ' + ctx.input.name);
    },
  }),
];
`;

const processorsModule = `
module.exports = {
  processors: [{
    name: 'require-owner-team',
    validate(entity) {
      if (entity.kind === 'Component' && !String(entity.spec?.owner ?? '').startsWith('team-')) {
        throw new Error('owner must be a team-* group');
      }
    },
    postProcess(entity) {
      return { ...entity, metadata: { ...entity.metadata, labels: { ...entity.metadata.labels, checked: 'yes' } } };
    },
  }],
};
`;

const template = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: hello
spec:
  parameters:
    - properties:
        name: { type: string }
  steps:
    - id: greet
      action: acme:hello
      input:
        name: \${{ parameters.name }}
  output:
    text:
      - title: Greeting
        content: \${{ steps.greet.output.greeting }}
`;

const component = (name: string, owner: string) =>
  `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: ${owner}\n`;

describe('custom actions and processors from the host (--actions, --config, portalkit.config.*)', () => {
  it('template run and --dry-run use the actions of --actions', async () => {
    const dir = await project({ 'actions.mjs': actionsModule, 'template.yaml': template, 'values.yaml': 'name: Ann\n' });
    for (const extra of [[], ['--dry-run']]) {
      const { code, stdout, stderr } = await cli(['template', 'run', 'template.yaml', '--values', 'values.yaml', '--actions', './actions.mjs', ...extra], dir);
      expect({ code, stderr }).toMatchObject({ code: 0, stderr: expect.stringContaining('loaded actions.mjs: 1 action, 0 processors') });
      expect(stderr).toContain('[greet] hello Ann');
      expect(stdout).toContain('Greeting: hello Ann');
    }
    // Without the module the template names the unknown action.
    const without = await cli(['template', 'run', 'template.yaml', '--values', 'values.yaml'], dir);
    expect(without.code).toBe(1);
    expect(without.stderr).toContain('acme:hello');
  });

  it('picks up portalkit.config.cjs; validate runs its processors and catalog ingest walks directories like validate', async () => {
    const dir = await project({
      'portalkit.config.cjs': processorsModule,
      'catalog/good/catalog-info.yaml': component('good', 'team-a'),
      'catalog/bad/catalog-info.yaml': component('bad', 'someone'),
      'catalog/api/openapi.yaml': 'openapi: 3.0.0\ninfo: { title: x, version: "1" }\n',
      'catalog/node_modules/dep/catalog-info.yaml': component('dep', 'nobody'),
    });
    const validated = await cli(['validate', 'catalog', '--format', 'json'], dir);
    expect(validated.code).toBe(1);
    expect(validated.stderr).toContain('loaded portalkit.config.cjs: 0 actions, 1 processor');
    expect(JSON.parse(validated.stdout)).toEqual([
      { file: 'catalog/bad/catalog-info.yaml', line: 1, column: 1, entityRef: 'component:default/bad', path: '', rule: 'processor:require-owner-team', message: 'owner must be a team-* group' },
    ]);

    const ingested = await cli(['catalog', 'ingest', 'catalog', '--store', 'memory'], dir);
    // The two entity files are registered as locations (not the OpenAPI file, not node_modules).
    expect(ingested.stdout).toMatch(/Entities in the store: 3\n {2}Location {3}2\n {2}Component {2}1\n/);
    expect(ingested.stdout).toMatch(/component:default\/bad.*owner must be a team-\* group/s);
    expect(ingested.code).toBe(1);
  });

  it('names the file for a missing module, a module that throws, and wrong export shapes', async () => {
    const dir = await project({
      'throws.mjs': "throw new Error('no database configured');\n",
      'empty.mjs': 'export const something = 1;\n',
      'not-array.mjs': 'export const actions = { id: "x" };\n',
      'bad-item.mjs': 'export default { actions: [{ id: "acme:x" }] };\n',
      'bad-processor.mjs': 'export const processors = [{ name: "p" }];\n',
      'twice.mjs': actionsModule,
      'actions.mjs': actionsModule,
      'builtin.mjs': "import { createAction } from '@portalkit/scaffolder';\nexport const actions = [createAction({ id: 'debug:log', handler() {} })];\n",
      'template.yaml': template,
      'c.yaml': component('c', 'team-a'),
    });
    const run = (...args: string[]) => cli(['template', 'run', 'template.yaml', ...args], dir);
    expect(await run('--actions', 'missing.mjs')).toMatchObject({ code: 2, stderr: expect.stringContaining('error: --actions missing.mjs: no such file') });
    expect(await cli(['validate', 'c.yaml', '--config', 'nope.js'], dir)).toMatchObject({ code: 2, stderr: expect.stringContaining('--config nope.js: no such file') });
    const cases: Array<[string, string]> = [
      ['throws.mjs', 'throws.mjs: the module failed to load: Error: no database configured'],
      ['empty.mjs', 'empty.mjs: exports neither `actions` nor `processors`'],
      ['not-array.mjs', 'not-array.mjs: `actions` must be an array, got an object with keys id'],
      ['bad-item.mjs', 'bad-item.mjs: actions[0] is not a scaffolder action (make it with createAction from @portalkit/scaffolder)'],
      ['bad-processor.mjs', 'bad-processor.mjs: processors[0] is not a catalog processor'],
      ['builtin.mjs', 'builtin.mjs: action debug:log is a built-in action; choose another id'],
    ];
    for (const [file, message] of cases) {
      const { code, stderr } = await run('--actions', file);
      expect({ file, code, stderr }).toMatchObject({ file, code: 1, stderr: expect.stringContaining(message) });
    }
    const twice = await run('--actions', 'actions.mjs', '--actions', 'twice.mjs');
    expect(twice.stderr).toContain('twice.mjs: action acme:hello is also defined by actions.mjs');
    // The same loader behind every command.
    expect((await cli(['catalog', 'ingest', 'c.yaml', '--store', 'memory', '--actions', 'throws.mjs'], dir)).stderr).toContain('throws.mjs: the module failed to load');
    expect((await cli(['validate', 'c.yaml', '--actions', 'empty.mjs'], dir)).stderr).toContain('empty.mjs: exports neither');
  });
});
