import { z } from 'zod';
import type { TemplateFilter, TemplateGlobal } from '../../types.js';
import { createAction } from '../createAction.js';
import { resolveSafeChildPath } from '../resolveSafeChildPath.js';
import { keepsExistingFile, renderTemplateFile } from './renderTemplateFile.js';

/** Options of {@link createWorkspaceTemplateFileAction}. */
export interface WorkspaceTemplateActionOptions {
  /** Extra filters/globals (besides the Backstage defaults). */
  filters?: Record<string, TemplateFilter>;
  globals?: Record<string, TemplateGlobal>;
}

/**
 * `workspace:template:file`: render one file already in the workspace (`sourcePath`) into
 * another place of the workspace (`targetPath`); both stay inside the workspace.
 *
 * @example
 * ```yaml
 * - action: workspace:template:file
 *   input: { sourcePath: ./skeleton.txt, targetPath: ./out/skeleton.txt, values: { name: app } }
 * ```
 */
export function createWorkspaceTemplateFileAction(options: WorkspaceTemplateActionOptions = {}) {
  return createAction({
    id: 'workspace:template:file',
    description: 'Templates variables into a single workspace file, placing the result into another location in the workspace.',
    supportsDryRun: true,
    schema: {
      input: z.object({
        sourcePath: z.string().min(1).describe('Path in workspace to source file.'),
        targetPath: z.string().min(1).describe('Target path in workspace.'),
        values: z.record(z.string(), z.any()).optional().describe('Values to pass to the templating engine.'),
        cookiecutterCompat: z.boolean().optional().describe('Enable features to maximise compatibility with templates built for fetch:cookiecutter'),
        replace: z.boolean().optional().describe('If set, replace files in targetPath instead of skipping existing ones.'),
      }),
    },
    async handler(ctx) {
      const { input } = ctx;
      const outputPath = resolveSafeChildPath(ctx.workspacePath, input.targetPath);
      if (await keepsExistingFile(ctx, outputPath, input.replace, input.targetPath)) return;
      await renderTemplateFile(ctx, {
        actionId: 'workspace:template:file',
        sourceFile: resolveSafeChildPath(ctx.workspacePath, input.sourcePath),
        outputPath,
        values: input.values ?? {},
        cookiecutterCompat: input.cookiecutterCompat,
        filters: options.filters,
        globals: options.globals,
      });
    },
  });
}
