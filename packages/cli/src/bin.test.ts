import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { catalogFixtures, repoRoot, tempDir } from './test-utils.js';

// The real executable in a child process. tsx with the root tsconfig maps @portalkit/* to the
// sources, so this needs no build; the built dist/bin.js is the same file compiled by tsup.
const tsx = path.join(repoRoot, 'node_modules/tsx/dist/cli.mjs');
const bin = path.join(repoRoot, 'packages/cli/src/bin.ts');

function portalkit(args: string[], cwd = repoRoot) {
  const result = spawnSync(process.execPath, [tsx, '--tsconfig', path.join(repoRoot, 'tsconfig.json'), bin, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  if (result.error) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the portalkit bin', () => {
  it('prints the help and exits 0', () => {
    const { code, stdout } = portalkit(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: portalkit <command> [options]');
    expect(stdout).toContain('catalog ingest');
  });

  it('prints the version of the package', () => {
    const { version } = JSON.parse(readFileSync(path.join(repoRoot, 'packages/cli/package.json'), 'utf8')) as { version: string };
    expect(portalkit(['--version'])).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it('sets the exit code of the process: 1 for invalid entities, 2 for usage errors', () => {
    const invalid = portalkit(['validate', 'broken/syntax.yaml'], catalogFixtures);
    expect(invalid.code).toBe(1);
    expect(invalid.stdout).toContain('broken/syntax.yaml:8:3');
    const usage = portalkit(['validate', '--nope']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("Unknown option '--nope'");
  });

  it('loads custom actions with --actions in a project of its own', async () => {
    const dir = await tempDir();
    await mkdir(path.join(dir, 'node_modules/@portalkit'), { recursive: true });
    await symlink(path.join(repoRoot, 'packages/scaffolder'), path.join(dir, 'node_modules/@portalkit/scaffolder'));
    await writeFile(
      path.join(dir, 'actions.mjs'),
      "import { createAction } from '@portalkit/scaffolder';\nexport const actions = [createAction({ id: 'acme:hello', supportsDryRun: true, handler(ctx) { ctx.logger.info('hi from acme'); } })];\n",
    );
    await writeFile(
      path.join(dir, 'template.yaml'),
      'apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata: { name: t }\nspec:\n  steps:\n    - { id: s, action: acme:hello }\n',
    );
    const ok = portalkit(['template', 'run', 'template.yaml', '--dry-run', '--actions', './actions.mjs'], dir);
    expect(ok.stderr).toContain('[s] hi from acme');
    expect(ok.code).toBe(0);
    const missing = portalkit(['template', 'run', 'template.yaml', '--actions', './nope.mjs'], dir);
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining('--actions ./nope.mjs: no such file') });
  });
});
