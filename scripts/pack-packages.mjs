#!/usr/bin/env node
/**
 * `pnpm pack-packages [--out DIR]`: packs every publishable package of packages/* with
 * `pnpm pack` into DIR (default `<repo>/.packs/`, gitignored), as it would be published:
 * `workspace:*` ranges become the packages' versions and only `files` ship. Until the packages
 * are on a registry, these tarballs are how a project outside this repository installs them:
 *
 *   npm install ./.packs/portalkit-core-0.1.0.tgz ./.packs/portalkit-catalog-0.1.0.tgz ...
 *
 * Each package must be built first (`pnpm build`; dist/ present). Every tarball's package.json
 * is read back: a `workspace:` range left in it, or a `@portalkit/*` dependency on a version
 * that was not packed, fails the run (npm could not install it).
 *
 * Also a module: `packPackages({ out })` returns the tarballs (the consumer test uses it).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dependencyFields = ['dependencies', 'optionalDependencies', 'peerDependencies', 'devDependencies'];

/** pnpm itself when run from a pnpm script (npm_execpath), else the version of packageManager through npx. */
function pnpm(args, cwd) {
  const execPath = process.env.npm_execpath;
  if (execPath && /pnpm/.test(path.basename(execPath))) return run(process.execPath, [execPath, ...args], { cwd });
  const { packageManager } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  return run('npx', ['-y', packageManager, ...args], { cwd });
}

/** The packages of packages/* that are not private, with their manifests. */
export function publishablePackages() {
  return readdirSync(path.join(repoRoot, 'packages'))
    .map((name) => path.join(repoRoot, 'packages', name))
    .filter((dir) => existsSync(path.join(dir, 'package.json')))
    .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) }))
    .filter(({ pkg }) => !pkg.private);
}

/** package/package.json of a tarball, through the system tar (GNU and bsdtar both read gzip). */
async function packedManifest(tarball) {
  const { stdout } = await run('tar', ['-xzOf', tarball, 'package/package.json'], { maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout);
}

/** What would stop npm from installing the packed manifest next to the other tarballs. */
function manifestProblems(manifest, packedVersions) {
  const problems = [];
  for (const field of dependencyFields) {
    for (const [name, range] of Object.entries(manifest[field] ?? {})) {
      if (String(range).startsWith('workspace:')) problems.push(`${field}.${name} is still "${range}"`);
      else if (field !== 'devDependencies' && packedVersions.has(name) && range !== packedVersions.get(name)) {
        problems.push(`${field}.${name} is "${range}" but ${packedVersions.get(name)} was packed`);
      }
    }
  }
  return problems;
}

/**
 * Packs every publishable package into `out` (created; older portalkit tarballs there removed).
 * Returns `[{ name, version, tarball }]`; throws naming each package that is not built or
 * whose packed manifest npm could not install.
 */
export async function packPackages({ out = path.join(repoRoot, '.packs'), log = () => {} } = {}) {
  const packages = publishablePackages();
  const unbuilt = packages.filter(({ dir }) => !existsSync(path.join(dir, 'dist')));
  if (unbuilt.length > 0) throw new Error(`no dist/ in ${unbuilt.map((p) => p.pkg.name).join(', ')}: run pnpm build first`);

  mkdirSync(out, { recursive: true });
  for (const file of readdirSync(out)) if (/^portalkit-.*\.tgz$/.test(file)) rmSync(path.join(out, file));

  // Packing is mostly waiting for pnpm to start: all packages at once.
  const packed = await Promise.all(
    packages.map(async ({ dir, pkg }) => {
      await pnpm(['pack', '--pack-destination', out], dir);
      // pnpm names a tarball <scope>-<name>-<version>.tgz.
      const tarball = path.join(out, `${pkg.name.replace(/^@/, '').replace('/', '-')}-${pkg.version}.tgz`);
      if (!existsSync(tarball)) throw new Error(`${pkg.name}: pnpm pack wrote no ${path.basename(tarball)}`);
      log(`packed ${path.relative(process.cwd(), tarball)}`);
      return { name: pkg.name, version: pkg.version, tarball };
    }),
  );

  const packedVersions = new Map(packed.map((p) => [p.name, p.version]));
  const failures = [];
  for (const { name, tarball } of packed) {
    const problems = manifestProblems(await packedManifest(tarball), packedVersions);
    if (problems.length > 0) failures.push(`${name} (${path.basename(tarball)}):\n  ${problems.join('\n  ')}`);
  }
  if (failures.length > 0) throw new Error(`packed manifests npm cannot install:\n${failures.join('\n')}`);
  return packed;
}

function parseArgs(argv) {
  const options = {};
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out' && argv[i + 1]) options.out = path.resolve(argv[++i]);
    else if (argv[i].startsWith('--out=')) options.out = path.resolve(argv[i].slice('--out='.length));
    else throw new Error(`unknown argument ${argv[i]} (usage: pack-packages [--out DIR])`);
  }
  return options;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const packed = await packPackages({ ...parseArgs(process.argv.slice(2)), log: console.log });
    console.log(`${packed.length} packages packed; install them with npm install <dir>/portalkit-*.tgz`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
