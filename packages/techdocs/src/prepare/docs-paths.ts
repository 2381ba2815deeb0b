import path from 'node:path';
import type { LoadedSite } from '../generate/config.js';
import type { BuildWarning } from '../types.js';
import { includeTargets } from '../generate/nav-includes.js';

/** Folders never copied, wherever they are: dependencies and version control. */
export const EXCLUDED_DIRECTORIES: ReadonlySet<string> = new Set(['node_modules', '.git', '.hg', '.svn', '.bzr', '_darcs', 'CVS', '.jj']);

/** True when no segment of a relative POSIX path is an excluded folder. */
export function isCopyablePath(relPath: string): boolean {
  return !relPath.split('/').some((segment) => EXCLUDED_DIRECTORIES.has(segment));
}

/** What of a site directory mkdocs reads, as relative POSIX paths, and why others were left out. */
export interface DocsPaths {
  /** Files or folders (copied whole, less excluded folders), relative to the site. */
  paths: string[];
  warnings: BuildWarning[];
}

/**
 * The parts of a site that mkdocs reads: the config file, `docs_dir` (which holds `extra_css` and
 * `extra_javascript`), `theme.custom_dir`, an `INHERIT`ed parent config, `hooks`, and explicit
 * `pymdownx.snippets` base paths, and the folders of sites a nav `!include`s. A referenced path that leaves the site, or is the site itself
 * (snippets' default base path is the site), is left out with a warning: copying the site would
 * bring back everything this selection exists to leave out.
 */
export function docsPaths(site: LoadedSite): DocsPaths {
  const config = site.config as Record<string, unknown>;
  const paths = new Set<string>([site.configFile]);
  const warnings: BuildWarning[] = [];
  const add = (value: unknown, key: string) => {
    if (typeof value !== 'string' || value.trim() === '') return;
    const resolved = path.resolve(site.root, value);
    const rel = path.relative(site.root, resolved).split(path.sep).join('/');
    if (rel === '' || rel.startsWith('../') || rel === '..' || path.isAbsolute(rel)) {
      warnings.push({ file: site.configFile, message: `${key} '${value}' is not a path below the docs source; not copied` });
      return;
    }
    paths.add(rel);
  };
  add(path.relative(site.root, site.docsDir), 'docs_dir');
  const theme = config.theme;
  if (theme && typeof theme === 'object') add((theme as Record<string, unknown>).custom_dir, 'theme.custom_dir');
  add(config.INHERIT, 'INHERIT');
  for (const hook of Array.isArray(config.hooks) ? config.hooks : []) add(hook, 'hooks');
  const snippets = extensionOptions(config.markdown_extensions, 'pymdownx.snippets');
  const bases = snippets?.base_path;
  for (const base of Array.isArray(bases) ? bases : bases === undefined ? [] : [bases]) add(base, 'pymdownx.snippets.base_path');
  // mkdocs-monorepo-plugin: an included site's folder (its mkdocs.yml and docs) is read too.
  for (const target of includeTargets(config.nav)) add(path.posix.dirname(target.replace(/\\/g, '/')), '!include');
  // A path inside another selected one (snippets under docs/) is copied with it. Ancestors are
  // looked up, not compared pairwise: an untrusted mkdocs.yml may name tens of thousands of paths.
  return { paths: [...paths].sort().filter((p) => !hasSelectedAncestor(paths, p)), warnings };
}

function extensionOptions(list: unknown, name: string): Record<string, unknown> | undefined {
  const entries = Array.isArray(list) ? list : list && typeof list === 'object' ? [list] : [];
  for (const entry of entries) {
    if (entry && typeof entry === 'object' && name in entry) {
      const options = (entry as Record<string, unknown>)[name];
      return options && typeof options === 'object' ? (options as Record<string, unknown>) : {};
    }
  }
  return undefined;
}

/** True when a proper ancestor folder of `relPath` is in `paths`; linear in the path's length. */
function hasSelectedAncestor(paths: ReadonlySet<string>, relPath: string): boolean {
  for (let at = relPath.indexOf('/'); at > 0; at = relPath.indexOf('/', at + 1)) {
    if (paths.has(relPath.slice(0, at))) return true;
  }
  return false;
}

/** True when `relPath` is one of `paths` or below one of them. */
export function isSelected(paths: ReadonlySet<string>, relPath: string): boolean {
  return paths.has(relPath) || hasSelectedAncestor(paths, relPath);
}
