export { basicAuthorization, pushDirectory } from './push-directory.js';
export type { PushDirectoryOptions } from './push-directory.js';
export { runGit } from './run-git.js';
export type { GitRunOptions } from './run-git.js';
