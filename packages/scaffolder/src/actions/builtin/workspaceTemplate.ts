import { stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { InputError, isPathInside } from '@portalkit/core';
import { createAction } from '../createAction.js';
import { resolveSafeChildPath } from '../resolveSafeChildPath.js';
import { renderSkeleton } from './renderSkeleton.js';
import type { WorkspaceTemplateActionOptions } from './workspaceTemplateFile.js';

/**
 * `workspace:template`: render a skeleton directory already in the workspace (`sourcePath`, for
 * example fetched by `fetch:plain`) into `targetPath`, as `fetch:template` renders a fetched one.
 * Source and target must not overlap (rendering into its own source would read its output).
 *
 * @example
 * ```yaml
 * - action: workspace:template
 *   input: { sourcePath: ./skeleton, targetPath: ./app, values: { name: app } }
 * ```
 */
export function createWorkspaceTemplateAction(options: WorkspaceTemplateActionOptions = {}) {
  return createAction({
    id: 'workspace:template',
    description:
      'Templates variables into file and directory names and content of `sourcePath` in the action context workspace. Then places the result into a subdirectory of the workspace specified by the `targetPath` input option.',
    supportsDryRun: true,
    schema: {
      input: z.object({
        sourcePath: z.string().min(1).describe('Path within the working directory denoting source template.'),
        targetPath: z.string().min(1).describe('Target path within the working directory to download the contents to; must not overlap `sourcePath`.'),
        values: z.record(z.string(), z.any()).default({}).describe('Values to pass to the templating engine.'),
        copyWithoutTemplating: z
          .array(z.string())
          .optional()
          .describe('An array of glob patterns. Contents of matched files or directories are copied without being processed, but paths are subject to rendering.'),
        cookiecutterCompat: z.boolean().default(false).describe('Enable features to maximise compatibility with templates built for fetch:cookiecutter'),
        templateFileExtension: z
          .union([z.string(), z.boolean()])
          .optional()
          .describe('If set, only files with the given extension will be templated. If set to `true`, the default extension `.njk` is used.'),
        replace: z.boolean().default(false).describe('If set, replace files in targetPath instead of skipping existing ones.'),
      }),
    },
    async handler(ctx) {
      const { input } = ctx;
      const sourceDir = resolveSafeChildPath(ctx.workspacePath, input.sourcePath);
      const outputDir = resolveSafeChildPath(ctx.workspacePath, input.targetPath);
      if (isPathInside(sourceDir, outputDir) || isPathInside(outputDir, sourceDir)) {
        throw new InputError('workspace:template: targetPath must not overlap sourcePath');
      }
      if (!(await stat(sourceDir).catch(() => undefined))?.isDirectory()) {
        throw new InputError(`workspace:template: ${input.sourcePath} is not a directory of the workspace`);
      }
      await renderSkeleton(ctx, {
        actionId: 'workspace:template',
        sourceDir,
        outputDir,
        input: { ...input, trimBlocks: false, lstripBlocks: false },
        filters: options.filters,
        globals: options.globals,
      });
      ctx.logger.info(`Template result written to ${path.relative(ctx.workspacePath, outputDir) || '.'}`);
    },
  });
}
