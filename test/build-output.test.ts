/**
 * Checks what users actually install: every package's built ESM and CJS entry points load in a
 * fresh Node process (so workspace imports resolve to other packages' dist, not to sources as
 * in vitest) and export the same names. Runs after `pnpm build`; the root `pnpm test` builds first.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const packagesDir = join(root, 'packages');

interface EntryPoint {
  subpath: string;
  esm: string;
  cjs: string;
  types: string[];
}

type Conditions = string | { [condition: string]: Conditions | undefined } | undefined;

/** Follow export conditions the way Node does for `import` or `require` (types ignored). */
function target(value: Conditions, condition: 'import' | 'require' | 'types'): string | undefined {
  if (typeof value === 'string') return condition === 'types' ? undefined : value;
  if (!value) return undefined;
  for (const [key, next] of Object.entries(value)) {
    if (key === condition || key === 'default' || (condition !== 'types' && key === 'node')) {
      const found = target(next, condition);
      if (found) return found;
    }
  }
  return undefined;
}

function typesTargets(value: Conditions): string[] {
  if (!value || typeof value === 'string') return [];
  return Object.entries(value).flatMap(([key, next]) =>
    key === 'types' && typeof next === 'string' ? [next] : typesTargets(next),
  );
}

function entryPoints(pkg: { exports?: Record<string, Conditions>; main?: string; module?: string }): EntryPoint[] {
  const exportsMap = pkg.exports ?? { '.': { import: pkg.module, require: pkg.main } };
  return Object.entries(exportsMap)
    .filter(([subpath]) => subpath !== './package.json' && !subpath.includes('*'))
    .map(([subpath, value]) => ({
      subpath,
      esm: target(value, 'import') ?? '',
      cjs: target(value, 'require') ?? '',
      types: typesTargets(value),
    }));
}

// Runs in a child process: loads both formats and reports their export names.
const probe = `
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
const [esmPath, cjsPath, checkCore] = process.argv.slice(1);
const require = createRequire(import.meta.url);
const esm = await import(pathToFileURL(esmPath).href);
const cjs = require(cjsPath);
const names = (m) => Object.keys(m).filter((k) => k !== 'default' && k !== '__esModule').sort();
const checks = {};
if (checkCore === 'core') {
  for (const [format, m] of [['esm', esm], ['cjs', cjs]]) {
    const error = new m.InputError('x');
    const response = m.toHttpResponse(new m.NotFoundError('gone'));
    const docs = m.parseYamlDocuments('a: 1\\n---\\nb: 2\\n', { file: 'f.yaml' });
    const routed = await m.createRouter().get('/:name', (_r, { params }) => new Response(params.name)).handler(new Request('http://x/hi'));
    checks[format] = {
      name: error.name,
      instance: error instanceof m.CustomErrorBase && error instanceof Error,
      status: response.status,
      lines: docs.map((d) => d.line),
      routed: await routed.text(),
    };
  }
}
if (checkCore === 'techdocs') {
  // The unified ecosystem is ESM-only; the CJS build must still render (60 pages: the writer thread too).
  const { mkdtempSync, mkdirSync, writeFileSync, readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const site = mkdtempSync(join(tmpdir(), 'pk-build-output-'));
  mkdirSync(join(site, 'docs'));
  writeFileSync(join(site, 'mkdocs.yml'), 'site_name: Probe\\n');
  for (let i = 0; i < 60; i++) writeFileSync(join(site, 'docs', 'p' + i + '.md'), '# Page ' + i + '\\n\\n| a |\\n|---|\\n| ~~x~~ |\\n\\n[next](p' + ((i + 1) % 60) + '.md)\\n');
  for (const [format, m] of [['esm', esm], ['cjs', cjs]]) {
    const output = join(site, 'out-' + format);
    const result = await m.buildDocs({ source: site, output });
    const html = readFileSync(join(output, 'p0', 'index.html'), 'utf8');
    checks[format] = { rendered: result.rendered.length, warnings: result.warnings.length, table: html.includes('<del>x</del>') && html.includes('href="../p1/"') };
  }
}
console.log(JSON.stringify({ esm: names(esm), cjs: names(cjs), checks }));
`;

const packageDirs = readdirSync(packagesDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(packagesDir, entry.name, 'package.json')))
  .map((entry) => entry.name)
  .sort();

describe('build output', () => {
  it('finds the packages', () => {
    expect(packageDirs).toContain('core');
  });

  describe.each(packageDirs)('packages/%s', (dir) => {
    const pkgDir = join(packagesDir, dir);
    const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));

    // `./testing` entries run inside vitest (they import it, and vitest is ESM-only), so they are
    // ESM-only and are loaded here, in the test worker, rather than in a plain Node process.
    const testing = entryPoints(pkg).filter((e) => e.subpath === './testing');
    it.each(testing.map((e) => [e.subpath, e] as const))('%s loads as ESM inside vitest', async (_s, entry) => {
      expect(entry.cjs, `${pkg.name} ${entry.subpath} must not offer require (vitest cannot be required)`).toBe('');
      for (const file of [entry.esm, ...entry.types]) expect(existsSync(join(pkgDir, file)), `${join('packages', dir, file)} is missing`).toBe(true);
      const loaded = (await import(pathToFileURL(join(pkgDir, entry.esm)).href)) as Record<string, unknown>;
      expect(Object.values(loaded).some((value) => typeof value === 'function')).toBe(true);
    });

    it.each(entryPoints(pkg).filter((e) => e.subpath !== './testing').map((e) => [e.subpath, e] as const))('%s loads as ESM and CJS with the same exports', (_s, entry) => {
      expect(entry.esm, `${pkg.name} exports ${entry.subpath} has no "import" target`).not.toBe('');
      expect(entry.cjs, `${pkg.name} exports ${entry.subpath} has no "require" target`).not.toBe('');
      for (const file of [entry.esm, entry.cjs, ...entry.types]) {
        if (!existsSync(join(pkgDir, file))) {
          throw new Error(`${pkg.name}: ${join('packages', dir, file)} is missing. Run \`pnpm build\` first (the root \`pnpm test\` builds before testing).`);
        }
      }
      const output = execFileSync(
        process.execPath,
        // The package-specific checks run on its main entry only (techdocs' `./events` has no pipeline).
        ['--input-type=module', '-e', probe, join(pkgDir, entry.esm), join(pkgDir, entry.cjs), entry.subpath === '.' ? dir : ''],
        { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 },
      );
      const result = JSON.parse(output.trim().split('\n').pop() ?? '{}') as {
        esm: string[];
        cjs: string[];
        checks: Record<string, unknown>;
      };
      expect(result.esm.length, `${pkg.name}${entry.subpath.slice(1)} exports nothing`).toBeGreaterThan(0);
      expect(result.cjs).toEqual(result.esm);
      if (dir === 'techdocs' && entry.subpath === '.') {
        const expected = { rendered: 60, warnings: 0, table: true };
        expect(result.checks).toEqual({ esm: expected, cjs: expected });
      }
      if (dir === 'core' && entry.subpath === '.') {
        const expected = { name: 'InputError', instance: true, status: 404, lines: [1, 3], routed: 'hi' };
        expect(result.checks).toEqual({ esm: expected, cjs: expected });
        for (const name of ['loadConfig', 'createUrlReader', 'createScheduler', 'createRouter', 'createPortal', 'toNodeHandler']) {
          expect(result.esm).toContain(name);
        }
      }
    });
  });
});
