#!/usr/bin/env node
/**
 * `pnpm consumer [--keep] [sample-name ...]`: portalkit as an npm user gets it, outside this
 * repository. Packs every package (scripts/pack-packages.mjs), creates an npm project in a fresh
 * directory under the OS temp dir from test/consumer/package.json, installs the tarballs with
 * plain npm (no pnpm, no workspace links), copies test/consumer/fixtures/ into it and runs each
 * test/consumer/samples/*.{mjs,cjs} with node there; *.mts samples are type-checked with tsc
 * against the installed declaration files. The contract of a sample is in
 * test/consumer/README.md. Run `pnpm build` first.
 *
 * Exits non-zero, printing the failing samples' output, when a sample fails or times out.
 * The temp directory is removed unless --keep.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { packPackages, repoRoot } from './pack-packages.mjs';

const consumerDir = path.join(repoRoot, 'test', 'consumer');
const sampleTimeoutMs = Number(process.env.PORTALKIT_CONSUMER_TIMEOUT_MS ?? 180_000); // generous: a loaded CI machine is slow, never hung
const npmInstallFlags = ['--no-audit', '--no-fund', '--prefer-offline', '--no-package-lock', '--loglevel=warn'];

function parseArgs(argv) {
  const options = { keep: false, only: [] };
  for (const arg of argv) {
    if (arg === '--keep') options.keep = true;
    else if (arg.startsWith('-')) throw new Error(`unknown option ${arg} (usage: consumer [--keep] [sample ...])`);
    else options.only.push(arg);
  }
  return options;
}

/** npm without the pnpm environment of `pnpm consumer` (npm_config_* of pnpm would leak into npm). */
function npmEnv() {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^(npm|pnpm)_/i.test(key)) env[key] = value;
  return env;
}

/** Runs a command in `cwd`; resolves with its exit code (null on timeout) and interleaved output. */
function runCaptured(command, args, { cwd, env, timeoutMs }) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: timedOut ? null : code, output: timedOut ? `${output}\n[timed out after ${timeoutMs} ms]` : output });
    });
  });
}

function samples(only) {
  const all = readdirSync(path.join(consumerDir, 'samples'))
    .filter((name) => /\.(mjs|cjs|mts)$/.test(name))
    .sort();
  const chosen = only.length === 0 ? all : all.filter((name) => only.some((o) => name === o || name.startsWith(`${o}.`)));
  if (chosen.length === 0) throw new Error(`no sample matches ${only.join(', ')} (have ${all.join(', ')})`);
  return chosen;
}

/** npm's warnings, each EBADENGINE block (one line per field) folded into one line. */
function npmWarnings(output) {
  const warnings = [];
  for (const line of output.split('\n')) {
    const engine = /^npm warn EBADENGINE\s+(package|required): (.*?),?$/.exec(line);
    if (engine?.[1] === 'package') warnings.push(`EBADENGINE ${engine[2]}`);
    else if (engine?.[1] === 'required') warnings[warnings.length - 1] += ` requires ${engine[2]}`;
    else if (/^npm warn (?!EBADENGINE)/.test(line)) warnings.push(line.slice('npm warn '.length));
  }
  return warnings;
}

/** The template's package.json, installed with the tarballs exactly as a user would. */
async function createProject(work, tarballs) {
  const project = path.join(work, 'app');
  cpSync(path.join(consumerDir, 'fixtures'), project, { recursive: true });
  cpSync(path.join(consumerDir, 'package.json'), path.join(project, 'package.json'));
  const started = Date.now();
  const install = await runCaptured('npm', ['install', ...npmInstallFlags, ...tarballs], { cwd: project, env: npmEnv(), timeoutMs: 300_000 });
  if (install.code !== 0) throw new Error(`npm install of the tarballs failed:\n${install.output}`);
  // What a user sees too (e.g. EBADENGINE: a dependency wants a newer Node than the packages declare).
  for (const warning of npmWarnings(install.output)) console.log(`  npm warn ${warning}`);
  console.log(`npm install: ${tarballs.length} tarballs and the template's dependencies in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return project;
}

/**
 * *.mts samples: tsc --noEmit in the project, so the d.ts files resolve from the installed tarballs.
 * skipLibCheck as most apps have it (tsc --init): the d.ts of optional peers (`pg` without
 * @types/pg, PGlite's Emscripten types) are the app's business, not the sample's.
 */
function writeTsconfig(project, files) {
  const tsconfig = {
    compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck: true, types: ['node'] },
    files,
  };
  writeFileSync(path.join(project, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
}

async function runSample(project, name) {
  const started = Date.now();
  let result;
  if (name.endsWith('.mts')) {
    writeTsconfig(project, [name]);
    result = await runCaptured(process.execPath, [path.join(project, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], {
      cwd: project,
      env: npmEnv(),
      timeoutMs: sampleTimeoutMs,
    });
  } else {
    result = await runCaptured(process.execPath, [name], { cwd: project, env: npmEnv(), timeoutMs: sampleTimeoutMs });
  }
  return { name, ...result, seconds: (Date.now() - started) / 1000 };
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const names = samples(options.only);
  const work = mkdtempSync(path.join(tmpdir(), 'portalkit-consumer-'));
  if (!path.relative(repoRoot, work).startsWith('..')) throw new Error(`${work} is inside the repository; set TMPDIR elsewhere`);
  const started = Date.now();
  let failed = [];
  try {
    const packed = await packPackages({ out: path.join(work, 'packs') });
    console.log(`packed ${packed.length} packages into ${path.join(work, 'packs')}`);
    const project = await createProject(
      work,
      packed.map((p) => p.tarball),
    );
    for (const name of names) cpSync(path.join(consumerDir, 'samples', name), path.join(project, name));
    // One at a time: samples listen on ports and the machine may be small.
    const results = [];
    for (const name of names) {
      const result = await runSample(project, name);
      results.push(result);
      console.log(`${result.code === 0 ? 'ok  ' : 'FAIL'} ${name} (${result.seconds.toFixed(1)} s)`);
    }
    failed = results.filter((r) => r.code !== 0);
    for (const result of failed) console.error(`\n--- ${result.name} (exit ${result.code ?? 'timeout'}):\n${result.output.trimEnd()}`);
    console.log(
      `\n${results.length - failed.length}/${results.length} consumer samples passed in ${((Date.now() - started) / 1000).toFixed(1)} s (${options.keep ? `kept ${project}` : 'temp dir removed'})`,
    );
  } finally {
    if (!options.keep) rmSync(work, { recursive: true, force: true });
  }
  if (failed.length > 0) process.exit(1);
}

try {
  await main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
