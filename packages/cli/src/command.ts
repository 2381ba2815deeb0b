/**
 * Contracts of the command line: the I/O a command gets, its options, and how commands are
 * grouped. A command group is one file in `src/commands/`, listed in `src/commands/index.ts`.
 */

/**
 * Where a command writes: `process.stdout`/`process.stderr` in the bin, collectors in tests.
 *
 * @example
 * ```ts
 * const chunks: string[] = [];
 * const stream: CliStream = { write: (text) => chunks.push(text), isTTY: false };
 * ```
 */
export interface CliStream {
  write(text: string): unknown;
  /** A terminal: progress is redrawn in place instead of printed as lines. */
  isTTY?: boolean;
  /** Terminal width, when known. */
  columns?: number;
}

/**
 * Everything a command may touch of its process, passed in so commands run in-process in tests.
 *
 * @example
 * ```ts
 * const io: CliIo = { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env };
 * ```
 */
export interface CliIo {
  stdout: CliStream;
  stderr: CliStream;
  /** Relative paths in arguments resolve against it. */
  cwd: string;
  env: Record<string, string | undefined>;
}

/**
 * One option of a command, parsed by `node:util` `parseArgs`.
 *
 * @example
 * ```ts
 * const format: OptionSpec = { type: 'string', value: 'text|json', default: 'text', choices: ['text', 'json'], description: 'Output format' };
 * ```
 */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** May be given several times; the value is an array. */
  multiple?: boolean;
  /** Placeholder shown in help, e.g. `dir` for `--output <dir>`. */
  value?: string;
  description: string;
  default?: string | boolean;
  /** Accepted values of a string option. */
  choices?: readonly string[];
  /** Missing is a usage error. */
  required?: boolean;
}

type OptionValue<O extends OptionSpec> = O['type'] extends 'boolean'
  ? O['multiple'] extends true
    ? boolean[]
    : boolean
  : O['multiple'] extends true
    ? string[]
    : string;

/**
 * Parsed option values, typed from the option specs (absent options are `undefined`).
 *
 * @example
 * ```ts
 * type V = OptionValues<{ strict: { type: 'boolean'; description: '' } }>; // { strict?: boolean }
 * ```
 */
export type OptionValues<O extends Record<string, OptionSpec>> = { [K in keyof O]?: OptionValue<O[K]> };

/**
 * What a command's `run` receives after its arguments were checked.
 *
 * @example
 * ```ts
 * async run({ values, positionals, io }) { io.stdout.write(`${positionals.length} files\n`); return 0; }
 * ```
 */
export interface CommandInput<O extends Record<string, OptionSpec>> {
  values: OptionValues<O>;
  positionals: string[];
  io: CliIo;
}

/**
 * A command: `portalkit <group> <name> ...`, or `portalkit <group> ...` when `name` is omitted.
 * `run` resolves to the exit code (0 success, 1 failure); usage problems throw a `UsageError`.
 *
 * @example
 * ```ts
 * const hello = defineCommand({
 *   name: 'hello',
 *   summary: 'Greet someone',
 *   usage: '<name>',
 *   args: { min: 1, max: 1 },
 *   options: { loud: { type: 'boolean', description: 'Shout' } },
 *   async run({ values, positionals, io }) {
 *     io.stdout.write(`hello ${positionals[0]}${values.loud ? '!' : ''}\n`);
 *     return 0;
 *   },
 * });
 * ```
 */
export interface CliCommand<O extends Record<string, OptionSpec> = Record<string, OptionSpec>> {
  name?: string;
  summary: string;
  /** Arguments and options after the command words, e.g. `<dir> [--output site]`. */
  usage: string;
  /** Longer help text. */
  description?: string;
  examples?: readonly string[];
  options: O;
  /** How many positional arguments are accepted. */
  args: { min: number; max?: number };
  run(input: CommandInput<O>): Promise<number>;
}

/**
 * Commands sharing a first word (`catalog`, `docs`, ...): one file in `src/commands/`.
 *
 * @example
 * ```ts
 * const greetings: CommandGroup = { name: 'greet', summary: 'Greetings', commands: [hello] };
 * const code = await runCli(['greet', 'hello', 'ann'], io, { groups: [...builtinCommandGroups, greetings] });
 * ```
 */
export interface CommandGroup {
  name: string;
  summary: string;
  commands: readonly CliCommand[];
}

/**
 * Declare a command with its option types inferred from `options`.
 *
 * @example
 * ```ts
 * const check = defineCommand({ name: 'check', summary: 'Check', usage: '', args: { min: 0, max: 0 }, options: {}, run: async () => 0 });
 * ```
 */
export function defineCommand<const O extends Record<string, OptionSpec>>(command: CliCommand<O>): CliCommand {
  // Widened for the command list: runCli checks the values against these very options first.
  return command as unknown as CliCommand;
}
