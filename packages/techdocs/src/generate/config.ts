import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_SCHEMA, Type, YAMLException, load } from 'js-yaml';
import { z } from 'zod';
import { InputError, NotFoundError } from '@portalkit/core';
import { resolveWithin } from '../paths.js';
import type { BuildWarning } from '../types.js';
import { allMarkdownExtensions, type MarkdownExtension } from './markdown-extensions.js';
import { pythonTagTypes } from './python-tag.js';
import { parseTocOptions, type TocOptions } from './toc-options.js';

/**
 * The subset of `mkdocs.yml` the generator understands. Unknown keys (theme, plugins options,
 * extra) are accepted and ignored so existing files work unchanged.
 *
 * @example
 * ```ts
 * mkdocsConfigSchema.parse({ site_name: 'Docs' }).docs_dir; // 'docs'
 * ```
 */
export const mkdocsConfigSchema = z
  .object({
    site_name: z.string({ error: 'site_name is required and must be a string' }).min(1, 'site_name must not be empty'),
    site_description: z.string().optional(),
    site_url: z.string().optional(),
    docs_dir: z.string().default('docs'),
    repo_url: z.string().optional(),
    repo_name: z.string().optional(),
    edit_uri: z.string().optional(),
    use_directory_urls: z.boolean().default(true),
    nav: z.array(z.unknown()).optional(),
    markdown_extensions: z
      .union([z.array(z.union([z.string(), z.record(z.string(), z.unknown())])), z.record(z.string(), z.unknown())])
      .optional(),
    plugins: z
      .union([z.array(z.union([z.string(), z.record(z.string(), z.unknown())])), z.record(z.string(), z.unknown())])
      .optional(),
  })
  .loose();

/** `mkdocs.yml` as parsed by {@link mkdocsConfigSchema}. */
export type MkdocsConfig = z.infer<typeof mkdocsConfigSchema>;

/** Markdown features switched on by `markdown_extensions` (or the `techdocs-core` plugin). */
export interface MarkdownFeatures {
  admonition: boolean;
  /** `???` collapsible admonitions (`pymdownx.details`). */
  details: boolean;
  /** Permalink symbol added to headings by `toc: { permalink }`, or false. */
  permalink: string | false;
  /** The other `toc` options: slugify, separator, toc_depth, baselevel, permalink_title, title. */
  toc?: TocOptions;
  highlight: boolean;
  /** Task list check boxes in material's `label.task-list-control` (`pymdownx.tasklist: custom_checkbox`). */
  taskListControls?: boolean;
  /** `=== "Tab"` content tabs (`pymdownx.tabbed`). */
  tabbed?: boolean;
  /** `--8<-- "file"` includes (`pymdownx.snippets`), confined to this absolute directory (the docs dir). */
  snippetsRoot?: string;
  /** Further Python-Markdown / pymdownx syntax (see {@link MarkdownExtension}). */
  extensions?: readonly MarkdownExtension[];
}

/** A loaded site: its validated config, where it lives, and what it enables. */
export interface LoadedSite {
  /** Absolute directory holding `mkdocs.yml`. */
  root: string;
  /** Name of the config file found (`mkdocs.yml` or `mkdocs.yaml`). */
  configFile: string;
  config: MkdocsConfig;
  /** Absolute docs directory, confined to `root`. */
  docsDir: string;
  features: MarkdownFeatures;
  /** Edit link base (`repo_url` + `edit_uri`), or undefined. */
  editBase?: string;
  /** The raw config text (nav warnings point at its lines). */
  text: string;
  /** Hash of the raw config text; part of the layout hash for incremental builds. */
  hash: string;
  /** Options the generator cannot follow (e.g. an unknown `toc: slugify`), with the config's file and line. */
  warnings: BuildWarning[];
}

// mkdocs.yml files routinely carry Python tags (`!!python/name:...`) and `!ENV`; they are
// accepted (Python tags as `PythonTagged`, other tags as their plain value) instead of failing
// the whole build.
const passthroughTags = (['scalar', 'sequence', 'mapping'] as const).map(
  (kind) => new Type('!', { kind, multi: true, construct: (data: unknown) => data }),
);
const envTags = (['scalar', 'sequence'] as const).map(
  (kind) =>
    new Type('!ENV', {
      kind,
      construct: (data: unknown) => {
        const names = Array.isArray(data) ? data : [data];
        for (const [i, name] of names.entries()) {
          const value = typeof name === 'string' ? process.env[name] : undefined;
          if (value !== undefined) return value;
          // MkDocs: the last item of a list is the default value, not a variable name.
          if (Array.isArray(data) && i === names.length - 1 && names.length > 1) return name;
        }
        return null;
      },
    }),
);
export const mkdocsYamlSchema = DEFAULT_SCHEMA.extend([...envTags, ...pythonTagTypes, ...passthroughTags]);

/**
 * Find and read `mkdocs.yml` (or `mkdocs.yaml`) in `root`, validate it, and resolve the docs dir.
 * Errors are `InputError`s naming the file and the offending keys; a missing file is `NotFoundError`.
 *
 * @example
 * ```ts
 * const site = await loadMkdocsConfig('./my-service');
 * site.config.site_name; // 'My Service'
 * ```
 */
export async function loadMkdocsConfig(root: string): Promise<LoadedSite> {
  const absRoot = path.resolve(root);
  let text: string | undefined;
  let configFile = 'mkdocs.yml';
  for (const candidate of ['mkdocs.yml', 'mkdocs.yaml']) {
    try {
      text = await readFile(path.join(absRoot, candidate), 'utf8');
      configFile = candidate;
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  if (text === undefined) throw new NotFoundError(`no mkdocs.yml or mkdocs.yaml in ${absRoot}`);
  return parseMkdocsConfig(text, { root: absRoot, configFile });
}

/**
 * Parse the text of an `mkdocs.yml`; see {@link loadMkdocsConfig}.
 *
 * @example
 * ```ts
 * const site = parseMkdocsConfig('site_name: Docs\n', { root: '/srv/site' });
 * site.docsDir; // '/srv/site/docs'
 * ```
 */
export function parseMkdocsConfig(text: string, options: { root: string; configFile?: string }): LoadedSite {
  const configFile = options.configFile ?? 'mkdocs.yml';
  let raw: unknown;
  try {
    raw = load(text, { schema: mkdocsYamlSchema, filename: configFile });
  } catch (error) {
    if (error instanceof YAMLException) {
      const mark = error.mark;
      throw new InputError(`${configFile}:${mark ? mark.line + 1 : 1}: ${error.reason}`);
    }
    throw error;
  }
  const parsed = mkdocsConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new InputError(`${configFile} is invalid: ${problems.join('; ')}`);
  }
  const config = parsed.data;
  // These become links on every page; MkDocs wants repo_url to be a URL with a host.
  const badUrls = [
    ['repo_url', config.repo_url],
    ['edit_uri', config.edit_uri !== undefined && /^[a-z][a-z0-9+.-]*:/i.test(config.edit_uri.trim()) ? config.edit_uri : undefined],
  ].filter(([, url]) => url !== undefined && !isWebUrl(url));
  if (badUrls.length > 0) {
    const problems = badUrls.map(([key, url]) => `${key}: '${url}' must be an http or https URL`);
    throw new InputError(`${configFile} is invalid: ${problems.join('; ')}`);
  }
  const docsDir = resolveWithin(options.root, config.docs_dir, 'docs_dir');
  if (path.resolve(docsDir) === path.resolve(options.root)) {
    throw new InputError(`${configFile}: docs_dir must be a subdirectory of the site, not the site itself`);
  }
  const { features, warnings } = markdownFeatures(config, { configFile, configText: text });
  return {
    root: options.root,
    configFile,
    config,
    docsDir,
    features: withSnippets(features, config, docsDir),
    editBase: editBase(config),
    text,
    hash: createHash('sha256').update(text).digest('hex'),
    warnings,
  };
}

function isWebUrl(url: string | undefined): boolean {
  try {
    const parsed = new URL(String(url));
    return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.host !== '';
  } catch {
    return false;
  }
}

function namesAndOptions(list: MkdocsConfig['markdown_extensions']): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (!list) return out;
  const entries = Array.isArray(list) ? list : [list];
  for (const entry of entries) {
    if (typeof entry === 'string') out.set(entry, {});
    else for (const [name, value] of Object.entries(entry)) out.set(name, value ?? {});
  }
  return out;
}

function withSnippets(features: MarkdownFeatures, config: MkdocsConfig, docsDir: string): MarkdownFeatures {
  const on = namesAndOptions(config.plugins).has('techdocs-core') || namesAndOptions(config.markdown_extensions).has('pymdownx.snippets');
  return on ? { ...features, snippetsRoot: docsDir } : features;
}

function markdownFeatures(
  config: MkdocsConfig,
  source: { configFile: string; configText: string },
): { features: MarkdownFeatures; warnings: BuildWarning[] } {
  const extensions = namesAndOptions(config.markdown_extensions);
  const plugins = namesAndOptions(config.plugins);
  // Backstage's techdocs-core plugin switches on admonitions, details, highlighting and permalinks.
  const core = plugins.has('techdocs-core');
  // techdocs-core sets `toc: {permalink: true}` and then updates it with the user's `toc` options.
  const toc = parseTocOptions(
    { ...(core ? { permalink: true } : {}), ...optionsOf(extensions.get('markdown.extensions.toc')), ...optionsOf(extensions.get('toc')) },
    source,
  );
  // `pymdownx.extra` is Python-Markdown's `extra` (abbr, attr_list, def_list, footnotes,
  // md_in_html, tables) with pymdownx's fences and emphasis.
  const extra = extensions.has('pymdownx.extra') || extensions.has('extra') || extensions.has('markdown.extensions.extra');
  const has = (name: MarkdownExtension): boolean =>
    core ||
    (extra && (name === 'abbr' || name === 'attr_list' || name === 'def_list' || name === 'md_in_html')) ||
    extensions.has(name) ||
    extensions.has(`markdown.extensions.${name}`) ||
    extensions.has(`pymdownx.${name}`);
  const features: MarkdownFeatures = {
    tabbed: core || extensions.has('pymdownx.tabbed'),
    taskListControls: core || Boolean((extensions.get('pymdownx.tasklist') as { custom_checkbox?: unknown } | undefined)?.custom_checkbox),
    extensions: allMarkdownExtensions.filter(has),
    admonition: core || extensions.has('admonition'),
    details: core || extensions.has('pymdownx.details') || extensions.has('admonition'),
    permalink: toc.permalink,
    highlight:
      core ||
      ['codehilite', 'pymdownx.highlight', 'pymdownx.superfences', 'fenced_code'].some((e) => extensions.has(e)),
  };
  if (Object.keys(toc.toc).length > 0) features.toc = toc.toc;
  return { features, warnings: toc.warnings };
}

function optionsOf(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

// MkDocs' defaults: GitHub and GitLab edit under `edit/master/docs/`, Bitbucket under `src/default/docs/`.
function editBase(config: MkdocsConfig): string | undefined {
  const repo = config.repo_url;
  if (!repo) return undefined;
  let uri = config.edit_uri;
  if (uri === undefined) {
    if (/github\.com|gitlab\.com/.test(repo)) uri = 'edit/master/docs/';
    else if (/bitbucket\.org/.test(repo)) uri = 'src/default/docs/';
    else return undefined;
  }
  if (uri === '') return undefined;
  if (/^[a-z][a-z0-9+.-]*:/i.test(uri)) return uri.endsWith('/') ? uri : `${uri}/`;
  const base = repo.endsWith('/') ? repo : `${repo}/`;
  const joined = base + uri.replace(/^\//, '');
  return joined.endsWith('/') || joined.includes('?') ? joined : `${joined}/`;
}
