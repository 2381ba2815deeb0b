import { stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { InputError, NotAllowedError } from '@portalkit/core';
import { findGitMetadata } from '../../gitMetadata.js';
import { resolveSafeChildPath } from '../../resolveSafeChildPath.js';

/** The inputs both Bitbucket publish actions share (Backstage's names and defaults). */
export const bitbucketPublishInput = {
  repoUrl: z.string().min(1).describe('Repository Location (`<host>?workspace=<ws>&project=<key>&repo=<name>`)'),
  description: z.string().optional().describe('Repository Description'),
  repoVisibility: z.enum(['private', 'public']).default('private').describe('Repository Visibility'),
  defaultBranch: z
    .string()
    .regex(/^(?!-)(?!.*\.\.)[\w./-]+$/, 'a branch name')
    .default('master')
    .describe("Sets the default branch on the repository. The default value is 'master'"),
  sourcePath: z.string().optional().describe('Path within the workspace that will be used as the repository root. If omitted, the entire workspace will be published as the repository.'),
  gitCommitMessage: z.string().default('initial commit').describe("Sets the commit message on the repository. The default value is 'initial commit'"),
  gitAuthorName: z.string().default('Scaffolder').describe("Sets the author name for the commit. The default value is 'Scaffolder'"),
  gitAuthorEmail: z.string().default('scaffolder@backstage.io').describe('Sets the author email for the commit.'),
  token: z.string().optional().describe('The token to use for authorization to Bitbucket'),
  signCommit: z.boolean().optional().describe('Sign commit with configured PGP private key (not supported by portalkit: refused when true)'),
};

/** The outputs both actions give, as Backstage's. */
export const bitbucketPublishOutput = z.object({
  remoteUrl: z.string().describe('A URL to the repository with the provider'),
  repoContentsUrl: z.string().describe('A URL to the root of the repository'),
  commitHash: z.string().describe('The git commit hash of the initial commit'),
});

/**
 * The directory to publish: the workspace or `sourcePath` inside it, an existing directory with
 * no `.git` entry anywhere (a `.git` could configure the git that pushes it).
 */
export async function publishSource(actionId: string, workspacePath: string, sourcePath: string | undefined): Promise<string> {
  const source = sourcePath ? resolveSafeChildPath(workspacePath, sourcePath) : workspacePath;
  if (!(await stat(source).catch(() => undefined))?.isDirectory()) throw new InputError(`${actionId}: ${sourcePath ?? '.'} is not a directory in the workspace`);
  const gitEntry = await findGitMetadata(source);
  if (gitEntry) {
    throw new NotAllowedError(`${actionId} refuses to publish a workspace containing ${sourcePath ? path.posix.join(sourcePath, gitEntry) : gitEntry}: a .git entry could configure git`);
  }
  return source;
}

/**
 * The clone URL the host answered, checked: HTTP(S) on the integration's own origin (a host
 * response must not send the push, and its credentials, elsewhere), user name removed (Bitbucket
 * Cloud puts the account in it; credentials travel as headers).
 */
export function checkedCloneUrl(actionId: string, href: string | undefined, webBaseUrl: string): string {
  if (!href || !URL.canParse(href)) throw new InputError(`${actionId}: the host answered without an HTTP clone link`);
  const url = new URL(href);
  if (url.origin !== new URL(webBaseUrl).origin) throw new NotAllowedError(`${actionId}: the host's clone link points at ${url.origin}, not ${new URL(webBaseUrl).origin}`);
  url.username = '';
  url.password = '';
  return url.toString();
}
