import { lstat, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '@portalkit/core';
import type { ActionContext, JsonObject, TemplateFilter, TemplateGlobal } from '../../types.js';
import { createTemplater } from '../../render/templater.js';
import { defaultFilters } from '../../render/filters.js';

/** The largest single file `fetch:template:file` and `workspace:template:file` render (5 MiB). */
export const maxTemplateFileBytes = 5 * 1024 * 1024;

/** What {@link renderTemplateFile} renders, and with which options (Backstage's input names). */
export interface RenderTemplateFileOptions {
  /** Names the action in errors. */
  actionId: string;
  /** The file to render (already fetched or resolved inside the workspace). */
  sourceFile: string;
  /** Already resolved inside the workspace. */
  outputPath: string;
  values: JsonObject;
  cookiecutterCompat?: boolean | undefined;
  trimBlocks?: boolean | undefined;
  lstripBlocks?: boolean | undefined;
  filters?: Record<string, TemplateFilter> | undefined;
  globals?: Record<string, TemplateGlobal> | undefined;
}

/** True when `outputPath` exists and the action was not asked to replace it (it then logs and skips). */
export async function keepsExistingFile(ctx: ActionContext<unknown>, outputPath: string, replace: boolean | undefined, shown: string): Promise<boolean> {
  const existing = await lstat(outputPath).catch(() => undefined);
  if (!existing) return false;
  // A directory is never replaced by a file, whatever `replace` says.
  if (existing.isDirectory()) throw new InputError(`${shown} is a directory in the workspace, not a file`);
  if (replace) return false;
  ctx.logger.info(`File ${shown} already exists in workspace, not replacing.`);
  return true;
}

/**
 * Render one file's contents with the sandboxed templater (`${{ values.x }}`, or
 * `{{ cookiecutter.x }}`) and write it to `outputPath`. Output rendered from secrets is redacted
 * from the task's log; a source over {@link maxTemplateFileBytes} is refused.
 */
export async function renderTemplateFile(ctx: ActionContext<unknown>, options: RenderTemplateFileOptions): Promise<void> {
  const info = await stat(options.sourceFile).catch(() => undefined);
  if (!info?.isFile()) throw new InputError(`${options.actionId}: the template file is not a file`);
  if (info.size > maxTemplateFileBytes) {
    throw new InputError(`${options.actionId}: the template file has ${info.size} bytes, more than the ${maxTemplateFileBytes} this action renders`);
  }
  const render = createTemplater({
    filters: { ...defaultFilters(), ...options.filters },
    ...(options.globals ? { globals: options.globals } : {}),
    cookiecutterCompat: options.cookiecutterCompat ?? false,
    trimBlocks: options.trimBlocks ?? false,
    lstripBlocks: options.lstripBlocks ?? false,
  });
  const context = options.cookiecutterCompat ? { cookiecutter: options.values } : { values: options.values };
  let text: string;
  try {
    const rendered = render.tracked(await readFile(options.sourceFile, 'utf8'), context);
    if (rendered.secret) ctx.redact?.(rendered.text);
    text = rendered.text;
  } catch (error) {
    throw new InputError(`${options.actionId}: failed to render the template file: ${(error as Error).message}`);
  }
  await mkdir(path.dirname(options.outputPath), { recursive: true });
  await writeFile(options.outputPath, text);
  ctx.logger.info(`Template file has been written to ${path.relative(ctx.workspacePath, options.outputPath)}`);
}
