import { stat } from 'node:fs/promises';
import path from 'node:path';
import { isDynamicPattern } from 'tinyglobby';
import { ConflictError, ServiceUnavailableError, isPathInside } from '@portalkit/core';
import type { EntityProcessor } from '@portalkit/catalog';
import { createCliLogger } from '../cli-logger.js';
import { defineCommand } from '../command.js';
import type { CommandGroup } from '../command.js';
import { extensionOptions, loadCliExtensions } from '../extensions.js';
import { expandEntityFileArguments } from '../files.js';
import { listProcessingErrors, printProcessingErrors } from '../processing-errors.js';
import { createProgress } from '../progress.js';
import { UsageError } from '../usage-error.js';

const ingest = defineCommand({
  name: 'ingest',
  summary: 'Add locations to a catalog store and process them',
  usage: '<files|globs|dirs...> --store <memory|file:./dir|postgres://...> [--schema name] [--root dir] [--actions file]... [--config file]',
  description:
    'Register file locations (paths or globs; Location entities in them are followed) in the catalog kept in\n' +
    '--store. A directory stands for its YAML files, found as `validate` finds them (recursively, without\n' +
    'node_modules, skipping YAML files with no apiVersion or kind). Processors from --actions modules or the\n' +
    'config file run with the built-in ones. Then process,\n' +
    '--store, process it, and print the entities of the store by kind and every processing error with its\n' +
    'entity ref and message. A location the store already holds is refreshed instead. Progress goes to stderr.\n' +
    'Exit code 1 when the store has processing errors.',
  examples: [
    'portalkit catalog ingest ./catalog-info.yaml --store memory',
    "portalkit catalog ingest 'services/*/catalog-info.yaml' --store file:./.catalog",
    'portalkit catalog ingest catalog/ --store memory --actions ./processors.mjs',
    'portalkit catalog ingest all.yaml --store postgres://postgres@127.0.0.1:5432/portal --schema catalog',
  ],
  args: { min: 1 },
  options: {
    store: { type: 'string', value: 'store', required: true, description: 'memory, file:<dir> or a directory (embedded PGlite), or a postgres:// URL' },
    schema: { type: 'string', value: 'name', description: 'Schema of the SQL stores (default portalkit_catalog)' },
    root: { type: 'string', value: 'dir', description: 'Files outside this directory are not read (default: the working directory)' },
    ...extensionOptions,
  },
  async run({ values, positionals, io }) {
    const rootDir = path.resolve(io.cwd, values.root ?? '.');
    const targets = await locationTargets(positionals, rootDir, io.cwd);
    const extensions = await loadCliExtensions(values, io);
    // Loaded on use: `--help` and the other commands do not pay for the catalog and its stores.
    const [{ builtinKinds, createCatalog }, { openStore }] = await Promise.all([import('@portalkit/catalog'), import('../store-spec.js')]);
    const opened = openStore(values.store!, { cwd: io.cwd, ...(values.schema !== undefined ? { schema: values.schema } : {}) });
    try {
      const progress = createProgress({ stream: io.stderr, label: 'ingest' });
      let processed = 0;
      // A processor sees each entity as it enters processing; the total is unknown until every
      // Location target has been read, so progress is a count.
      const counter: EntityProcessor = {
        name: 'cli-progress',
        preProcess() {
          processed++;
          progress.update(processed, undefined, 'entities processed');
        },
      };
      // The operator named the file on the command line: it is the host's own catalog, so every
      // built-in kind may come from it (catalog rules otherwise allow addLocation only Component, API, Location).
      const rules = [{ allow: builtinKinds.map((k) => k.kind) }];
      const processors = [counter, ...extensions.processors];
      const catalog = createCatalog({ store: opened.store, rootDir, rules, processors, logger: createCliLogger(io) });
      io.stderr.write(`store: ${opened.description}\n`);
      await opened.ready().catch((error: unknown) => {
        throw new ServiceUnavailableError(`cannot open the store ${opened.description}: ${(error as Error).message}`);
      });
      let refreshed = false;
      try {
        for (const target of targets) {
          await catalog.addLocation({ type: 'file', target }).catch((error: unknown) => {
            if (!(error instanceof ConflictError)) throw error;
            refreshed = true;
          });
        }
        // Locations the store already held are processed again once, with the new ones.
        if (refreshed) await catalog.refresh();
      } catch (error) {
        // End the progress line so the error starts on its own.
        progress.done(`stopped after ${processed} entities`);
        throw error;
      }
      progress.done(`${processed} entities processed${refreshed ? ' (location already registered: refreshed the store)' : ''}`);

      const { facets } = await catalog.getEntityFacets({ facets: ['kind'] });
      const kinds = facets.kind ?? [];
      const total = kinds.reduce((sum, k) => sum + k.count, 0);
      io.stdout.write(`Entities in the store: ${total}\n`);
      const width = Math.max(0, ...kinds.map((k) => k.value.length));
      for (const { value, count } of kinds) io.stdout.write(`  ${value.padEnd(width)}  ${count}\n`);

      const listed = await listProcessingErrors(catalog);
      if (listed.errors.length === 0) {
        io.stdout.write('No processing errors.\n');
        return 0;
      }
      printProcessingErrors(io.stdout, listed);
      return 1;
    } finally {
      await opened.close();
    }
  },
});

/**
 * The locations to register: files and globs as given, each directory as the entity YAML files
 * found in it (shared with `validate`). Everything must be inside the catalog root.
 */
async function locationTargets(args: readonly string[], rootDir: string, cwd: string): Promise<string[]> {
  const targets: string[] = [];
  for (const arg of args) {
    const target = path.resolve(cwd, arg);
    if (!isPathInside(rootDir, target)) throw new UsageError(`${arg} is outside the catalog root ${rootDir} (see --root)`);
    const info = isDynamicPattern(arg) ? undefined : await stat(target).catch(() => undefined);
    if (!info?.isDirectory()) {
      targets.push(target);
      continue;
    }
    const { files } = await expandEntityFileArguments([arg], cwd);
    if (files.length === 0) throw new UsageError(`${arg}: no catalog entity YAML files in this directory`);
    targets.push(...files);
  }
  return [...new Set(targets)];
}

/**
 * `portalkit catalog ...`.
 *
 * @example
 * ```ts
 * await runCli(['catalog', 'ingest', 'catalog-info.yaml', '--store', 'file:./.catalog'], io);
 * ```
 */
export const catalogCommands: CommandGroup = { name: 'catalog', summary: 'Work with a software catalog store', commands: [ingest] };
