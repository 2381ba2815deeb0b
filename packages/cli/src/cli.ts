import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import type { CliCommand, CliIo, CommandGroup, CommandInput, OptionSpec } from './command.js';
import { builtinCommandGroups } from './commands/index.js';
import { commandHelp, commandPath, groupHelp, mainHelp } from './help.js';
import { UsageError } from './usage-error.js';

/**
 * Options of {@link runCli}.
 *
 * @example
 * ```ts
 * const options: RunCliOptions = { groups: [...builtinCommandGroups, myCommands], version: '1.2.0' };
 * ```
 */
export interface RunCliOptions {
  /** The command groups; default {@link builtinCommandGroups}. */
  groups?: readonly CommandGroup[];
  /** Printed by `--version`. */
  version?: string;
}

/**
 * Run the `portalkit` command line in-process: `argv` without the node and script paths.
 * Resolves to the exit code (0 success, 1 failure, 2 usage error); never rejects, so a bad
 * command line or a failing library call always ends in a message on `io.stderr`.
 *
 * @example
 * ```ts
 * const code = await runCli(['validate', 'catalog-info.yaml'], {
 *   stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env,
 * });
 * process.exitCode = code;
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo, options: RunCliOptions = {}): Promise<number> {
  const groups = options.groups ?? builtinCommandGroups;
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.stderr.write(mainHelp(groups));
    return 2;
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    io.stdout.write(mainHelp(groups));
    return 0;
  }
  if (first === '--version') {
    io.stdout.write(`${options.version ?? 'unknown'}\n`);
    return 0;
  }
  const group = groups.find((g) => g.name === first);
  if (!group) return usage(io, `unknown command '${first}'`, 'portalkit --help');

  let command: CliCommand | undefined = group.commands.find((c) => c.name === undefined);
  let args = rest;
  if (!command) {
    const [name, ...afterName] = rest;
    if (name === undefined || name === '--help' || name === '-h') {
      (name === undefined ? io.stderr : io.stdout).write(groupHelp(group));
      return name === undefined ? 2 : 0;
    }
    command = group.commands.find((c) => c.name === name);
    if (!command) return usage(io, `unknown command '${group.name} ${name}'`, `portalkit ${group.name} --help`);
    args = afterName;
  }
  const path = commandPath(group, command);

  let input: { values: Record<string, unknown>; positionals: string[] };
  try {
    input = parseCommandLine(command, args);
  } catch (error) {
    return usage(io, (error as Error).message, `${path} --help`);
  }
  if (input.values.help) {
    io.stdout.write(commandHelp(group, command));
    return 0;
  }
  delete input.values.help;

  try {
    return await command.run({ values: input.values as CommandInput<Record<string, OptionSpec>>['values'], positionals: input.positionals, io });
  } catch (error) {
    if (error instanceof UsageError) return usage(io, error.message, `${path} --help`);
    io.stderr.write(`error: ${describeError(error)}\n`);
    return 1;
  }
}

function usage(io: CliIo, message: string, helpCommand: string): number {
  io.stderr.write(`error: ${message}\nRun \`${helpCommand}\` for usage.\n`);
  return 2;
}

/** `parseArgs` with the command's options plus `--help`, then arity, choices and required checks. */
function parseCommandLine(command: CliCommand, args: readonly string[]) {
  const config: NonNullable<ParseArgsConfig['options']> = { help: { type: 'boolean', short: 'h' } };
  for (const [name, spec] of Object.entries(command.options)) {
    config[name] = {
      type: spec.type,
      ...(spec.short ? { short: spec.short } : {}),
      ...(spec.multiple ? { multiple: true } : {}),
      ...(spec.default !== undefined ? { default: spec.default as never } : {}),
    };
  }
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options: config, allowPositionals: true, strict: true });
  } catch (error) {
    // parseArgs messages name the flag; drop its advice about `--` which rarely applies here.
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
  const values = parsed.values as Record<string, unknown>;
  if (values.help) return { values, positionals: parsed.positionals };
  const { min, max } = command.args;
  const count = parsed.positionals.length;
  if (count < min) throw new UsageError(`missing argument: expected ${command.usage.split(' ')[0] ?? 'an argument'}`);
  if (max !== undefined && count > max) throw new UsageError(`unexpected argument '${parsed.positionals[max]}'`);
  for (const [name, spec] of Object.entries(command.options)) {
    const value = values[name];
    if (spec.required && value === undefined) throw new UsageError(`missing required option --${name}`);
    if (spec.choices && typeof value === 'string' && !spec.choices.includes(value)) {
      throw new UsageError(`--${name} must be one of ${spec.choices.join(', ')} (got '${value}')`);
    }
  }
  return { values, positionals: parsed.positionals };
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message;
  return String(error);
}
