import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InputError } from '@portalkit/core';
import { afterEach, describe, expect, it } from 'vitest';
import { docsPaths } from '../prepare/docs-paths.js';
import { buildDocs } from './build.js';
import { loadMkdocsConfig } from './config.js';

let dirs: string[] = [];
const scratch = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pk-monorepo-test-'));
  dirs.push(dir);
  return dir;
};
const write = (root: string, rel: string, text: string) => {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), text);
};
afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

/** A repository whose root site includes two service sites, one of which includes a third. */
function monorepo(rootNav: string) {
  const repo = scratch();
  write(repo, 'mkdocs.yml', `site_name: Platform\nnav:\n  - Home: index.md\n${rootNav}`);
  write(repo, 'docs/index.md', '# Platform\n\nSee the [API](api/index.md).\n');
  write(repo, 'services/api/mkdocs.yml', 'site_name: api\nnav:\n  - Overview: index.md\n  - Guide: guide.md\n  - Client: "!include ../client/mkdocs.yml"\n');
  write(repo, 'services/api/docs/index.md', '# API\n\nRead the [guide](guide.md).\n');
  write(repo, 'services/api/docs/guide.md', '# API guide\n');
  write(repo, 'services/client/mkdocs.yml', 'site_name: client\ndocs_dir: pages\n');
  write(repo, 'services/client/pages/index.md', '# Client\n');
  write(repo, 'services/billing/mkdocs.yml', 'site_name: billing\nnav:\n  - billing.md\n');
  write(repo, 'services/billing/docs/billing.md', '# Billing\n');
  return repo;
}

describe("mkdocs-monorepo-plugin's !include", () => {
  it('merges included sites below their site_name, with their nav in place of the entry', async () => {
    const repo = monorepo('  - API: "!include ./services/api/mkdocs.yml"\n  - Billing: \'!include services/billing/mkdocs.yml\'\n');
    const output = scratch();
    const result = await buildDocs({ source: repo, output });
    for (const page of ['index.html', 'api/index.html', 'api/guide/index.html', 'client/index.html', 'billing/billing/index.html']) {
      expect(existsSync(path.join(output, page)), page).toBe(true);
    }
    expect(readFileSync(path.join(output, 'api/guide/index.html'), 'utf8')).toContain('API guide');
    // The site's nav has the included sections, titled as in the including nav.
    const home = readFileSync(path.join(output, 'index.html'), 'utf8');
    for (const text of ['API', 'Overview', 'Guide', 'Client', 'Billing']) expect(home).toContain(`>${text}<`);
    expect(result.warnings.filter((w) => /include|does not exist/.test(w.message))).toEqual([]);
    // Links between the merged sites resolve.
    expect(readFileSync(path.join(output, 'index.html'), 'utf8')).toMatch(/href="api\/"/);
    // The source is left as it was.
    expect(readFileSync(path.join(repo, 'mkdocs.yml'), 'utf8')).toContain('!include');
  });

  it('a site without includes is built from its own folder, as before', async () => {
    const repo = monorepo('');
    const output = scratch();
    await buildDocs({ source: repo, output });
    expect(existsSync(path.join(output, 'index.html'))).toBe(true);
    expect(existsSync(path.join(output, 'api'))).toBe(false);
  });

  it.each([
    ['outside the repository', () => '"!include ../elsewhere/mkdocs.yml"', /is outside the repository/],
    ['absolute', () => '"!include /etc/mkdocs.yml"', /must be a relative path/],
    ['a URL', () => '"!include https://example.com/mkdocs.yml"', /must be a relative path/],
    ['missing', () => '"!include ./nope/mkdocs.yml"', /no such file/],
  ])('refuses an include %s, naming the config and the target', async (_what, entry, message) => {
    const repo = monorepo(`  - X: ${entry()}\n`);
    write(path.dirname(repo), 'elsewhere/mkdocs.yml', 'site_name: elsewhere\n');
    dirs.push(path.join(path.dirname(repo), 'elsewhere'));
    const error = await buildDocs({ source: repo, output: scratch() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/^mkdocs\.yml: !include /);
    expect((error as Error).message).toMatch(message);
  });

  it('refuses an included site linked from outside, or whose docs folder is a link out', async () => {
    const outside = scratch();
    write(outside, 'secret/mkdocs.yml', 'site_name: secret\n');
    write(outside, 'secret/docs/index.md', '# secret\n');
    const repo = monorepo('  - S: "!include ./linked/mkdocs.yml"\n');
    symlinkSync(path.join(outside, 'secret'), path.join(repo, 'linked'));
    await expect(buildDocs({ source: repo, output: scratch() })).rejects.toThrow(/is outside the repository/);

    const repo2 = monorepo('  - S: "!include ./services/leaky/mkdocs.yml"\n');
    write(repo2, 'services/leaky/mkdocs.yml', 'site_name: leaky\n');
    symlinkSync(path.join(outside, 'secret/docs'), path.join(repo2, 'services/leaky/docs'));
    await expect(buildDocs({ source: repo2, output: scratch() })).rejects.toThrow(/docs folder is outside the repository/);
  });

  it('refuses a site_name that is not one segment, a name used twice, and includes that loop', async () => {
    const bad = monorepo('  - X: "!include ./services/bad/mkdocs.yml"\n');
    write(bad, 'services/bad/mkdocs.yml', 'site_name: ../../escape\n');
    await expect(buildDocs({ source: bad, output: scratch() })).rejects.toThrow(/site_name "\.\.\/\.\.\/escape" must be one path segment/);

    const twice = monorepo('  - A: "!include ./services/billing/mkdocs.yml"\n  - B: "!include ./services/billing/mkdocs.yml"\n');
    await expect(buildDocs({ source: twice, output: scratch() })).rejects.toThrow(/site_name 'billing' is used by another include/);

    const loop = monorepo('  - L: "!include ./services/loop/mkdocs.yml"\n');
    write(loop, 'services/loop/mkdocs.yml', 'site_name: loop\nnav:\n  - "!include ../loop2/mkdocs.yml"\n');
    write(loop, 'services/loop/docs/index.md', '# loop\n');
    write(loop, 'services/loop2/mkdocs.yml', 'site_name: loop2\nnav:\n  - "!include ../loop/mkdocs.yml"\n');
    write(loop, 'services/loop2/docs/index.md', '# loop2\n');
    await expect(buildDocs({ source: loop, output: scratch() })).rejects.toThrow(/is used by another include|nested deeper/);
  });

  it('prepare copies the folders of included sites along with the docs folder', async () => {
    const repo = monorepo('  - API: "!include ./services/api/mkdocs.yml"\n  - Out: "!include ../out/mkdocs.yml"\n');
    const { paths, warnings } = docsPaths(await loadMkdocsConfig(repo));
    expect(paths).toEqual(['docs', 'mkdocs.yml', 'services/api']);
    expect(warnings.map((w) => w.message)).toEqual([expect.stringMatching(/^!include '\.\.\/out' is not a path below the docs source/)]);
  });
});
