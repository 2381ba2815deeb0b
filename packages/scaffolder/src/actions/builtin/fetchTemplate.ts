import { stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { InputError } from '@portalkit/core';
import type { TemplateFilter, TemplateGlobal } from '../../types.js';
import { createAction } from '../createAction.js';
import { resolveSafeChildPath } from '../resolveSafeChildPath.js';
import { displayFetchUrl, fetchContents, localSource, readersOf, type FetchReaders } from './fetchContents.js';
import { renderSkeleton, type SkeletonInput } from './renderSkeleton.js';

export { isBinary } from './renderSkeleton.js';

/** Options of {@link createFetchTemplateAction}. */
export interface FetchTemplateActionOptions extends FetchReaders {
  /** Extra filters/globals for file contents and names (besides the Backstage defaults). */
  filters?: Record<string, TemplateFilter>;
  globals?: Record<string, TemplateGlobal>;
}

interface FetchTemplateInput extends SkeletonInput {
  url: string;
  targetPath: string;
}

/**
 * `fetch:template`: fetch a skeleton directory and render it with nunjucks into the workspace.
 * File and directory names are templated; files matching `copyWithoutTemplating` globs (or inside
 * matching directories) keep their contents but still get their names rendered, while the
 * deprecated `copyWithoutRender` keeps both;
 * with `templateFileExtension` (true = `.njk`) only files with that extension are rendered and the
 * extension is stripped; binary files are copied as-is; `cookiecutterCompat` renders
 * `{{ cookiecutter.x }}`. A path rendering to an empty string is skipped.
 *
 * @example
 * ```yaml
 * - id: fetch
 *   action: fetch:template
 *   input:
 *     url: ./skeleton
 *     values: { name: ${{ parameters.name }} }
 * ```
 */
export function createFetchTemplateAction(options: FetchTemplateActionOptions = {}) {
  return createAction<FetchTemplateInput>({
    id: 'fetch:template',
    description:
      'Downloads a skeleton, templates variables into file and directory names and content, and places the result in the workspace, or optionally in a subdirectory specified by the `targetPath` input option.',
    supportsDryRun: true,
    schema: {
      input: z.object({
        url: z.string().min(1).describe('Relative path or absolute URL pointing to the directory tree to fetch'),
        targetPath: z.string().default('./').describe('Target path within the working directory to generate contents to.'),
        values: z.record(z.string(), z.any()).default({}).describe('Values to pass on to the templating engine'),
        copyWithoutRender: z.array(z.string()).optional().describe('Deprecated: use copyWithoutTemplating'),
        copyWithoutTemplating: z.array(z.string()).optional().describe('Globs of files or directories copied without templating their contents'),
        cookiecutterCompat: z.boolean().default(false).describe('Enable features to maximise compatibility with templates built for fetch:cookiecutter'),
        templateFileExtension: z.union([z.boolean(), z.string()]).optional().describe('Only render files with this extension (true means .njk) and strip it'),
        replace: z.boolean().default(false).describe('Replace files in targetPath instead of skipping existing ones'),
        trimBlocks: z.boolean().default(false),
        lstripBlocks: z.boolean().default(false),
      }),
    },
    async handler(ctx) {
      const input = ctx.input;
      ctx.logger.info(`Fetching template content from ${displayFetchUrl(input.url)}`);
      const outputDir = resolveSafeChildPath(ctx.workspacePath, input.targetPath);
      const fetchOptions = {
        ...readersOf(options),
        ...(ctx.templateInfo?.baseUrl ? { baseUrl: ctx.templateInfo.baseUrl } : {}),
        fetchUrl: input.url,
        signal: ctx.signal,
      };
      // A local skeleton is read in place (it is confined to the template's directory and
      // symlinks are skipped by the walk); only remote ones are fetched to a temporary directory.
      let templateDir = localSource(fetchOptions);
      if (templateDir) {
        const info = await stat(templateDir).catch(() => undefined);
        if (!info?.isDirectory()) throw new InputError(`Failed to fetch ${input.url}: it is not a directory of the template directory`);
      } else {
        templateDir = path.join(await ctx.createTemporaryDirectory(), 'template');
        await fetchContents({ ...fetchOptions, outputPath: templateDir });
      }
      await renderSkeleton(ctx, { actionId: 'fetch:template', sourceDir: templateDir, outputDir, input, filters: options.filters, globals: options.globals });
      ctx.logger.info(`Template result written to ${path.relative(ctx.workspacePath, outputDir) || '.'}`);
    },
  });
}
