import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { InputError } from '@portalkit/core';
import { createAction } from '../createAction.js';
import { resolveSafeChildPath } from '../resolveSafeChildPath.js';

/**
 * `fs:rename`: rename files or directories inside the workspace.
 * @example
 * ```yaml
 * - action: fs:rename
 *   input: { files: [{ from: README.tmpl.md, to: README.md }] }
 * ```
 */
export function createFsRenameAction() {
  return createAction<{ files: Array<{ from: string; to: string; overwrite?: boolean }> }>({
    id: 'fs:rename',
    description: 'Renames files or directories in the workspace',
    supportsDryRun: true,
    schema: {
      input: z.object({
        files: z
          .array(
            z.object({
              from: z.string().min(1).describe('The source location of the file to be renamed'),
              to: z.string().min(1).describe('The destination of the new file'),
              overwrite: z.boolean().optional().describe('Overwrite existing file or directory, default is false'),
            }),
          )
          .describe('A list of file and directory names that will be renamed'),
      }),
    },
    async handler(ctx) {
      for (const file of ctx.input.files) {
        const source = resolveSafeChildPath(ctx.workspacePath, file.from);
        const target = resolveSafeChildPath(ctx.workspacePath, file.to);
        if (!(await stat(source).catch(() => undefined))) throw new InputError(`fs:rename: ${file.from} does not exist`);
        if (await stat(target).catch(() => undefined)) {
          if (!file.overwrite) throw new InputError(`fs:rename: ${file.to} already exists (set overwrite: true to replace it)`);
          await rm(target, { recursive: true, force: true });
        }
        await mkdir(path.dirname(target), { recursive: true });
        await rename(source, target);
        ctx.logger.info(`Renamed ${file.from} to ${file.to}`);
      }
    },
  });
}
