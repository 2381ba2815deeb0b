/*
 * @portalkit/cli: the `portalkit` command line, runnable in-process through `runCli`.
 */
export { runCli } from './cli.js';
export type { RunCliOptions } from './cli.js';
export { defineCommand } from './command.js';
export type { CliCommand, CliIo, CliStream, CommandGroup, CommandInput, OptionSpec, OptionValues } from './command.js';
export { builtinCommandGroups } from './commands/index.js';
export { catalogCommands } from './commands/catalog.js';
export { docsCommands } from './commands/docs.js';
export { scorecardCommands } from './commands/scorecard.js';
export { templateCommands } from './commands/template.js';
export { validateCommands } from './commands/validate.js';
export type { EntityProblem } from './entity-problems.js';
export { createProgress } from './progress.js';
export type { Progress, ProgressOptions } from './progress.js';
export { UsageError } from './usage-error.js';
