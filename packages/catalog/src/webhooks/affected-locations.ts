import type { PushEvent, ScmIntegrations, ScmLocation } from '@portalkit/integrations';
import { minimatch } from 'minimatch';
import type { Location } from '../location.js';

/**
 * Which locations a push refreshes: `changed` (default) refreshes the locations whose file
 * (or glob, or directory) the push changed, falling back to every location of the repository
 * and branch when the payload has no complete file list; `repository` always refreshes every
 * location of the repository and branch (for entities whose `$text`/`$yaml` placeholders read
 * other files of the repository).
 *
 * @example
 * ```ts
 * const match: WebhookRefreshMatch = 'repository';
 * ```
 */
export type WebhookRefreshMatch = 'changed' | 'repository';

/**
 * The registered `url` locations a push affects: same host (of the URL), same repository path
 * (case-insensitive, as hosts route it), same branch or tag (a URL without a ref means the
 * repository's default branch), and, when the push lists its changed files and `match` is
 * `changed`, a file the push changed. Each target is parsed with `integrations.parseUrl`; a
 * target no integration parses is never affected.
 */
export function affectedLocations(options: {
  locations: readonly Location[];
  push: PushEvent;
  integrations: Pick<ScmIntegrations, 'parseUrl'>;
  match: WebhookRefreshMatch;
}): Location[] {
  const { push } = options;
  const pushedRef = push.branch ?? push.tag;
  if (pushedRef === undefined) return [];
  const repository = push.repository.path.toLowerCase();
  const changed = options.match === 'changed' ? push.changedPaths : undefined;
  return options.locations.filter((location) => {
    if (location.type !== 'url' || hostOf(location.target) !== push.host) return false;
    const parsed = parse(options.integrations, location.target);
    if (!parsed) return false;
    const path = (parsed.owner ? `${parsed.owner}/${parsed.repo}` : parsed.repo).toLowerCase();
    if (path !== repository) return false;
    const ref = parsed.ref ?? push.repository.defaultBranch;
    if (ref !== pushedRef) return false;
    return changed === undefined || changed.some((file) => touches(parsed, file));
  });
}

/** Whether a changed file is what a location reads: the file itself, a file its glob matches, or one below its directory. */
function touches(location: ScmLocation, file: string): boolean {
  if (location.kind === 'tree' || location.kind === 'repo') return location.path === '' || file.startsWith(`${location.path}/`);
  if (/[*?[\]{}]/.test(location.path)) return minimatch(file, location.path, { dot: true });
  return file === location.path;
}

function parse(integrations: Pick<ScmIntegrations, 'parseUrl'>, url: string): ScmLocation | undefined {
  try {
    return integrations.parseUrl(url);
  } catch {
    // A target one integration cannot parse is simply not one of this push's.
    return undefined;
  }
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return undefined;
  }
}
