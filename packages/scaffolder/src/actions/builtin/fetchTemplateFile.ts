import path from 'node:path';
import { z } from 'zod';
import type { TemplateFilter, TemplateGlobal } from '../../types.js';
import { createAction } from '../createAction.js';
import { resolveSafeChildPath } from '../resolveSafeChildPath.js';
import { displayFetchUrl, fetchFile, readersOf, type FetchReaders } from './fetchContents.js';
import { keepsExistingFile, renderTemplateFile } from './renderTemplateFile.js';

/** Options of {@link createFetchTemplateFileAction}. */
export interface FetchTemplateFileActionOptions extends FetchReaders {
  /** Extra filters/globals for the file's contents (besides the Backstage defaults). */
  filters?: Record<string, TemplateFilter>;
  globals?: Record<string, TemplateGlobal>;
}

/**
 * `fetch:template:file`: fetch one file (relative to the template, or a URL through the
 * integrations/reader), render its contents with nunjucks and write it to `targetPath` in the
 * workspace. An existing file is kept unless `replace` is true, as in Backstage. Backstage's
 * `token` input is not offered: reads use the configured integrations' credentials.
 *
 * @example
 * ```yaml
 * - action: fetch:template:file
 *   input: { url: ./skeleton/README.md, targetPath: README.md, values: { name: ${{ parameters.name }} } }
 * ```
 */
export function createFetchTemplateFileAction(options: FetchTemplateFileActionOptions = {}) {
  return createAction({
    id: 'fetch:template:file',
    description: 'Downloads single file and places it in the workspace.',
    supportsDryRun: true,
    examples: [
      {
        description: 'Downloads a skeleton file, templates its content and places it in the workspace.',
        example: 'steps:\n  - action: fetch:template:file\n    input:\n      url: ./skeleton.txt\n      targetPath: ./target/skeleton.txt\n      values:\n        name: my-app',
      },
    ],
    schema: {
      input: z.object({
        url: z.string().min(1).describe('Relative path or absolute URL pointing to the single file to fetch.'),
        targetPath: z.string().min(1).describe('Target path within the working directory to download the file as.'),
        values: z.record(z.string(), z.any()).default({}).describe('Values to pass on to the templating engine'),
        cookiecutterCompat: z.boolean().optional().describe('Enable features to maximise compatibility with templates built for fetch:cookiecutter'),
        replace: z.boolean().optional().describe('If set, replace file in targetPath instead of overwriting existing one.'),
        trimBlocks: z.boolean().optional().describe('If set, the first newline after a block is removed (block, not variable tag!).'),
        lstripBlocks: z.boolean().optional().describe('If set, leading spaces and tabs are stripped from the start of a line to a block.'),
      }),
    },
    async handler(ctx) {
      const { input } = ctx;
      ctx.logger.info(`Fetching template file content from ${displayFetchUrl(input.url)}`);
      const outputPath = resolveSafeChildPath(ctx.workspacePath, input.targetPath);
      if (await keepsExistingFile(ctx, outputPath, input.replace, input.targetPath)) return;
      // Fetched to a temporary file first: the workspace only ever receives the rendered result.
      const sourceFile = path.join(await ctx.createTemporaryDirectory(), 'template-file');
      await fetchFile({
        ...readersOf(options),
        ...(ctx.templateInfo?.baseUrl ? { baseUrl: ctx.templateInfo.baseUrl } : {}),
        fetchUrl: input.url,
        outputPath: sourceFile,
        signal: ctx.signal,
      });
      await renderTemplateFile(ctx, {
        actionId: 'fetch:template:file',
        sourceFile,
        outputPath,
        values: input.values,
        cookiecutterCompat: input.cookiecutterCompat,
        trimBlocks: input.trimBlocks,
        lstripBlocks: input.lstripBlocks,
        filters: options.filters,
        globals: options.globals,
      });
    },
  });
}
