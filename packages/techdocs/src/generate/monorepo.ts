import { cp, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InputError } from '@portalkit/core';
import { dump, load } from 'js-yaml';
import { mkdocsYamlSchema } from './config.js';
import { EXCLUDED_DIRECTORIES } from '../prepare/docs-paths.js';
import { hasIncludes, INCLUDE } from './nav-includes.js';

/*
 * mkdocs-monorepo-plugin's `!include` nav entries, the way that plugin does it: each included
 * `mkdocs.yml` contributes its docs folder below `<docs_dir>/<its site_name>/` and its nav in
 * place of the entry, so the build sees one ordinary site. The docs author is not trusted: an
 * include must be a relative path to an `mkdocs.yml` whose real path (links resolved) stays
 * inside the site's source, as must its docs folder; aliases are single path segments; nesting
 * and the number of includes are bounded.
 */

const MAX_DEPTH = 5;
const MAX_INCLUDES = 100;

interface Include {
  /** Absolute path of the included config. */
  config: string;
  alias: string;
  docsDir: string;
  nav: unknown[] | undefined;
}

const isInside = (parent: string, child: string) => {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

/**
 * Merge a site whose nav `!include`s other mkdocs sites into one site in a new temporary folder,
 * or resolve `undefined` when its nav includes nothing (the site is built as it is).
 *
 * @example
 * ```ts
 * const merged = await mergeMonorepo('/src/repo', 'mkdocs.yml');
 * try { await build(merged?.dir ?? '/src/repo'); } finally { await merged?.cleanup(); }
 * ```
 */
export async function mergeMonorepo(source: string, configFile: string): Promise<{ dir: string; cleanup(): Promise<void> } | undefined> {
  const root = await realpath(source);
  // The raw config (every key, as written), not the validated view: it is written back whole.
  const config = (load(await readFile(path.join(root, configFile), 'utf8'), { schema: mkdocsYamlSchema, filename: configFile }) ?? {}) as Record<string, unknown>;
  if (!hasIncludes(config.nav)) return undefined;
  const dir = await mkdtemp(path.join(tmpdir(), 'pk-monorepo-'));
  try {
    await cp(root, dir, { recursive: true, preserveTimestamps: true, filter: (src) => !EXCLUDED_DIRECTORIES.has(path.basename(src)) });
    const docsDir = path.resolve(dir, typeof config.docs_dir === 'string' ? config.docs_dir : 'docs');
    const state = { count: 0, aliases: new Set<string>() };
    const nav = await expand(config.nav, { root, from: path.join(root, configFile), depth: 0, prefix: '', docsDir, state });
    await writeFile(path.join(dir, configFile), dump({ ...config, nav }, { noRefs: true, lineWidth: -1 }));
    return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

interface ExpandContext {
  root: string;
  /** The config whose nav this is (errors name it). */
  from: string;
  depth: number;
  /** Path prefix of this config's pages inside the merged docs folder (`alias/` for an include). */
  prefix: string;
  docsDir: string;
  state: { count: number; aliases: Set<string> };
}

/** The nav with every include replaced by the included site's nav, pages prefixed. */
async function expand(nav: unknown, context: ExpandContext): Promise<unknown> {
  if (typeof nav === 'string') {
    const match = INCLUDE.exec(nav.trim());
    if (!match) return /^[a-z][a-z0-9+.-]*:/i.test(nav) || !context.prefix ? nav : `${context.prefix}${nav}`;
    const include = await readInclude(match[1]!.trim().replace(/^['"]|['"]$/g, ''), context);
    const target = path.join(context.docsDir, include.alias);
    await cp(include.docsDir, target, { recursive: true, filter: (src) => !EXCLUDED_DIRECTORIES.has(path.basename(src)) });
    const inner: ExpandContext = { ...context, from: include.config, depth: context.depth + 1, prefix: `${include.alias}/` };
    return include.nav ? expand(include.nav, inner) : `${include.alias}/index.md`;
  }
  if (Array.isArray(nav)) {
    const out: unknown[] = [];
    for (const item of nav) out.push(await expand(item, context));
    return out;
  }
  if (nav && typeof nav === 'object') {
    const out: Record<string, unknown> = {};
    for (const [title, value] of Object.entries(nav)) out[title] = await expand(value, context);
    return out;
  }
  return nav;
}

async function readInclude(target: string, context: ExpandContext): Promise<Include> {
  const where = path.relative(context.root, context.from) || 'mkdocs.yml';
  const fail = (why: string) => new InputError(`${where}: !include ${target}: ${why}`);
  if (context.depth >= MAX_DEPTH) throw fail(`includes nested deeper than ${MAX_DEPTH}`);
  if (++context.state.count > MAX_INCLUDES) throw fail(`more than ${MAX_INCLUDES} includes`);
  if (path.isAbsolute(target) || /^[a-z][a-z0-9+.-]*:/i.test(target)) throw fail('must be a relative path to an mkdocs.yml in the repository');
  let config: string;
  try {
    config = await realpath(path.resolve(path.dirname(context.from), target));
  } catch {
    throw fail('no such file');
  }
  if (!isInside(context.root, config)) throw fail('is outside the repository');
  const text = await readFile(config, 'utf8');
  let raw: Record<string, unknown>;
  try {
    raw = (load(text, { schema: mkdocsYamlSchema, filename: target }) ?? {}) as Record<string, unknown>;
  } catch (error) {
    throw fail(`not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const alias = raw.site_name;
  // The plugin uses the included site's name as its folder: it must be one plain segment.
  if (typeof alias !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(alias)) {
    throw fail(`site_name ${JSON.stringify(alias)} must be one path segment of letters, digits, '.', '_' or '-' (it names the folder)`);
  }
  if (context.state.aliases.has(alias.toLowerCase())) throw fail(`site_name '${alias}' is used by another include`);
  context.state.aliases.add(alias.toLowerCase());
  let docsDir: string;
  try {
    docsDir = await realpath(path.resolve(path.dirname(config), typeof raw.docs_dir === 'string' ? raw.docs_dir : 'docs'));
  } catch {
    throw fail('its docs folder does not exist');
  }
  if (!isInside(context.root, docsDir)) throw fail('its docs folder is outside the repository');
  const nav = Array.isArray(raw.nav) ? raw.nav : undefined;
  return { config, alias, docsDir, nav };
}
