import { stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError, NotAllowedError } from '@portalkit/core';
import type { ActionContext } from '../../../types.js';
import { findGitMetadata } from '../../gitMetadata.js';
import { resolveSafeChildPath } from '../../resolveSafeChildPath.js';

/**
 * The directory a publish action pushes: the workspace, or `sourcePath` inside it. It must be a
 * directory, and may hold no `.git` entry anywhere (a `.git` could configure git).
 * @example
 * ```ts
 * const source = await publishSource(ctx, ctx.input.sourcePath, 'publish:gitea');
 * ```
 */
export async function publishSource(ctx: ActionContext<unknown>, sourcePath: string | undefined, actionId: string): Promise<string> {
  const source = sourcePath ? resolveSafeChildPath(ctx.workspacePath, sourcePath) : ctx.workspacePath;
  if (!(await stat(source).catch(() => undefined))?.isDirectory()) throw new InputError(`${actionId}: ${sourcePath ?? '.'} is not a directory in the workspace`);
  const gitEntry = await findGitMetadata(source);
  if (gitEntry) {
    const shown = sourcePath ? path.posix.join(sourcePath, gitEntry) : gitEntry;
    throw new NotAllowedError(`${actionId} refuses to publish a workspace containing ${shown}: a .git entry could configure git`);
  }
  return source;
}
