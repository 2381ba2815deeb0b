import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { glob } from 'tinyglobby';
import { InputError, mapLimit } from '@portalkit/core';
import type { ActionContext, JsonObject, TemplateFilter, TemplateGlobal } from '../../types.js';
import { createTemplater } from '../../render/templater.js';
import { defaultFilters } from '../../render/filters.js';
import { resolveSafeChildPath } from '../resolveSafeChildPath.js';

/** The rendering inputs `fetch:template` and `workspace:template` share (Backstage's names). */
export interface SkeletonInput {
  values: JsonObject;
  copyWithoutRender?: string[] | undefined;
  copyWithoutTemplating?: string[] | undefined;
  cookiecutterCompat: boolean;
  templateFileExtension?: boolean | string | undefined;
  replace: boolean;
  trimBlocks: boolean;
  lstripBlocks: boolean;
}

/** Where a skeleton is rendered from and to, and with which extra filters and globals. */
export interface RenderSkeletonOptions {
  /** Names the action in input errors. */
  actionId: string;
  sourceDir: string;
  /** Already resolved inside the workspace. */
  outputDir: string;
  input: SkeletonInput;
  filters?: Record<string, TemplateFilter> | undefined;
  globals?: Record<string, TemplateGlobal> | undefined;
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
 * Render the skeleton directory `sourceDir` into `outputDir`: names and contents through the
 * sandboxed templater, every target through `resolveSafeChildPath`, symlinks never followed.
 */
export async function renderSkeleton(ctx: ActionContext<unknown>, options: RenderSkeletonOptions): Promise<void> {
  const { actionId, sourceDir, outputDir, input } = options;
  const copyOnly = input.copyWithoutTemplating ?? input.copyWithoutRender;
  if (input.copyWithoutRender && input.copyWithoutTemplating) {
    throw new InputError(`Invalid input passed to action ${actionId}: copyWithoutRender and copyWithoutTemplating cannot be used together`);
  }
  if (input.templateFileExtension && (copyOnly || input.cookiecutterCompat)) {
    throw new InputError(
      `Invalid input passed to action ${actionId}: templateFileExtension cannot be used together with copyWithoutTemplating, copyWithoutRender or cookiecutterCompat`,
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
}
