import { readFile } from 'node:fs/promises';
import { defineCommand } from '../command.js';
import type { CommandGroup } from '../command.js';
import type { Entity, EntityProcessor, ProcessorEmit } from '@portalkit/catalog';
import type { EntityProblem, SeenRefs } from '../entity-problems.js';
import { extensionOptions, loadCliExtensions } from '../extensions.js';
import { displayPath } from '../display-path.js';
import { expandFileArguments } from '../files.js';

const validate = defineCommand({
  summary: 'Validate catalog entity YAML files',
  usage: '<files|globs|dirs...> [--format text|json] [--actions file]... [--config file]',
  description:
    'Parse every YAML document of the files (multi-document, `---`, empty documents skipped) and validate each\n' +
    "entity with the catalog's validator and built-in kinds: envelope, kind schema, name and label formats, refs\n" +
    'of relation fields, $text/$json/$yaml placeholders, refs defined twice. Prints\n' +
    '`file:line:col  entityRef  path  message [rule]` per problem. YAML files found by scanning a directory\n' +
    'that hold no document with an apiVersion or kind (OpenAPI specs, CI files) are skipped.\n' +
    'Exit code 0 when every entity is valid, 1 when any is not, 2 on usage errors.',
  examples: [
    'portalkit validate catalog-info.yaml',
    "portalkit validate 'services/**/catalog-info.yaml' org/",
    'portalkit validate catalog/ --format json > problems.json',
    'portalkit validate catalog/ --actions ./processors.mjs',
  ],
  args: { min: 1 },
  options: {
    format: { type: 'string', value: 'text|json', choices: ['text', 'json'], default: 'text', description: 'Output format; json prints an array of { file, line, column, entityRef, path, rule, message }' },
    ...extensionOptions,
  },
  async run({ values, positionals, io }) {
    const files = await expandFileArguments(positionals, io.cwd);
    // The one place validate gets its extensions: processors' validate hooks below, and the
    // actions for the checks of templates' action ids.
    const extensions = await loadCliExtensions(values, io);
    // Loaded on use, like the libraries of the other commands.
    const [{ createEntityValidator }, { checkEntityFile }] = await Promise.all([import('@portalkit/catalog'), import('../entity-problems.js')]);
    const validator = createEntityValidator();
    const seen: SeenRefs = new Map();
    const problems: EntityProblem[] = [];
    let entities = 0;
    let skipped = 0;
    for (const { file: absolute, fromDirectory } of files) {
      const file = displayPath(absolute, io.cwd);
      let text: string;
      try {
        text = await readFile(absolute, 'utf8');
      } catch (error) {
        problems.push({ file, line: 1, column: 1, entityRef: null, path: '', rule: 'read', message: (error as Error).message });
        continue;
      }
      const checked = checkEntityFile({ file, absolute, rootDir: io.cwd, text, skipNonEntities: fromDirectory }, validator, seen);
      if (checked.skipped) skipped++;
      problems.push(...checked.problems);
      for (const { entity, line } of checked.valid) problems.push(...(await processorProblems(extensions.processors, entity, { file, line, absolute })));
      entities += checked.entities;
    }
    if (values.format === 'json') {
      io.stdout.write(`${JSON.stringify(problems, null, 2)}\n`);
    } else {
      for (const p of problems) {
        io.stdout.write(`${p.file}:${p.line}:${p.column}  ${p.entityRef ?? '-'}  ${p.path || '-'}  ${p.message} [${p.rule}]\n`);
      }
      const checkedFiles = files.length - skipped;
      const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
      const note = skipped ? `; ${plural(skipped, 'non-entity YAML file')} skipped` : '';
      const summary = problems.length
        ? `${plural(problems.length, 'problem')} in ${new Set(problems.map((p) => p.file)).size} of ${plural(checkedFiles, 'file')} (${plural(entities, 'document')})${note}`
        : `${plural(checkedFiles, 'file')}, ${plural(entities, 'entity document')}: all valid${note}`;
      (problems.length ? io.stderr : io.stdout).write(`${summary}\n`);
    }
    return problems.length ? 1 : 0;
  },
});

/**
 * Run the `validate` hook of each loaded processor on a valid entity; a throw is a problem with
 * rule `processor:<name>` at the entity's document.
 */
async function processorProblems(processors: readonly EntityProcessor[], entity: Entity, at: { file: string; line: number; absolute: string }): Promise<EntityProblem[]> {
  const problems: EntityProblem[] = [];
  const ref = `${entity.kind}:${entity.metadata.namespace ?? 'default'}/${entity.metadata.name}`.toLowerCase();
  const location = { type: 'file', target: at.absolute };
  for (const processor of processors) {
    if (!processor.validate) continue;
    const report = (error: unknown) =>
      problems.push({ file: at.file, line: at.line, column: 1, entityRef: ref, path: '', rule: `processor:${processor.name}`, message: error instanceof Error ? error.message : String(error) });
    // Validation only: entities, relations and refresh keys a processor emits are for the catalog.
    const emit: ProcessorEmit = { entity() {}, relation() {}, refresh() {}, error: report };
    try {
      await processor.validate(entity, location, emit);
    } catch (error) {
      report(error);
    }
  }
  return problems;
}

/**
 * `portalkit validate`.
 *
 * @example
 * ```ts
 * await runCli(['validate', 'catalog-info.yaml', '--format', 'json'], io);
 * ```
 */
export const validateCommands: CommandGroup = { name: 'validate', summary: 'Validate catalog entity YAML files', commands: [validate] };
