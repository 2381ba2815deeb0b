// The `portalkit` command as npm links it from the @portalkit/cli tarball (node_modules/.bin):
// validate the fixture catalog (exit 0), then a broken entity (exit 1, the problem named with
// file:line), and build the fixture's TechDocs site.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const bin = path.join(process.cwd(), 'node_modules', '.bin', process.platform === 'win32' ? 'portalkit.cmd' : 'portalkit');
const portalkit = (...args) =>
  promisify(execFile)(bin, args, { cwd: process.cwd() }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );

const ok = await portalkit('validate', 'catalog-info.yaml');
assert.equal(ok.code, 0, ok.stdout + ok.stderr);

writeFileSync('broken-entity.yaml', 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: no-owner\nspec:\n  type: service\n  lifecycle: production\n');
const broken = await portalkit('validate', 'broken-entity.yaml');
assert.equal(broken.code, 1, broken.stdout + broken.stderr);
assert.match(broken.stdout, /broken-entity\.yaml:\d+:\d+\s+component:default\/no-owner\s+spec\.owner/);

const built = await portalkit('docs', 'build', '.', '--output', '.portalkit/cli-site');
assert.equal(built.code, 0, built.stdout + built.stderr);
assert.ok(existsSync('.portalkit/cli-site/index.html'), 'docs build wrote index.html');
console.log('cli.mjs: portalkit validate and docs build from the installed bin');
