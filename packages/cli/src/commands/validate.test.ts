import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EntityProblem as JsonProblem } from '../index.js';
import { catalogFixtures, cli, tempDir } from '../test-utils.js';

describe('portalkit validate', () => {
  it('accepts the fixture catalog: exit 0, nothing but the summary', async () => {
    const { code, stdout, stderr } = await cli(['validate', 'all.yaml', 'org', 'domains', 'systems', 'services/*/catalog-info.yaml', 'apis/*.yaml', 'resources', 'templates'], catalogFixtures);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toBe('20 files, 29 entity documents: all valid\n');
  });

  it('reports each problem of the broken fixtures as file:line:col  ref  path  message [rule], exit 1', async () => {
    const { code, stdout, stderr } = await cli(['validate', 'broken/*.yaml'], catalogFixtures);
    expect(code).toBe(1);
    const lines = stdout.trim().split('\n');
    expect(lines).toContain('broken/missing-owner.yaml:5:1  component:default/no-owner  spec.owner  is required [required]');
    expect(lines).toContain(
      'broken/bad-ref.yaml:9:3  component:default/bad-dependency  spec.dependsOn[0]  Entity reference "payments-db" had missing or empty kind (e.g. did not start with "component:" or similar) [relation]',
    );
    expect(lines).toContain('broken/syntax.yaml:8:3  -  -  missed comma between flow collection entries [yaml-syntax]');
    expect(lines).toContain('broken/not-object.yaml:9:3  -  -  expected an entity object, got an array [type]');
    expect(lines).toContain('broken/missing-placeholder.yaml:9:3  api:default/missing-definition  spec.definition  $text target ./nope.yaml does not exist [placeholder]');
    expect(lines).toContain('broken/dup-b.yaml:1:1  component:default/duplicated  metadata.name  component:default/duplicated is already defined at broken/dup-a.yaml:1 [duplicate]');
    expect(lines.find((l) => l.startsWith('broken/bad-name.yaml:4:3  component:default/not valid!  metadata.name  "Not Valid!" is not valid'))).toMatch(/\[name-format\]$/);
    expect(lines.find((l) => l.startsWith('broken/escape.yaml:9:3'))).toContain('outside');
    // The valid neighbours of broken documents are not reported.
    expect(stdout).not.toContain('fine-neighbour');
    expect(stdout).not.toContain('fine-group');
    expect(lines).toHaveLength(8);
    expect(stderr).toBe('8 problems in 8 of 11 files (12 documents)\n');
  });

  it('prints a JSON array with --format json', async () => {
    const { code, stdout, stderr } = await cli(['validate', 'broken/missing-owner.yaml', 'broken/syntax.yaml', '--format', 'json'], catalogFixtures);
    expect(code).toBe(1);
    expect(stderr).toBe('');
    const problems = JSON.parse(stdout) as JsonProblem[];
    expect(problems).toEqual([
      { file: 'broken/missing-owner.yaml', line: 5, column: 1, entityRef: 'component:default/no-owner', path: 'spec.owner', rule: 'required', message: 'is required' },
      { file: 'broken/syntax.yaml', line: 8, column: 3, entityRef: null, path: '', rule: 'yaml-syntax', message: 'missed comma between flow collection entries' },
    ]);
    const valid = await cli(['validate', 'org/users.yaml', '--format', 'json'], catalogFixtures);
    expect(valid.code).toBe(0);
    expect(JSON.parse(valid.stdout)).toEqual([]);
  });

  it('numbers lines across documents, skips empty ones, and reports every bad field', async () => {
    const dir = await tempDir();
    await writeFile(
      path.join(dir, 'catalog-info.yaml'),
      [
        '# leading comment',
        '---',
        'apiVersion: backstage.io/v1alpha1',
        'kind: Group',
        'metadata:',
        '  name: team-a',
        'spec:',
        '  type: team',
        '  children: []',
        '---',
        '---',
        '# an empty document',
        '---',
        'apiVersion: backstage.io/v1alpha1',
        'kind: Component',
        'metadata:',
        '  name: svc',
        '  labels:',
        '    "bad label!": x',
        'spec:',
        '  type: service',
        '  lifecycle: 42',
        '  owner: team-a',
        '  extra: [',
        '',
      ].join('\n'),
    );
    const first = await cli(['validate', 'catalog-info.yaml', '--format', 'json'], dir);
    const problems = JSON.parse(first.stdout) as JsonProblem[];
    expect(problems).toEqual([
      expect.objectContaining({ file: 'catalog-info.yaml', line: 25, rule: 'yaml-syntax' }),
    ]);

    const file = path.join(dir, 'catalog-info.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('  extra: [\n', ''));
    const second = await cli(['validate', 'catalog-info.yaml', '--format', 'json'], dir);
    expect(second.code).toBe(1);
    const byPath = Object.fromEntries((JSON.parse(second.stdout) as JsonProblem[]).map((p) => [p.path, p]));
    expect(Object.keys(byPath).sort()).toEqual(['metadata.labels["bad label!"]', 'spec.lifecycle']);
    expect(byPath['spec.lifecycle']).toMatchObject({ line: 22, column: 3, entityRef: 'component:default/svc', rule: 'type' });
    expect(byPath['metadata.labels["bad label!"]']).toMatchObject({ line: 19, column: 5, entityRef: 'component:default/svc' });
  });

  it('scans directories for entity files, skipping other YAML such as OpenAPI specs', async () => {
    const { code, stdout } = await cli(['validate', 'apis', 'services'], catalogFixtures);
    expect(code).toBe(0);
    expect(stdout).toBe('8 files, 10 entity documents: all valid; 2 non-entity YAML files skipped\n');
    // Named explicitly, a non-entity file is checked.
    const explicit = await cli(['validate', 'apis/specs/auth-openapi.yaml'], catalogFixtures);
    expect(explicit.code).toBe(1);
    expect(explicit.stdout).toContain('apis/specs/auth-openapi.yaml:1:1  -  kind  is required [required]');
  });

  it('is a usage error (exit 2) when an argument matches no file', async () => {
    const dir = await tempDir();
    await mkdir(path.join(dir, 'empty'));
    for (const arg of ['missing.yaml', 'nothing/**/*.yaml', 'empty']) {
      const { code, stderr } = await cli(['validate', arg], dir);
      expect(code, arg).toBe(2);
      expect(stderr).toContain(`error: ${arg}: no`);
    }
  });
});

describe('portalkit validate: templates', () => {
  it('checks action ids, input keys, filters and step references against the built-in actions, at their lines', async () => {
    const dir = await tempDir();
    await writeFile(
      path.join(dir, 'template.yaml'),
      [
        'apiVersion: scaffolder.backstage.io/v1beta3',
        'kind: Template',
        'metadata:',
        '  name: misspelt',
        'spec:',
        '  owner: team-a',
        '  type: service',
        '  steps:',
        '    - id: fetch',
        '      action: fetch:templte',
        '      input:',
        '        url: ./skeleton',
        '    - id: publish',
        '      action: publish:git',
        '      input:',
        '        remoteUrl: /srv/git/${{ parameters.name | lowr }}.git',
        '        defaultBrach: main',
        '    - id: register',
        '      action: catalog:register',
        '      input:',
        '        repoContentsUrl: ${{ steps.publsh.output.repoContentsUrl }}',
        '  output:',
        '    remoteUrl: ${{ steps.publish.output.remoteURL }}',
        '',
      ].join('\n'),
    );
    const { code, stdout, stderr } = await cli(['validate', 'template.yaml'], dir);
    expect(code).toBe(1);
    expect(stdout.trim().split('\n')).toEqual([
      'template.yaml:10:7  template:default/misspelt  spec.steps[0].action  steps[0] (id: fetch).action: action `fetch:templte` is not registered (did you mean `fetch:template`?) [unknown-action]',
      'template.yaml:17:9  template:default/misspelt  spec.steps[1].input.defaultBrach  steps[1] (id: publish).input.defaultBrach: publish:git has no input `defaultBrach` (did you mean `defaultBranch`?) [unknown-input]',
      'template.yaml:16:9  template:default/misspelt  spec.steps[1].input.remoteUrl  steps[1] (id: publish).input.remoteUrl: unknown filter `lowr` (did you mean `lower`?) [unknown-filter]',
      'template.yaml:21:9  template:default/misspelt  spec.steps[2].input.repoContentsUrl  steps[2] (id: register).input.repoContentsUrl: `steps.publsh` is not a step of this template (did you mean `publish`?) [unknown-step]',
      'template.yaml:23:5  template:default/misspelt  spec.output.remoteUrl  output.remoteUrl: `steps.publish.output.remoteURL`: action publish:git has no output `remoteURL` (did you mean `remoteUrl`?) (it outputs `remoteUrl`, `repoContentsUrl`, `commitHash`) [unknown-output]',
    ]);
    expect(stderr).toBe('5 problems in 1 of 1 file (1 document)\n');
  });

  it('passes the fixture templates, spelt right', async () => {
    const { code, stderr } = await cli(['validate', 'templates'], catalogFixtures);
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
