import type { ScmIntegrations } from './integrations.js';

/**
 * Resolve `url` against `base` as a directory: the host's `resolveUrl`, turned into a `tree` URL
 * when the host's grammar answers a `blob`/`raw` one (Backstage's GitHub integration always
 * answers `tree` here; other grammars keep the base's kind). The tree form is used only when the
 * host's own `parseUrl` reads it back as the same repository, ref and path; otherwise the
 * resolved URL is returned as it is. Used for `backstage.io/source-location` and TechDocs'
 * `dir:` refs.
 *
 * @example
 * ```ts
 * declare const integrations: ScmIntegrations;
 * resolveDirectoryUrl(integrations, { url: './', base: 'https://git.example.com/team/app.git/blob/main/docs/catalog-info.yaml' });
 * // 'https://git.example.com/team/app.git/tree/main/docs'
 * ```
 */
export function resolveDirectoryUrl(integrations: ScmIntegrations, options: { url: string; base: string }): string {
  const resolved = integrations.resolveUrl(options);
  const integration = integrations.byUrl(resolved);
  const location = integration?.parseUrl(resolved);
  if (!integration || !location || location.kind === 'tree' || location.kind === 'repo') return resolved;
  const marker = `/${location.kind}/`;
  const at = resolved.lastIndexOf(marker);
  if (at < 0) return resolved;
  const candidate = `${resolved.slice(0, at)}/tree/${resolved.slice(at + marker.length)}`;
  const tree = integration.parseUrl(candidate);
  const same = tree && tree.kind === 'tree' && tree.owner === location.owner && tree.repo === location.repo && tree.ref === location.ref && tree.path === location.path;
  return same ? candidate : resolved;
}
