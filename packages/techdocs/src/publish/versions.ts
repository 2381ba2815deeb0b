import { InputError } from '@portalkit/core';
import { z } from 'zod';

/**
 * Where the named versions of a site live, inside the site's own prefix. Builds skip dot entries
 * of a docs folder (as MkDocs does), so no page of the default site can ever be at this path.
 */
export const VERSIONS_DIR = '.versions';

/** The version field of the default (unversioned) site in metadata and search documents. */
export const LATEST_VERSION = 'latest';

/**
 * A docs version name: a tag like `v1.2.0`, a branch like `main`, or any label. One path
 * segment of letters, digits, `.`, `_`, `+` and `-`, starting with a letter or digit; a branch
 * with `/` in its name is given another name for its version.
 *
 * @example
 * ```ts
 * docsVersionSchema.parse('v1.2.0'); // 'v1.2.0'
 * ```
 */
export const docsVersionSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/, {
    message: 'a docs version is 1-128 letters, digits, ".", "_", "+" or "-", starting with a letter or digit',
  })
  // The unversioned site is the latest; search documents of it carry `version: 'latest'`.
  .refine((name) => name !== LATEST_VERSION, { message: `'latest' names the default site` });



/**
 * Check a version name (`InputError` when it is not one) and return it.
 *
 * @example
 * ```ts
 * checkDocsVersion('v2'); // 'v2'
 * checkDocsVersion('../x'); // throws InputError
 * ```
 */
export function checkDocsVersion(version: string): string {
  const parsed = docsVersionSchema.safeParse(version);
  if (!parsed.success) throw new InputError(`invalid docs version '${String(version)}': ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/**
 * The folder of a version inside its site (`.versions/<version>`), or `''` for the default site.
 *
 * @example
 * ```ts
 * versionFolder('v1'); // '.versions/v1'
 * versionFolder(undefined); // ''
 * ```
 */
export function versionFolder(version: string | undefined): string {
  return version === undefined ? '' : `${VERSIONS_DIR}/${checkDocsVersion(version)}`;
}
