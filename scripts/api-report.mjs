#!/usr/bin/env node
/**
 * API reports: `pnpm api:check` compares each package's public API, read by API Extractor from
 * its built type declarations, with the report committed in `packages/<dir>/etc/`; `pnpm
 * api:update` rewrites the reports. A change to a public API is then a visible diff in review.
 *
 * One report per typed entry of a package's `exports` (`.` -> `<dir>.api.md`, `./testing` ->
 * `<dir>-testing.api.md`). Packages are found from packages/*, so a new package needs nothing
 * here. A package whose dist/ is missing or older than its src/ is built first (with pnpm, in
 * dependency order). All entries share one TypeScript program (API Extractor's CompilerState),
 * so the whole check costs about one compilation.
 *
 *   node scripts/api-report.mjs [--update] [package-name ...]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CompilerState, Extractor, ExtractorConfig } from '@microsoft/api-extractor';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const update = args.includes('--update');
const only = args.filter((a) => !a.startsWith('--'));

/** pnpm itself when run from a pnpm script (npm_execpath), else the one on PATH. */
function pnpm(pnpmArgs) {
  const execPath = process.env.npm_execpath;
  const [cmd, cmdArgs] = execPath && /pnpm/.test(path.basename(execPath)) ? [process.execPath, [execPath, ...pnpmArgs]] : ['pnpm', pnpmArgs];
  execFileSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit' });
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** The `types` file of every entry of `exports` that has one, e.g. { '.': 'dist/index.d.ts' }. */
function typedEntries(pkg) {
  const entries = {};
  for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
    const find = (t) => (typeof t === 'string' ? undefined : t && (t.types ?? t.import?.types ?? find(t.import) ?? find(t.default)));
    const types = find(target);
    if (typeof types === 'string' && types.endsWith('.d.ts')) entries[subpath] = types;
  }
  // A package without `exports` (none today) is described by its top-level `types`.
  if (pkg.exports === undefined && typeof pkg.types === 'string') entries['.'] = pkg.types;
  return entries;
}

const packages = readdirSync(path.join(root, 'packages'))
  .map((dirName) => ({ dirName, dir: path.join(root, 'packages', dirName) }))
  .filter(({ dir }) => existsSync(path.join(dir, 'package.json')))
  .map((p) => ({ ...p, pkg: JSON.parse(readFileSync(path.join(p.dir, 'package.json'), 'utf8')) }))
  .filter(({ pkg }) => !pkg.private && (only.length === 0 || only.includes(pkg.name)));

// Build what is missing or stale; pnpm orders the selected packages by their dependencies.
const stale = packages.filter(({ dir, pkg }) =>
  Object.values(typedEntries(pkg)).some((types) => {
    const file = path.join(dir, types);
    return !existsSync(file) || statSync(file).mtimeMs < newestMtime(path.join(dir, 'src'));
  }),
);
if (stale.length > 0) {
  console.log(`api-report: building ${stale.map((p) => p.pkg.name).join(', ')} (dist missing or older than src)`);
  pnpm(['-r', ...stale.flatMap((p) => ['--filter', p.pkg.name]), 'build']);
}

const tempFolder = mkdtempSync(path.join(tmpdir(), 'portalkit-api-'));
const none = { logLevel: 'none' };
const configs = packages.flatMap(({ dirName, dir, pkg }) =>
  Object.entries(typedEntries(pkg)).map(([subpath, types]) => {
    const reportName = subpath === '.' ? dirName : `${dirName}-${subpath.replace(/^\.\//, '').replace(/\//g, '-')}`;
    return {
      name: subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`,
      config: ExtractorConfig.prepare({
        configObject: {
          projectFolder: dir,
          mainEntryPointFilePath: path.join(dir, types),
          compiler: {
            overrideTsconfig: {
              compilerOptions: {
                target: 'ES2022',
                lib: ['ES2023', 'DOM', 'DOM.Iterable'],
                module: 'ESNext',
                moduleResolution: 'Bundler',
                strict: true,
                skipLibCheck: true,
                types: ['node'],
              },
              files: [path.join(dir, types)],
            },
          },
          apiReport: {
            enabled: true,
            reportFileName: `${reportName}.api.md`,
            reportFolder: path.join(dir, 'etc'),
            reportTempFolder: tempFolder,
          },
          docModel: { enabled: false },
          dtsRollup: { enabled: false },
          tsdocMetadata: { enabled: false },
          messages: {
            // The report records the API; TSDoc style and release tags are not checked here.
            compilerMessageReporting: { default: { logLevel: 'warning' } },
            extractorMessageReporting: {
              default: none,
              'ae-missing-release-tag': { logLevel: 'none', addToApiReportFile: false },
              'ae-forgotten-export': { logLevel: 'none', addToApiReportFile: true },
            },
            tsdocMessageReporting: { default: none },
          },
        },
        configObjectFullPath: undefined,
        packageJsonFullPath: path.join(dir, 'package.json'),
      }),
    };
  }),
);

let failed = 0;
try {
  if (configs.length === 0) throw new Error('api-report: no package matched');
  // One TypeScript program for every entry.
  const compilerState = CompilerState.create(configs[0].config, {
    additionalEntryPoints: configs.map((c) => c.config.mainEntryPointFilePath),
  });
  for (const { name, config } of configs) {
    if (update) mkdirSync(config.reportFolder, { recursive: true });
    const result = Extractor.invoke(config, {
      localBuild: update,
      compilerState,
      messageCallback: (message) => {
        // Progress notes are noise; a changed report is said once, below, with a diff.
        if (message.logLevel === 'info' || message.logLevel === 'verbose' || message.messageId.startsWith('console-api-report-')) message.handled = true;
      },
    });
    const report = config.reportConfigs[0];
    const committed = path.join(config.reportFolder, report.fileName);
    const fresh = path.join(config.reportTempFolder, report.fileName);
    if (!result.succeeded && (update || !result.apiReportChanged)) {
      failed++;
      console.error(`${name}: API Extractor failed (${result.errorCount} errors, ${result.warningCount} warnings)`);
    } else if (result.apiReportChanged && update) console.log(`${name}: updated ${path.relative(root, committed)}`);
    else if (result.apiReportChanged) {
      failed++;
      console.error(`${name}: public API differs from ${path.relative(root, committed)}${existsSync(committed) ? '' : ' (missing)'}`);
      if (existsSync(committed)) {
        try {
          execFileSync('git', ['diff', '--no-index', '--no-color', '--stat', '--patch', committed, fresh], { stdio: 'inherit' });
        } catch {
          // git diff exits 1 when the files differ.
        }
      }
    } else console.log(`${name}: API unchanged`);
  }
} finally {
  rmSync(tempFolder, { recursive: true, force: true });
}
if (failed > 0) {
  console.error(update ? `\n${failed} API report(s) failed` : `\n${failed} API report(s) out of date: review the diff, then run pnpm api:update and commit packages/*/etc/.`);
  process.exit(1);
}
