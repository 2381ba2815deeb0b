import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { createAction } from '../createAction.js';

/**
 * `debug:log`: write a message (and optionally the workspace listing) to the task log.
 * @example
 * ```yaml
 * - action: debug:log
 *   input: { message: 'Hello ${{ parameters.name }}', listWorkspace: true }
 * ```
 */
export function createDebugLogAction() {
  return createAction<{ message?: string; listWorkspace?: boolean | 'with-filenames' | 'with-contents'; extra?: unknown }>({
    id: 'debug:log',
    description: 'Writes a message into the log and/or lists all files in the workspace.',
    supportsDryRun: true,
    examples: [{ description: 'Write a debug message', example: "steps:\n  - action: debug:log\n    input:\n      message: 'Hello, world!'" }],
    schema: {
      input: z.object({
        message: z.string().optional().describe('Message to output.'),
        listWorkspace: z.union([z.boolean(), z.enum(['with-filenames', 'with-contents'])]).optional().describe('List all files in the workspace.'),
        extra: z.any().optional(),
      }),
    },
    async handler(ctx) {
      if (ctx.input.message) ctx.logger.info(ctx.input.message);
      if (ctx.input.extra !== undefined) ctx.logger.info(JSON.stringify(ctx.input.extra, null, 2));
      if (ctx.input.listWorkspace) {
        const entries = await readdir(ctx.workspacePath, { recursive: true, withFileTypes: true });
        const files = entries
          .filter((e) => e.isFile())
          .map((e) => path.relative(ctx.workspacePath, path.join(e.parentPath, e.name)))
          .sort();
        if (ctx.input.listWorkspace === 'with-contents') {
          for (const file of files) {
            const content = await readFile(path.join(ctx.workspacePath, file), 'utf8');
            ctx.logger.info(`Workspace file ${file}:\n${content}`);
          }
        } else {
          ctx.logger.info(`Workspace:\n${files.map((f) => `  - ${f}`).join('\n')}`);
        }
      }
    },
  });
}
