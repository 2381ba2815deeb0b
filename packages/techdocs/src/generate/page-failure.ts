import { InputError } from '@portalkit/core';
import { pageFailure } from './nesting.js';

/**
 * A page that failed to render because of what it holds, with where: `file` (relative to the
 * docs directory) and, when known, `line` and `column`. The message starts with `file:line:`.
 *
 * @example
 * ```ts
 * if (error instanceof PageBuildError) console.error(`${error.file}:${error.line}`, error.message);
 * ```
 */
export class PageBuildError extends InputError {
  readonly file: string;
  readonly line: number | undefined;
  readonly column: number | undefined;
  constructor(file: string, reason: string, position: { line?: number | undefined; column?: number | undefined } = {}, cause?: unknown) {
    const where = `${file}${position.line ? `:${position.line}${position.column ? `:${position.column}` : ''}` : ''}`;
    super(`${where}: ${reason}`, cause === undefined ? undefined : { cause });
    this.file = file;
    this.line = position.line;
    this.column = position.column;
  }
}

// A unified `file.fail(reason, node)`: a plugin judged this page's content (vfile's VFileMessage).
interface FileMessage {
  reason: string;
  fatal?: boolean | null;
  line?: number | null;
  column?: number | null;
}
const isFileMessage = (error: unknown): error is FileMessage =>
  error instanceof Error && typeof (error as { reason?: unknown }).reason === 'string' && 'fatal' in error && 'place' in error;

/**
 * The page's own failure, or `undefined` when the error is not about the page (a plugin's bug,
 * a full disk) and must fail the build: the pipeline's nesting limit, a plugin's
 * `file.fail(reason, node)` (with the node's line), and an `InputError` a plugin throws about the
 * page.
 *
 * @example
 * ```ts
 * const failure = toPageFailure(error, 'guide.md');
 * if (!failure) throw error;
 * ```
 */
export function toPageFailure(error: unknown, file: string): PageBuildError | undefined {
  if (error instanceof PageBuildError) return error;
  const nesting = pageFailure(error, file);
  if (nesting) return new PageBuildError(file, nesting.message.replace(`${file}: `, ''));
  if (isFileMessage(error)) {
    // The reason is the whole message (a cause would only repeat it).
    return new PageBuildError(file, error.reason, { line: error.line ?? undefined, column: error.column ?? undefined });
  }
  if (error instanceof InputError) return new PageBuildError(file, error.message);
  // The page's content made a string longer than JavaScript allows (a long toc separator times a
  // heading of many words): that page fails, not the build.
  if (error instanceof RangeError && error.message === 'Invalid string length') {
    return new PageBuildError(file, 'the page makes a text longer than a string can hold');
  }
  return undefined;
}
