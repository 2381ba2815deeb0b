import { execFile } from 'node:child_process';
import os from 'node:os';
import { promisify } from 'node:util';
import { InputError } from '@portalkit/core';

const execFileAsync = promisify(execFile);

// Given on the command line, so it wins over any repository config. Each key closes a way for
// files git reads (repository config, hooks, attributes, ignore files) to run a program or
// reach another repository; ssh, http and the `ext::`/`fd::` transports are off entirely.
const FIXED_CONFIG: ReadonlyArray<readonly [string, string]> = [
  ['core.hooksPath', os.devNull],
  ['core.fsmonitor', 'false'],
  ['core.attributesFile', os.devNull],
  ['core.excludesFile', os.devNull],
  ['core.protectNTFS', 'true'],
  ['core.protectHFS', 'true'],
  ['protocol.allow', 'never'],
  ['protocol.file.allow', 'always'],
  ['safe.bareRepository', 'explicit'],
  ['commit.gpgSign', 'false'],
  ['tag.gpgSign', 'false'],
  ['credential.helper', ''],
  ['submodule.recurse', 'false'],
  ['push.recurseSubmodules', 'no'],
  ['gc.auto', '0'],
  ['maintenance.auto', 'false'],
];

/**
 * How {@link runGit} runs one git command.
 *
 * @example
 * ```ts
 * const options: GitRunOptions = { gitDir: '/tmp/meta', workTree: '/tmp/ws' };
 * ```
 */
export interface GitRunOptions {
  /** The repository metadata directory (`--git-dir`). It must be one no untrusted party can write. */
  gitDir?: string;
  /** The working tree (`--work-tree`): only its files are read, never configuration. */
  workTree?: string;
  /** Where git runs; default the git dir, else the OS temporary directory (never a workspace). */
  cwd?: string;
  /** Author and committer of commits. */
  identity?: { name: string; email: string };
  signal?: AbortSignal;
  /**
   * Let this command reach a remote: the network transports it may use, and HTTP headers
   * (e.g. `Authorization`) sent with every request. Headers travel in the environment of the git
   * process (`GIT_CONFIG_COUNT`), never on its command line, where other users of the machine
   * could read them; redirects are never followed, so they reach no other host.
   */
  remote?: { protocols: Array<'http' | 'https'>; headers?: Record<string, string> };
}

// Built fresh for every run from nothing but PATH: no GIT_DIR, GIT_WORK_TREE, GIT_CONFIG_*,
// GIT_EXEC_PATH, GIT_SSH_COMMAND, ... of the host process can redirect git.
function environment(identity: GitRunOptions['identity'], remote?: GitRunOptions['remote']): NodeJS.ProcessEnv {
  const headers = Object.entries(remote?.headers ?? {});
  return {
    ...(headers.length > 0
      ? {
          GIT_CONFIG_COUNT: String(headers.length),
          ...Object.fromEntries(headers.flatMap(([name, value], i) => [[`GIT_CONFIG_KEY_${i}`, 'http.extraHeader'], [`GIT_CONFIG_VALUE_${i}`, `${name}: ${value}`]])),
        }
      : {}),
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    ...(process.platform === 'win32' && process.env.SystemRoot ? { SystemRoot: process.env.SystemRoot } : {}),
    LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: os.devNull,
    GIT_ATTR_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    GIT_NO_REPLACE_OBJECTS: '1',
    ...(identity
      ? {
          GIT_AUTHOR_NAME: identity.name,
          GIT_AUTHOR_EMAIL: identity.email,
          GIT_COMMITTER_NAME: identity.name,
          GIT_COMMITTER_EMAIL: identity.email,
        }
      : {}),
  };
}

/**
 * Run git with a fixed, minimal environment and configuration, and return its trimmed stdout.
 * Neither the host's git config nor any file in the working tree can add hooks, filters, an
 * fsmonitor, an ssh command or another repository location; only the `file` transport is
 * allowed unless `remote` names network transports. Pass positional arguments after `--`. A failure
 * is an `InputError` with git's message (credentials never appear in it: they are not in URLs).
 *
 * @example
 * ```ts
 * await runGit(['add', '--all'], { gitDir: metadataDir, workTree: workspacePath });
 * ```
 */
export async function runGit(args: string[], options: GitRunOptions = {}): Promise<string> {
  const invocation = gitInvocation(args, options);
  try {
    const { stdout } = await execFileAsync('git', invocation.argv, {
      cwd: invocation.cwd,
      env: invocation.env,
      maxBuffer: 16 * 1024 * 1024,
      windowsHide: true,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return stdout.trim();
  } catch (error) {
    const e = error as { stderr?: string; message: string; name: string };
    if (e.name === 'AbortError') throw error;
    throw new InputError(`git ${args[0]} failed: ${(e.stderr || e.message).trim()}`);
  }
}

/**
 * The argv, environment and working directory {@link runGit} runs git with, for callers that
 * need git's output as a stream or as bytes (the git reader's `cat-file` and `archive`).
 * Internal to the package.
 *
 * @example
 * ```ts
 * const { argv, env, cwd } = gitInvocation(['cat-file', 'blob', oid], { gitDir });
 * ```
 */
export function gitInvocation(args: string[], options: GitRunOptions = {}): { argv: string[]; env: NodeJS.ProcessEnv; cwd: string } {
  const remoteConfig: Array<readonly [string, string]> = options.remote
    ? [...options.remote.protocols.map((protocol) => [`protocol.${protocol}.allow`, 'always'] as const), ['http.followRedirects', 'false']]
    : [];
  const argv = [
    ...[...FIXED_CONFIG, ...remoteConfig].flatMap(([key, value]) => ['-c', `${key}=${value}`]),
    ...(options.gitDir ? [`--git-dir=${options.gitDir}`] : []),
    ...(options.workTree ? [`--work-tree=${options.workTree}`] : []),
    ...args,
  ];
  return { argv, env: environment(options.identity, options.remote), cwd: options.cwd ?? options.gitDir ?? os.tmpdir() };
}
