import { rm } from 'node:fs/promises';
import path from 'node:path';
import { glob } from 'tinyglobby';
import { z } from 'zod';
import { NotAllowedError } from '@portalkit/core';
import { createAction } from '../createAction.js';
import { resolveContainedPath } from '../resolveSafeChildPath.js';

/**
 * `fs:delete`: delete files or directories (globs allowed) from the workspace.
 * @example
 * ```yaml
 * - action: fs:delete
 *   input: { files: ['**\/*.tmp', docs/draft.md] }
 * ```
 */
export function createFsDeleteAction() {
  return createAction<{ files: string[] }>({
    id: 'fs:delete',
    description: 'Deletes files and directories from the workspace',
    supportsDryRun: true,
    schema: {
      input: z.object({ files: z.array(z.string().min(1)).describe('A list of files and directories (globs allowed) to delete') }),
    },
    async handler(ctx) {
      for (const pattern of ctx.input.files) {
        // Refuse escaping patterns before globbing, so nothing outside is even listed.
        if (path.isAbsolute(pattern) || pattern.split(/[\\/]/).includes('..')) {
          throw new NotAllowedError(`fs:delete: ${pattern} refers to a location outside the workspace`);
        }
      }
      const matches = await glob(ctx.input.files, { cwd: ctx.workspacePath, dot: true, onlyFiles: false, followSymbolicLinks: false });
      // Deepest first, so a directory's children are gone before it is.
      matches.sort((a, b) => b.length - a.length);
      for (const match of matches) {
        // Deleting a `.git` entry (one a custom action wrote) is allowed: it only removes it.
        const target = resolveContainedPath(ctx.workspacePath, match.replace(/\/$/, ''));
        await rm(target, { recursive: true, force: true });
        ctx.logger.info(`File ${match} deleted successfully`);
      }
    },
  });
}
