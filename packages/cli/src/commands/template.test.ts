import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, scaffolderFixtures, tempDir } from '../test-utils.js';

const nodeService = path.join(scaffolderFixtures, 'node-service', 'template.yaml');

async function workspace(values: string) {
  const dir = await tempDir();
  await writeFile(path.join(dir, 'values.yaml'), values);
  return dir;
}

const goodValues = (remote: string) => `name: my-service\nowner: group:default/platform\nremoteUrl: ${remote}\nfeatures: [metrics]\n`;

describe('portalkit template run', () => {
  it('dry-runs the node-service template: lists the files, streams the log, writes --output-dir, publishes nothing', async () => {
    const dir = await workspace(goodValues('./remote.git'));
    const { code, stdout, stderr } = await cli(['template', 'run', nodeService, '--values', 'values.yaml', '--dry-run', '--output-dir', 'out'], dir);
    expect(code).toBe(0);
    const files = stdout.split('\n').filter((l) => l.startsWith('  ') && l.includes(' bytes')).map((l) => l.trim().split('  ')[0]);
    expect(files).toEqual(['.gitignore', 'catalog-info.yaml', 'logo.png', 'my-service-docs/index.md', 'package.json', 'src/index.js', 'src/my-service.js', 'static/raw.txt']);
    expect(stdout).toContain('Files the template would write (8):');
    expect(stdout).toContain('Wrote them to out');
    expect(stdout).toMatch(/Task dry run completed\.\n$/);
    expect(stderr).toContain('[fetch] Beginning step Fetch skeleton');
    expect(stderr).toContain('[feature] Enabled feature metrics');
    expect(stderr).toContain('[publish] Skipping because publish:git does not support dry-run');
    expect(JSON.parse(await readFile(path.join(dir, 'out', 'package.json'), 'utf8'))).toMatchObject({ name: 'my-service' });
    expect(await readFile(path.join(dir, 'out', 'my-service-docs', 'index.md'), 'utf8')).toContain('- metrics');
    expect(existsSync(path.join(dir, 'remote.git'))).toBe(false);
  });

  it('runs the template for real: publishes, copies the result to --output-dir and prints the output links and text', async () => {
    const dir = await tempDir();
    const remote = path.join(dir, 'remote.git');
    await writeFile(path.join(dir, 'values.yaml'), goodValues(remote));
    const { code, stdout, stderr } = await cli(['template', 'run', nodeService, '--values', 'values.yaml', '--output-dir', 'my-service'], dir);
    expect(stderr).toContain('Run completed with status: completed');
    expect(code).toBe(0);
    const head = execFileSync('git', ['--git-dir', remote, 'rev-parse', 'main'], { encoding: 'utf8' }).trim();
    expect(stdout).toContain(`Links:\n  Repository: ${remote}\n`);
    expect(stdout).toContain(`Text:\n  Commit: ${head}\n`);
    expect(stdout).toMatch(/Task completed\.\n$/);
    expect(stderr).toContain('[publish] Pushing main to');
    // The run's catalog read what was pushed: catalog:register registered a readable location.
    expect(stderr).toMatch(/\[register\] Finished step/);
    expect(stderr).toContain('[portalkit-output] Copied the workspace to');
    expect(JSON.parse(await readFile(path.join(dir, 'my-service', 'package.json'), 'utf8'))).toMatchObject({ name: 'my-service' });
    expect(existsSync(path.join(dir, 'my-service', '.gitignore'))).toBe(true);
  });

  it('names every bad field of the values (exit 1) before running anything', async () => {
    const dir = await workspace('name: Not Valid\nport: eighty\n');
    const { code, stdout, stderr } = await cli(['template', 'run', nodeService, '--values', 'values.yaml'], dir);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const lines = stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^error: values\.yaml do not fit the parameters of .*node-service\/template\.yaml:$/);
    expect(lines).toContain('  - parameters.owner: is required');
    expect(lines).toContain('  - parameters.remoteUrl: is required');
    expect(lines).toContain('  - parameters.name: must match pattern "^[a-z][a-z0-9-]*$"');
    expect(lines).toContain('  - parameters.port: must be integer');
    expect(stderr).not.toContain('Beginning step');
  });

  it('rejects values files that are not a mapping, naming file:line (exit 1)', async () => {
    const dir = await workspace('# values\n- a\n- b\n');
    const { code, stderr } = await cli(['template', 'run', nodeService, '--values', 'values.yaml'], dir);
    expect(code).toBe(1);
    expect(stderr).toBe('error: InputError: values.yaml:2: expected a mapping of parameter names to values\n');
  });

  it('fails (exit 1) when a step fails, with the step log and the error; secrets are redacted from the log', async () => {
    const dir = await workspace('{}\n');
    await writeFile(
      path.join(dir, 'template.yaml'),
      [
        'apiVersion: scaffolder.backstage.io/v1beta3',
        'kind: Template',
        'metadata: { name: failing }',
        'spec:',
        '  parameters: []',
        '  steps:',
        '    - id: hello',
        '      action: debug:log',
        "      input: { message: 'token is ${{ secrets.TOKEN }}' }",
        '    - id: fetch',
        '      action: fetch:plain',
        '      input: { url: ./does-not-exist }',
      ].join('\n'),
    );
    const { code, stderr } = await cli(['template', 'run', 'template.yaml', '--values', 'values.yaml', '--secret', 'TOKEN=s3cr3t-value'], dir);
    expect(code).toBe(1);
    // A message derived from a secret is redacted as a whole.
    expect(stderr).toContain('[hello] ***\n');
    expect(stderr).not.toContain('s3cr3t-value');
    expect(stderr).toContain('[fetch] Beginning step fetch');
    expect(stderr).toMatch(/error: task failed: \w+Error: .*does-not-exist/);
  });

  it('is a usage error (exit 2) for a bad --secret, a missing values file or a non-empty --output-dir', async () => {
    const dir = await workspace(goodValues('./remote.git'));
    const secret = await cli(['template', 'run', nodeService, '--values', 'values.yaml', '--secret', 'NOVALUE'], dir);
    expect(secret.code).toBe(2);
    expect(secret.stderr).toContain("--secret must be KEY=VALUE (got 'NOVALUE')");
    const missing = await cli(['template', 'run', nodeService, '--values', 'nope.yaml'], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--values nope.yaml: no such file');
    await mkdir(path.join(dir, 'taken'));
    await writeFile(path.join(dir, 'taken', 'keep.txt'), 'mine');
    const taken = await cli(['template', 'run', nodeService, '--values', 'values.yaml', '--output-dir', 'taken'], dir);
    expect(taken.code).toBe(2);
    expect(taken.stderr).toContain('--output-dir taken is not empty');
    expect(await readFile(path.join(dir, 'taken', 'keep.txt'), 'utf8')).toBe('mine');
  });

  it('reports a template that does not parse (exit 1)', async () => {
    const dir = await workspace('{}\n');
    await writeFile(path.join(dir, 'template.yaml'), 'apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata: { name: x }\nspec: { steps: [ }\n');
    const { code, stderr } = await cli(['template', 'run', 'template.yaml'], dir);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^error: InputError: Invalid template in .*template\.yaml: .*template\.yaml:4:\d+: /);
  });
});
