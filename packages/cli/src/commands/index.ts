import type { CommandGroup } from '../command.js';
import { catalogCommands } from './catalog.js';
import { docsCommands } from './docs.js';
import { mcpCommands } from './mcp.js';
import { scorecardCommands } from './scorecard.js';
import { templateCommands } from './template.js';
import { validateCommands } from './validate.js';

/**
 * The command groups `portalkit` ships, in help order. A new group is one file in this folder
 * exporting a {@link CommandGroup}, added here.
 *
 * @example
 * ```ts
 * const code = await runCli(argv, io, { groups: [...builtinCommandGroups, myGroup] });
 * ```
 */
export const builtinCommandGroups: readonly CommandGroup[] = [
  validateCommands,
  catalogCommands,
  docsCommands,
  templateCommands,
  scorecardCommands,
  mcpCommands,
];
