import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import {
  AuthenticationError,
  type CustomErrorBase,
  NotFoundError,
  ServiceUnavailableError,
} from '@portalkit/core';
import { type GitRunOptions, gitInvocation } from '../git-cli/run-git.js';

/** git exited non-zero; `stderr` is kept for classification only, never shown. */
export class GitProcessError extends Error {
  constructor(
    readonly stderr: string,
    readonly timedOut: boolean,
  ) {
    super('git failed');
  }
}

/** A running git process whose stdout is consumed as a stream. */
export interface GitStream {
  stdout: Readable;
  /** Resolves when git exits 0; rejects with a {@link GitProcessError} otherwise. */
  done: Promise<void>;
  /** Kill git and every process it started; resolves once git has exited. */
  kill(): Promise<void>;
}

/**
 * Spawn git as {@link runGit} would (fixed config and environment), with stdin and a timeout.
 * @example
 * ```ts
 * const git = streamGit(['archive', '--format=tar', treeId], { gitDir }, { timeoutMs: 60_000 });
 * ```
 */
export function streamGit(args: string[], options: GitRunOptions, extra: { input?: string; timeoutMs: number }): GitStream {
  const { argv, env, cwd } = gitInvocation(args, options);
  // Its own process group, so a kill also stops the helpers git starts (a lazy `git fetch` of a
  // partial clone), which would otherwise write on into a directory being removed.
  const group = process.platform !== 'win32';
  const child = spawn('git', argv, { cwd, env, windowsHide: true, stdio: ['pipe', 'pipe', 'pipe'], detached: group });
  const killAll = () => {
    try {
      if (group && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      else child.kill('SIGKILL');
    } catch {
      // Already gone.
    }
  };
  let stderr = '';
  let timedOut = false;
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    if (stderr.length < 16_384) stderr += chunk;
  });
  const timer = setTimeout(() => {
    timedOut = true;
    killAll();
  }, extra.timeoutMs);
  const onAbort = () => killAll();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  child.stdin.on('error', () => {});
  child.stdin.end(extra.input ?? '');
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', (error) => reject(new GitProcessError(error.message, false)));
    child.on('close', (code) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (code === 0) resolve();
      else reject(new GitProcessError(stderr, timedOut));
    });
  });
  // The caller may stop reading early (a limit was hit); the rejection is then expected.
  done.catch(() => {});
  return {
    stdout: child.stdout,
    done,
    kill: async () => {
      killAll();
      await done.catch(() => {});
    },
  };
}

/**
 * Run git and collect stdout as bytes; more than `maxBytes` kills git and rejects with `tooLarge()`.
 * @example
 * ```ts
 * const blob = await execGit(['cat-file', 'blob', oid], { gitDir }, { timeoutMs: 60_000 });
 * ```
 */
export async function execGit(
  args: string[],
  options: GitRunOptions,
  extra: { input?: string; timeoutMs: number; maxBytes?: number; tooLarge?: () => Error },
): Promise<Buffer> {
  const git = streamGit(args, options, extra);
  const chunks: Buffer[] = [];
  let size = 0;
  let overflow: Error | undefined;
  git.stdout.on('data', (chunk: Buffer) => {
    if (overflow) return;
    size += chunk.length;
    if (extra.maxBytes !== undefined && size > extra.maxBytes) {
      overflow = extra.tooLarge?.() ?? new Error('output too large');
      void git.kill();
      return;
    }
    chunks.push(chunk);
  });
  try {
    await git.done;
  } catch (error) {
    if (overflow) throw overflow;
    throw error;
  }
  if (overflow) throw overflow;
  return Buffer.concat(chunks);
}

/**
 * Turn a failed network git command into a typed error naming `what` (a clone URL, never with
 * credentials); git's own output is not included, so nothing it echoes can leak.
 * @example
 * ```ts
 * throw classifyGitFailure(error, 'https://git.example.com/app.git');
 * ```
 */
export function classifyGitFailure(error: unknown, what: string): CustomErrorBase | Error {
  if (!(error instanceof GitProcessError)) return error as Error;
  const stderr = error.stderr;
  if (error.timedOut) return new ServiceUnavailableError(`${what}: git timed out`);
  if (/Authentication failed|could not read (Username|Password)|terminal prompts disabled|HTTP[ /]40[13]\b|The requested URL returned error: 40[13]/i.test(stderr)) {
    return new AuthenticationError(`${what}: the remote refused the configured credentials (or none were configured)`);
  }
  if (/repository '.*' not found|not found|does not appear to be a git repository|returned error: 404|HTTP[ /]404\b/i.test(stderr)) {
    return new NotFoundError(`${what}: no such repository or ref`);
  }
  if (/couldn't find remote ref|not our ref|unadvertised object|upload-pack: not our/i.test(stderr)) {
    return new NotFoundError(`${what}: the remote does not have the requested ref or commit`);
  }
  return new ServiceUnavailableError(`${what}: the remote could not be reached or answered unexpectedly`);
}
