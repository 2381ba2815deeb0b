import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError, parseYamlDocuments } from '@portalkit/core';
import type { JsonObject, JsonValue, TaskEvent, TemplateEntity } from '@portalkit/scaffolder';
import { createCliLogger } from '../cli-logger.js';
import { defineCommand } from '../command.js';
import type { CliIo, CommandGroup } from '../command.js';
import { displayPath } from '../display-path.js';
import { extensionOptions, loadCliExtensions, withExtensionActions } from '../extensions.js';
import { UsageError } from '../usage-error.js';

const OUTPUT_ACTION = 'portalkit-cli:copy-workspace';

const run = defineCommand({
  name: 'run',
  summary: 'Run a software template (template.yaml) locally',
  usage: '<template.yaml> [--values values.yaml] [--dry-run] [--secret KEY=VALUE]... [--output-dir dir] [--actions file]... [--config file]',
  description:
    'Validate the values against the template parameters, then run its steps with the built-in actions\n' +
    '(fetch:*, fs:*, debug:log, catalog:*, publish:git), streaming the task log to stderr and printing the\n' +
    'output links and texts at the end. --dry-run runs only the actions that support it and lists the files\n' +
    'the template would write. --output-dir copies the resulting files (the workspace after the last step)\n' +
    'to a new or empty directory. catalog:register registers into an in-memory catalog that ends with the run.\n' +
    'Custom actions (and catalog processors for that catalog) come from --actions modules and the config file.\n' +
    'Exit code 1 when values are invalid or the task fails.',
  examples: [
    'portalkit template run templates/node-service/template.yaml --values values.yaml --dry-run',
    'portalkit template run template.yaml --values values.yaml --output-dir ./my-service',
    'portalkit template run template.yaml --values values.yaml --secret GITHUB_TOKEN=$GITHUB_TOKEN',
    'portalkit template run template.yaml --values values.yaml --actions ./actions.mjs --dry-run',
  ],
  args: { min: 1, max: 1 },
  options: {
    values: { type: 'string', value: 'file', description: 'YAML (or JSON) file with the parameter values' },
    'dry-run': { type: 'boolean', description: 'Run only dry-run capable actions; report the files instead of publishing' },
    secret: { type: 'string', value: 'KEY=VALUE', multiple: true, description: 'A secret for ${{ secrets.KEY }}, redacted from the log' },
    'output-dir': { type: 'string', value: 'dir', description: 'Copy the files the template produced into this new or empty directory' },
    ...extensionOptions,
  },
  async run({ values, positionals, io }) {
    const secrets = parseSecrets(values.secret ?? []);
    // Loaded on use, like the libraries of the other commands.
    const [{ createCatalog }, { builtinActions, createScaffolder, loadTemplate, validateValues }] = await Promise.all([
      import('@portalkit/catalog'),
      import('@portalkit/scaffolder'),
    ]);
    const templatePath = path.resolve(io.cwd, positionals[0]!);
    const template = await loadTemplate(templatePath);
    const valuesFile = values.values;
    const given = valuesFile ? await readValues(path.resolve(io.cwd, valuesFile), valuesFile) : {};
    try {
      validateValues(template, given);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      // validateValues joins every bad field into one message: list them one per line.
      const fields = error.message.replace(/^Invalid values: /, '').split('; ');
      io.stderr.write(`error: ${valuesFile ?? 'the values'} do not fit the parameters of ${displayPath(templatePath, io.cwd)}:\n${fields.map((f) => `  - ${f}`).join('\n')}\n`);
      return 1;
    }
    const dryRun = values['dry-run'] === true;
    const outputDir = values['output-dir'] !== undefined ? path.resolve(io.cwd, values['output-dir']) : undefined;
    if (outputDir) await ensureEmptyDirectory(outputDir, values['output-dir']!);

    const extensions = await loadCliExtensions(values, io);
    const logger = createCliLogger(io);
    const catalog = createCatalog({ rootDir: io.cwd, logger, processors: extensions.processors });
    const actions = withExtensionActions(builtinActions({ catalog }), extensions);
    let runnable: TemplateEntity = template;
    if (outputDir && !dryRun) {
      // A last step copies the workspace out before the scaffolder removes it.
      actions.push(await copyWorkspaceAction(outputDir));
      runnable = {
        ...template,
        spec: { ...template.spec, steps: [...template.spec.steps, { id: 'portalkit-output', name: `Copy files to ${displayPath(outputDir, io.cwd)}`, action: OUTPUT_ACTION }] },
      };
    }
    const scaffolder = createScaffolder({ actions, logger });
    const task = await scaffolder.run(runnable, { values: given, secrets, dryRun });
    for await (const event of task.events()) io.stderr.write(formatEvent(event));
    const result = await task.result;

    if (dryRun) {
      const files = result.directoryContents ?? [];
      io.stdout.write(`Files the template would write (${files.length}):\n`);
      for (const file of files) io.stdout.write(`  ${file.path}  (${file.size} bytes${file.executable ? ', executable' : ''})\n`);
      if (outputDir && result.status === 'completed') {
        for (const file of files) {
          const target = path.resolve(outputDir, file.path);
          if (!target.startsWith(outputDir + path.sep)) continue;
          if (file.base64Content === undefined) {
            io.stderr.write(`warning: ${file.path} is too large for a dry run's contents; not written\n`);
            continue;
          }
          await mkdir(path.dirname(target), { recursive: true });
          await writeFile(target, Buffer.from(file.base64Content, 'base64'), { mode: file.executable ? 0o755 : 0o644 });
        }
        io.stdout.write(`Wrote them to ${displayPath(outputDir, io.cwd)}\n`);
      }
    }
    printOutput(io, result.output ?? {});
    if (result.status !== 'completed') {
      const error = result.error;
      io.stderr.write(`error: task ${result.status}${error ? `: ${error.name}: ${error.message}` : ''}\n`);
      return 1;
    }
    io.stdout.write(`Task ${dryRun ? 'dry run ' : ''}completed.\n`);
    return 0;
  },
});

function parseSecrets(pairs: readonly string[]): Record<string, string> {
  const secrets: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--secret must be KEY=VALUE (got '${pair.length > 40 ? `${pair.slice(0, 40)}…` : pair}')`);
    secrets[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return secrets;
}

async function readValues(file: string, shown: string): Promise<JsonObject> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--values ${shown}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  const docs = parseYamlDocuments(text, { file: shown });
  if (docs.length === 0) return {};
  if (docs.length > 1) throw new InputError(`${shown}:${docs[1]!.line}: expected one YAML document of values, found ${docs.length}`);
  const value = docs[0]!.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError(`${shown}:${docs[0]!.line}: expected a mapping of parameter names to values`);
  }
  return value as JsonObject;
}

async function ensureEmptyDirectory(dir: string, shown: string): Promise<void> {
  const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    if (error.code === 'ENOTDIR') throw new UsageError(`--output-dir ${shown} is a file`);
    throw error;
  });
  // Never write over existing files.
  if (entries.length) throw new UsageError(`--output-dir ${shown} is not empty`);
}

async function copyWorkspaceAction(outputDir: string) {
  const { createAction } = await import('@portalkit/scaffolder');
  return createAction({
    id: OUTPUT_ACTION,
    description: 'Copies the task workspace to the directory given to `portalkit template run --output-dir`.',
    async handler(ctx) {
      await mkdir(outputDir, { recursive: true });
      await cp(ctx.workspacePath, outputDir, { recursive: true, errorOnExist: true, force: false });
      ctx.logger.info(`Copied the workspace to ${outputDir}`);
    },
  });
}

function formatEvent(event: TaskEvent): string {
  const { body } = event;
  const where = body.stepId ? `[${body.stepId}] ` : '';
  const level = typeof body.level === 'string' && body.level !== 'info' ? `${body.level}: ` : '';
  return `${where}${level}${body.message}\n`;
}

function printOutput(io: CliIo, output: JsonObject): void {
  const { links, text, ...rest } = output as { links?: JsonValue; text?: JsonValue } & JsonObject;
  const list = (value: JsonValue | undefined) => (Array.isArray(value) ? value.filter((v): v is JsonObject => !!v && typeof v === 'object' && !Array.isArray(v)) : []);
  const linkItems = list(links);
  if (linkItems.length) {
    io.stdout.write('Links:\n');
    for (const link of linkItems) {
      const target = link.url ?? link.entityRef ?? '';
      io.stdout.write(`  ${String(link.title ?? target)}: ${String(target)}\n`);
    }
  }
  const textItems = list(text);
  if (textItems.length) {
    io.stdout.write('Text:\n');
    for (const item of textItems) io.stdout.write(`  ${String(item.title ?? '')}: ${String(item.content ?? '')}\n`);
  }
  for (const [key, value] of Object.entries(rest)) io.stdout.write(`${key}: ${JSON.stringify(value)}\n`);
}

/**
 * `portalkit template ...`.
 *
 * @example
 * ```ts
 * await runCli(['template', 'run', 'template.yaml', '--values', 'values.yaml', '--dry-run'], io);
 * ```
 */
export const templateCommands: CommandGroup = { name: 'template', summary: 'Run software templates', commands: [run] };
