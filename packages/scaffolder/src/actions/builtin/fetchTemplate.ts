import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { glob } from 'tinyglobby';
import { z } from 'zod';
import { InputError, mapLimit } from '@portalkit/core';
import type { JsonObject, TemplateFilter, TemplateGlobal } from '../../types.js';
import { createTemplater } from '../../render/templater.js';
import { defaultFilters } from '../../render/filters.js';
import { createAction } from '../createAction.js';
import { resolveSafeChildPath } from '../resolveSafeChildPath.js';
import { displayFetchUrl, fetchContents, localSource, readersOf, type FetchReaders } from './fetchContents.js';

/** Options of {@link createFetchTemplateAction}. */
export interface FetchTemplateActionOptions extends FetchReaders {
  /** Extra filters/globals for file contents and names (besides the Backstage defaults). */
  filters?: Record<string, TemplateFilter>;
  globals?: Record<string, TemplateGlobal>;
}

interface FetchTemplateInput {
  url: string;
  targetPath: string;
  values: JsonObject;
  copyWithoutRender?: string[];
  copyWithoutTemplating?: string[];
  cookiecutterCompat: boolean;
  templateFileExtension?: boolean | string;
  replace: boolean;
  trimBlocks: boolean;
  lstripBlocks: boolean;
}

/** Git's heuristic: a NUL byte in the first 8000 bytes means binary. */
export function isBinary(buffer: Buffer): boolean {
  const length = Math.min(buffer.length, 8000);
  for (let i = 0; i < length; i++) if (buffer[i] === 0) return true;
  return false;
}

async function walk(root: string): Promise<Array<{ relative: string; directory: boolean }>> {
  const out: Array<{ relative: string; directory: boolean }> = [];
  const visit = async (dir: string, prefix: string) => {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        out.push({ relative, directory: true });
        await visit(path.join(dir, entry.name), relative);
      } else if (entry.isFile()) {
        out.push({ relative, directory: false });
      }
      // Symlinks and special files are never copied into the workspace.
    }
  };
  await visit(root, '');
  return out;
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
      const copyOnly = input.copyWithoutTemplating ?? input.copyWithoutRender;
      if (input.copyWithoutRender && input.copyWithoutTemplating) {
        throw new InputError('Invalid input passed to action fetch:template: copyWithoutRender and copyWithoutTemplating cannot be used together');
      }
      if (input.templateFileExtension && (copyOnly || input.cookiecutterCompat)) {
        throw new InputError(
          'Invalid input passed to action fetch:template: templateFileExtension cannot be used together with copyWithoutTemplating, copyWithoutRender or cookiecutterCompat',
        );
      }
      // As in Backstage: copyWithoutTemplating still renders the names of the files it copies;
      // the deprecated copyWithoutRender copies names verbatim too.
      const renderCopiedNames = input.copyWithoutRender === undefined;
      let extension: string | undefined;
      if (input.templateFileExtension) {
        extension = input.templateFileExtension === true ? '.njk' : input.templateFileExtension;
        if (!extension.startsWith('.')) extension = `.${extension}`;
      }

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
      const sourceDir = templateDir;

      const nonTemplated = new Set(
        copyOnly?.length
          ? (await glob(copyOnly, { cwd: sourceDir, dot: true, onlyFiles: false, followSymbolicLinks: false })).map((p) => p.replace(/\/$/, ''))
          : [],
      );
      const isNonTemplated = (relative: string) => {
        if (nonTemplated.has(relative)) return true;
        const parts = relative.split('/');
        for (let i = 1; i < parts.length; i++) if (nonTemplated.has(parts.slice(0, i).join('/'))) return true;
        return false;
      };

      const render = createTemplater({
        filters: { ...defaultFilters(), ...options.filters },
        ...(options.globals ? { globals: options.globals } : {}),
        cookiecutterCompat: input.cookiecutterCompat,
        trimBlocks: input.trimBlocks,
        lstripBlocks: input.lstripBlocks,
      });
      const context = input.cookiecutterCompat ? { cookiecutter: input.values } : { values: input.values };
      // Names and contents rendered from values a template derived from a secret are secrets too.
      const renderTracked = (source: string) => {
        const { text, secret } = render.tracked(source, context);
        if (secret) ctx.redact?.(text);
        return text;
      };
      const renderPath = (relative: string) => {
        try {
          return renderTracked(relative);
        } catch (error) {
          throw new InputError(`Failed to render the path "${relative}": ${(error as Error).message}`);
        }
      };

      const entries = await walk(sourceDir);
      ctx.logger.info(`Processing ${entries.length} template files/directories with input values`, {});
      const files: Array<{ source: string; target: string; renderContents: boolean }> = [];
      for (const entry of entries) {
        let renderContents: boolean;
        let renderName: boolean;
        let local = entry.relative;
        if (extension) {
          renderName = true;
          renderContents = !entry.directory && local.endsWith(extension);
          if (renderContents) local = local.slice(0, -extension.length);
        } else {
          renderContents = !isNonTemplated(entry.relative);
          renderName = renderContents || renderCopiedNames;
        }
        const rendered = renderName ? renderPath(local) : local;
        if (!rendered.trim() || rendered.split('/').some((part) => part === '')) {
          ctx.logger.info(`Skipping ${entry.relative}: its path rendered empty`);
          continue;
        }
        const target = resolveSafeChildPath(outputDir, rendered);
        if (entry.directory) await mkdir(target, { recursive: true });
        else files.push({ source: path.join(sourceDir, entry.relative), target, renderContents });
      }

      await mapLimit(files, 16, async ({ source, target, renderContents }) => {
        if (!input.replace && (await stat(target).catch(() => undefined))) {
          ctx.logger.info(`Skipping ${path.relative(ctx.workspacePath, target)}: it exists and replace is false`);
          return;
        }
        const [buffer, info] = await Promise.all([readFile(source), stat(source)]);
        await mkdir(path.dirname(target), { recursive: true });
        if (!renderContents || isBinary(buffer)) {
          await writeFile(target, buffer, { mode: info.mode });
          return;
        }
        let text: string;
        try {
          text = renderTracked(buffer.toString('utf8'));
        } catch (error) {
          throw new InputError(`Failed to render ${path.relative(sourceDir, source)}: ${(error as Error).message}`);
        }
        await writeFile(target, text, { mode: info.mode });
      });
      ctx.logger.info(`Template result written to ${path.relative(ctx.workspacePath, outputDir) || '.'}`);
    },
  });
}
