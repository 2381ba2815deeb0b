import type { CliCommand, CommandGroup, OptionSpec } from './command.js';

/*
 * Help texts. Kept plain (no colours) so they read the same in a terminal, a pipe and a test.
 */

const helpOption: OptionSpec = { type: 'boolean', short: 'h', description: 'Show this help' };

/** `portalkit catalog ingest` for a command of a group. */
export function commandPath(group: CommandGroup, command: CliCommand): string {
  return ['portalkit', group.name, ...(command.name ? [command.name] : [])].join(' ');
}

function table(rows: [string, string][]): string {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`).join('\n');
}

function optionLabel(name: string, spec: OptionSpec): string {
  const flag = `${spec.short ? `-${spec.short}, ` : '    '}--${name}`;
  return spec.type === 'string' ? `${flag} <${spec.value ?? 'value'}>` : flag;
}

function optionText(spec: OptionSpec): string {
  const notes: string[] = [];
  if (spec.required) notes.push('required');
  if (spec.default !== undefined && spec.default !== false) notes.push(`default ${String(spec.default)}`);
  if (spec.multiple) notes.push('repeatable');
  return notes.length ? `${spec.description} (${notes.join(', ')})` : spec.description;
}

/** Help of one command: usage, description, options, examples. */
export function commandHelp(group: CommandGroup, command: CliCommand): string {
  const options = Object.entries({ ...command.options, help: helpOption });
  const parts = [
    `Usage: ${commandPath(group, command)} ${command.usage}`.trimEnd(),
    command.description ?? command.summary,
    `Options:\n${table(options.map(([name, spec]) => [optionLabel(name, spec), optionText(spec)]))}`,
  ];
  if (command.examples?.length) parts.push(`Examples:\n${command.examples.map((e) => `  ${e}`).join('\n')}`);
  return `${parts.join('\n\n')}\n`;
}

/** Help of a group with subcommands: lists them. */
export function groupHelp(group: CommandGroup): string {
  const rows = group.commands.map((c): [string, string] => [commandPath(group, c).slice('portalkit '.length), c.summary]);
  return `Usage: portalkit ${group.name} <command> [options]\n\n${group.summary}\n\nCommands:\n${table(rows)}\n\nRun \`portalkit ${group.name} <command> --help\` for the options of a command.\n`;
}

/** `portalkit --help`: every command of every group. */
export function mainHelp(groups: readonly CommandGroup[]): string {
  const rows = groups.flatMap((g) =>
    g.commands.map((c): [string, string] => [commandPath(g, c).slice('portalkit '.length), c.summary]),
  );
  return [
    'Usage: portalkit <command> [options]',
    "Backstage's catalog, TechDocs and software templates on the command line.",
    `Commands:\n${table(rows)}`,
    `Options:\n${table([
      ['-h, --help', 'Show help (also after any command)'],
      ['    --version', 'Print the version'],
    ])}`,
    'Exit codes: 0 success, 1 failure (invalid input, processing or task errors), 2 usage error.',
  ].join('\n\n') + '\n';
}
