import { opendir } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { InputError } from '@portalkit/core';
import { createAction } from '../createAction.js';
import { resolveSafeChildPath } from '../resolveSafeChildPath.js';

/** The most entries one `fs:readdir` step lists by default; more is an `InputError`, not an unbounded output. */
export const maxReaddirEntries = 10_000;

const contentSchema = z.object({
  name: z.string().describe('Name of the file or directory'),
  path: z.string().describe('path to the file or directory relative to the workspace'),
  fullPath: z.string().describe('full path to the file or directory'),
});
type Content = z.infer<typeof contentSchema>;

/**
 * `fs:readdir`: list files and directories below workspace paths (Backstage's outputs `files`
 * and `folders`, each `{ name, path, fullPath }`). Symlinks are listed as files and never
 * followed, so a recursive listing stays inside the workspace.
 *
 * @example
 * ```yaml
 * - id: list
 *   action: fs:readdir
 *   input: { paths: [src], recursive: true }
 * ```
 */
export function createFsReaddirAction(options: { maxEntries?: number } = {}) {
  const maxEntries = options.maxEntries ?? maxReaddirEntries;
  return createAction({
    id: 'fs:readdir',
    description: 'Reads files and directories from the workspace',
    supportsDryRun: true,
    examples: [{ description: 'Read the content of the workspace', example: "steps:\n  - id: read\n    action: fs:readdir\n    input:\n      paths: ['.']\n      recursive: true" }],
    schema: {
      input: z.object({
        paths: z.array(z.string().min(1)).describe('Paths of directories in the workspace to list'),
        recursive: z.boolean().default(false).describe('List the directories below them too'),
      }),
      output: z.object({ files: z.array(contentSchema), folders: z.array(contentSchema) }),
    },
    async handler(ctx) {
      const files: Content[] = [];
      const folders: Content[] = [];
      for (const localPath of ctx.input.paths) {
        const root = resolveSafeChildPath(ctx.workspacePath, localPath);
        let dir: Awaited<ReturnType<typeof opendir>>;
        try {
          dir = await opendir(root, { recursive: ctx.input.recursive });
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          throw new InputError(`fs:readdir: cannot read ${localPath}${code ? ` (${code})` : ''}`);
        }
        // Streamed, so a huge tree is refused at the bound instead of being read whole first.
        for await (const dirent of dir) {
          if (files.length + folders.length >= maxEntries) {
            await dir.close().catch(() => {});
            throw new InputError(`fs:readdir: more than ${maxEntries} entries below ${ctx.input.paths.join(', ')}`);
          }
          const fullPath = path.join(dirent.parentPath, dirent.name);
          const element = { name: dirent.name, path: path.relative(ctx.workspacePath, fullPath), fullPath };
          (dirent.isDirectory() ? folders : files).push(element);
        }
      }
      ctx.output('files', files);
      ctx.output('folders', folders);
    },
  });
}
