import { z } from 'zod';
import { createAction } from '../createAction.js';
import { resolveSafeChildPath } from '../resolveSafeChildPath.js';
import { displayFetchUrl, fetchFile, readersOf, type FetchReaders } from './fetchContents.js';

/**
 * `fetch:plain:file`: copy one file into the workspace at `targetPath`.
 * @example
 * ```yaml
 * - action: fetch:plain:file
 *   input: { url: ./LICENSE, targetPath: LICENSE }
 * ```
 */
export function createFetchPlainFileAction(options: FetchReaders = {}) {
  return createAction<{ url: string; targetPath: string }>({
    id: 'fetch:plain:file',
    description: 'Downloads single file and places it in the workspace.',
    supportsDryRun: true,
    schema: {
      input: z.object({
        url: z.string().min(1).describe('Relative path or absolute URL pointing to the single file to fetch.'),
        targetPath: z.string().min(1).describe('Target path within the working directory to download the file as.'),
      }),
    },
    async handler(ctx) {
      ctx.logger.info(`Fetching plain file from ${displayFetchUrl(ctx.input.url)}`);
      const outputPath = resolveSafeChildPath(ctx.workspacePath, ctx.input.targetPath);
      await fetchFile({
        ...readersOf(options),
        ...(ctx.templateInfo?.baseUrl ? { baseUrl: ctx.templateInfo.baseUrl } : {}),
        fetchUrl: ctx.input.url,
        outputPath,
        signal: ctx.signal,
      });
    },
  });
}
