#!/usr/bin/env node
/**
 * `pnpm check:packages`: every built workspace package, packed as it would be published
 * (`pnpm pack`, so `workspace:*` becomes a version and only `files` ship), is checked by
 * publint (package.json fields, exports, files) and by Are the Types Wrong
 * (@arethetypeswrong/core, the engine of `attw`: types resolve under node10, node16 CJS/ESM
 * and bundler, and match the JavaScript's module format).
 *
 * One process for all packages, so TypeScript is loaded once. Run `pnpm build` first.
 *
 * A `./testing` entry (a contract suite importing vitest, which cannot be `require()`d) is
 * ESM-only on purpose: for it only the ESM resolutions (node16 from ESM, bundler) are checked.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { checkPackage, createPackageFromTarballData } from '@arethetypeswrong/core';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const esmOnlyEntrypoints = new Set(['./testing']);
const esmResolutions = new Set(['node16-esm', 'bundler']);

/** pnpm itself when run from a pnpm script (npm_execpath), else the one on PATH. */
function pnpm(args, cwd) {
  const execPath = process.env.npm_execpath;
  if (execPath && /pnpm/.test(path.basename(execPath))) return promisify(execFile)(process.execPath, [execPath, ...args], { cwd });
  return promisify(execFile)('pnpm', args, { cwd });
}

function workspacePackages() {
  return readdirSync(path.join(root, 'packages'))
    .map((name) => path.join(root, 'packages', name))
    .filter((dir) => existsSync(path.join(dir, 'package.json')))
    .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) }))
    .filter(({ pkg }) => !pkg.private);
}

function describeProblem(problem) {
  const where = problem.entrypoint ? ` ${problem.entrypoint} (${problem.resolutionKind})` : '';
  const file = problem.typesFileName ?? problem.fileName ?? '';
  return `${problem.kind}${where}${file ? ` ${file}` : ''}`;
}

const only = process.argv.slice(2);
const packages = workspacePackages().filter(({ pkg }) => only.length === 0 || only.includes(pkg.name));
const out = mkdtempSync(path.join(tmpdir(), 'portalkit-pack-'));
let failures = 0;
try {
  const missing = packages.filter(({ dir }) => !existsSync(path.join(dir, 'dist')));
  if (missing.length > 0) throw new Error(`no dist/ in ${missing.map((p) => p.pkg.name).join(', ')}: run pnpm build first`);
  // Packing is mostly waiting for pnpm to start: do it for all packages at once.
  const packDirs = await Promise.all(
    packages.map(async ({ dir }) => {
      const packDir = mkdtempSync(path.join(out, 'p-'));
      await pnpm(['pack', '--pack-destination', packDir], dir);
      return packDir;
    }),
  );
  for (const [index, { pkg }] of packages.entries()) {
    const packDir = packDirs[index];
    const tarball = readdirSync(packDir).find((f) => f.endsWith('.tgz'));
    const data = readFileSync(path.join(packDir, tarball));
    const problems = [];

    const lint = await publint({ pack: { tarball: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) }, strict: true });
    for (const message of lint.messages) {
      if (message.type === 'suggestion') continue;
      problems.push(`publint ${message.type}: ${formatMessage(message, lint.pkg, { color: false }) ?? message.code}`);
    }

    const analysis = await checkPackage(createPackageFromTarballData(new Uint8Array(data)));
    if (analysis.types === false) problems.push('attw: the package ships no types');
    else {
      for (const problem of analysis.problems) {
        if (problem.entrypoint && esmOnlyEntrypoints.has(problem.entrypoint) && !esmResolutions.has(problem.resolutionKind)) continue;
        problems.push(`attw: ${describeProblem(problem)}`);
      }
    }

    if (problems.length === 0) console.log(`${pkg.name}: publint and attw ok`);
    else {
      failures++;
      console.error(`${pkg.name}:\n  ${problems.join('\n  ')}`);
    }
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
if (failures > 0) {
  console.error(`\n${failures} package(s) with problems (see https://publint.dev/rules and https://github.com/arethetypeswrong/arethetypeswrong.github.io/tree/main/docs/problems)`);
  process.exit(1);
}
