import { z } from 'zod';
import { createAction } from '../createAction.js';
import { resolveSafeChildPath } from '../resolveSafeChildPath.js';
import { displayFetchUrl, fetchContents, readersOf, type FetchReaders } from './fetchContents.js';

/**
 * `fetch:plain`: copy a directory from the template's directory (relative `url`) or a remote URL
 * (through the reader) into the workspace, untouched.
 * @example
 * ```yaml
 * - id: fetch
 *   action: fetch:plain
 *   input: { url: ./static, targetPath: ./static }
 * ```
 */
export function createFetchPlainAction(options: FetchReaders = {}) {
  return createAction<{ url: string; targetPath: string }>({
    id: 'fetch:plain',
    description: 'Downloads content and places it in the workspace, or optionally in a subdirectory specified by the `targetPath` input option.',
    supportsDryRun: true,
    schema: {
      input: z.object({
        url: z.string().min(1).describe('Relative path or absolute URL pointing to the directory tree to fetch'),
        targetPath: z.string().default('./').describe('Target path within the working directory to download the contents to.'),
      }),
    },
    async handler(ctx) {
      ctx.logger.info(`Fetching plain content from ${displayFetchUrl(ctx.input.url)}`);
      const outputPath = resolveSafeChildPath(ctx.workspacePath, ctx.input.targetPath);
      await fetchContents({
        ...readersOf(options),
        ...(ctx.templateInfo?.baseUrl ? { baseUrl: ctx.templateInfo.baseUrl } : {}),
        fetchUrl: ctx.input.url,
        outputPath,
        signal: ctx.signal,
      });
    },
  });
}
