import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, realpath, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { PluggableList } from 'unified';
import { InputError, isPathInside, mapLimit, realpathOfExistingAncestor } from '@portalkit/core';
import { resolveWithin } from '../paths.js';
import type {
  BuildFailure,
  BuildProgress,
  BuildResult,
  BuildWarning,
  SearchIndex,
  SearchIndexDoc,
  TechDocsMetadata,
} from '../types.js';
import {
  CACHE_FILE_NAME,
  CACHE_VERSION,
  cacheFilePath,
  loadCache,
  saveCache,
  statUnchanged,
  type BuildCache,
  type SourceStat,
} from './cache.js';
import { loadMkdocsConfig, type LoadedSite } from './config.js';
import { mergeMonorepo } from './monorepo.js';
import { createLayout } from './layout.js';
import { flattenNav, resolveNav } from './nav.js';
import type { PageData } from './page-data.js';
import { isMarkdown, pageLocation, readPageSource, titleFromPath, withoutScheme, type PageInfo } from './pages.js';
import { createPageWriter } from './page-writer.js';
import type { MarkdownParser } from './markdown-parser.js';
import { toPageFailure } from './page-failure.js';
import { createDocsProcessor, type SanitizeSchema } from './processor.js';

/**
 * How pages are rendered; fixed for the lifetime of a builder.
 *
 * @example
 * ```ts
 * const options: DocsBuilderOptions = { sanitize: false, strict: true };
 * ```
 */
export interface DocsBuilderOptions {
  /** Sanitise rendered HTML (default true); `false` keeps raw HTML and scripts; or a custom schema. */
  sanitize?: boolean | SanitizeSchema;
  /** Turn warnings (broken links, missing nav targets) into an `InputError` listing them all. */
  strict?: boolean;
  /** Extra remark plugins, e.g. `[remarkEmoji]` or `[[remarkToc, { heading: 'contents' }]]`. */
  remarkPlugins?: PluggableList;
  /** Extra rehype plugins, run after links were rewritten. */
  rehypePlugins?: PluggableList;
  /**
   * Which Markdown parser builds the syntax tree. `'auto'` (default) parses with markdown-it
   * into the same mdast remark-parse + remark-gfm produce (several times faster), and falls back
   * to `remark-parse` when a remark plugin registers micromark or mdast-util-from-markdown
   * syntax extensions (e.g. remark-math, remark-directive), which only micromark can run.
   * `'remark'` always uses `remark-parse`; `'markdown-it'` never falls back.
   */
  markdownParser?: MarkdownParser;
}

/**
 * One build: where the site is and where it goes.
 *
 * @example
 * ```ts
 * const options: BuildDocsOptions = { source: './my-service', output: './site', onProgress: console.log };
 * ```
 */
export interface BuildDocsOptions extends DocsBuilderOptions {
  /** Directory holding `mkdocs.yml` (or `mkdocs.yaml`) and the docs dir. */
  source: string;
  /** Directory the site is written to (created if missing). */
  output: string;
  /** Where the incremental-build cache goes; default a dot file in `output`. */
  cacheDir?: string;
  /** Stored as the metadata `etag` instead of the computed content hash (e.g. a reader's etag). */
  etag?: string;
  onProgress?(progress: BuildProgress): void;
}

/**
 * A configurable docs builder: add plugins with `useRemark`/`useRehype`, then `build`. The
 * first build freezes the configuration; configuring it afterwards is an error.
 *
 * @example
 * ```ts
 * const builder = createDocsBuilder({ strict: true }).useRemark(remarkEmoji);
 * const result = await builder.build({ source: './my-service', output: './site' });
 * ```
 */
export interface DocsBuilder {
  useRemark(...plugins: PluggableList): DocsBuilder;
  useRehype(...plugins: PluggableList): DocsBuilder;
  build(options: Omit<BuildDocsOptions, keyof DocsBuilderOptions> & { strict?: boolean }): Promise<BuildResult>;
}

const backgroundWriteMin = 50;

const searchConfig: SearchIndex['config'] = {
  indexing: 'full',
  lang: ['en'],
  min_search_length: 3,
  prebuild_index: false,
  separator: '[\\s\\-]+',
  pipeline: ['stopWordFilter'],
};

/**
 * Create a {@link DocsBuilder}.
 *
 * @example
 * ```ts
 * const builder = createDocsBuilder({ sanitize: true });
 * await builder.build({ source: '.', output: './site' });
 * ```
 */
export function createDocsBuilder(options: DocsBuilderOptions = {}): DocsBuilder {
  const remarkPlugins: PluggableList = [...(options.remarkPlugins ?? [])];
  const rehypePlugins: PluggableList = [...(options.rehypePlugins ?? [])];
  let frozen = false;
  const configure = (list: PluggableList, plugins: PluggableList) => {
    if (frozen) throw new InputError('docs builder: cannot add plugins after the first build (it is frozen)');
    list.push(...plugins);
    return builder;
  };
  const builder: DocsBuilder = {
    useRemark: (...plugins) => configure(remarkPlugins, plugins),
    useRehype: (...plugins) => configure(rehypePlugins, plugins),
    build(buildOptions) {
      frozen = true;
      return buildWithIncludes({
        ...buildOptions,
        sanitize: options.sanitize,
        markdownParser: options.markdownParser,
        strict: buildOptions.strict ?? options.strict,
        remarkPlugins,
        rehypePlugins,
      });
    },
  };
  return builder;
}

/**
 * Build an MkDocs site (`mkdocs.yml` + `docs/`) into static HTML, `techdocs_metadata.json` and
 * `search/search_index.json`. Incremental: pages whose source and the site layout (config, nav,
 * titles, file list) are unchanged since the last build are not rendered again.
 *
 * @example
 * ```ts
 * const { rendered, skipped, warnings } = await buildDocs({ source: './my-service', output: './site' });
 * ```
 */
export function buildDocs(options: BuildDocsOptions): Promise<BuildResult> {
  return createDocsBuilder(options).build(options);
}

interface SourcePage {
  src: string;
  /** Markdown without front matter; undefined when the stat proved the source unchanged (read on demand). */
  body?: string;
  hash: string;
  title?: string;
  stat: SourceStat;
}

interface Scan {
  markdown: string[];
  assets: string[];
  /** Files and folders, for link checks. */
  entries: Set<string>;
}

/** A site whose nav `!include`s others (mkdocs-monorepo-plugin) is merged first, then built as one. */
async function buildWithIncludes(options: BuildDocsOptions): Promise<BuildResult> {
  const { configFile } = await loadMkdocsConfig(options.source);
  const merged = await mergeMonorepo(options.source, configFile);
  if (!merged) return runBuild(options);
  try {
    return await runBuild({ ...options, source: merged.dir });
  } finally {
    await merged.cleanup();
  }
}

async function runBuild(options: BuildDocsOptions): Promise<BuildResult> {
  const progress = options.onProgress ?? (() => {});
  const site = await loadMkdocsConfig(options.source);
  const output = path.resolve(options.output);
  if (isPathInside(site.docsDir, output)) {
    throw new InputError(`output directory ${output} must not be inside the docs directory ${site.docsDir}`);
  }
  const warnings: BuildWarning[] = [...site.warnings];
  const scan = await scanDocsDir(site.docsDir, warnings);

  const cachePath = cacheFilePath(output, options.cacheDir);
  const loaded = await loadCache(cachePath);
  const previous = loaded?.cache;
  // Sources are small and many: synchronous stats and reads cost a fraction of fs/promises'
  // per-call overhead (1000 pages: ~10 ms against 100+ ms), and a source whose stat is unchanged
  // since it was hashed is not read at all.
  const sources = scan.markdown.map((src): SourcePage => {
    const file = path.join(site.docsDir, src);
    const checkedAt = Date.now();
    const info = statSync(file);
    const stat: SourceStat = { size: info.size, mtimeMs: info.mtimeMs, ctimeMs: info.ctimeMs, checkedAt };
    const cached = previous?.pages[src];
    if (cached && statUnchanged(cached, info)) {
      const page: SourcePage = { src, hash: cached.hash, stat: { ...stat, checkedAt: cached.checkedAt } };
      if (cached.title !== undefined) page.title = cached.title;
      return page;
    }
    const text = readFileSync(file, 'utf8');
    const source = readPageSource(text);
    const page: SourcePage = { src, body: source.body, hash: sha256(text), stat };
    if (source.title) page.title = source.title;
    return page;
  });
  progress({ phase: 'read', done: sources.length, total: sources.length });

  const pages = pageMap(sources.map((s) => s.src), site, warnings);
  const titles = new Map<string, string>();
  for (const s of sources) if (s.title) titles.set(s.src, s.title);
  const { nav, warnings: navWarnings } = resolveNav({
    nav: site.config.nav,
    pages,
    titles,
    configText: site.text,
    configFile: site.configFile,
  });
  warnings.push(...navWarnings);
  const order: string[] = [];
  const navTitles = new Map<string, string>();
  for (const entry of flattenNav(nav)) {
    if (navTitles.has(entry.src)) continue;
    navTitles.set(entry.src, entry.title);
    order.push(entry.src);
  }
  for (const page of pages.values()) {
    page.title = navTitles.get(page.src) ?? titles.get(page.src) ?? titleFromPath(page.src);
  }

  const fingerprint = {
    sanitize: options.sanitize ?? true,
    parser: options.markdownParser ?? 'auto',
    remark: (options.remarkPlugins ?? []).length,
    rehype: (options.rehypePlugins ?? []).length,
  };
  const layoutHash = sha256(
    JSON.stringify({
      version: CACHE_VERSION,
      config: site.hash,
      fingerprint,
      nav,
      pages: [...pages.values()].map((p) => [p.src, p.url, p.title]),
      entries: [...scan.entries].sort(),
    }),
  );
  const layoutSame = previous?.layoutHash === layoutHash;

  const toRender = sources.filter((s) => {
    const cached = previous?.pages[s.src];
    if (!layoutSame || !cached || cached.hash !== s.hash) return true;
    const page = pages.get(s.src);
    return !page || !existsSync(path.join(output, page.output));
  });

  // A rebuild that renders nothing needs no processor (attaching its plugins is not free).
  const processor =
    toRender.length === 0
      ? undefined
      : createDocsProcessor({
          features: site.features,
          sanitize: options.sanitize,
          markdownParser: options.markdownParser,
          remarkPlugins: options.remarkPlugins,
          rehypePlugins: options.rehypePlugins,
        });
  const synchronous = (options.remarkPlugins ?? []).length === 0 && (options.rehypePlugins ?? []).length === 0;
  const position = new Map(order.map((src, i) => [src, i]));
  // Nor a layout: compiling the nav is not free either.
  const layout = createLayout({
    siteName: site.config.site_name,
    siteDescription: site.config.site_description,
    repoUrl: site.config.repo_url,
    repoName: site.config.repo_name,
    nav: toRender.length > 0 ? nav : [],
    pages,
    ...(site.features.toc?.title === undefined ? {} : { tocTitle: site.features.toc.title }),
  });
  // A thread of its own for the disk pays off past a few dozen pages (starting it costs ~20 ms).
  const writer = createPageWriter({
    output,
    holdBack: options.strict === true,
    cacheFile: cachePath,
    background: toRender.length >= backgroundWriteMin,
    shared: layout.shared,
    expected: toRender.flatMap((s) => pages.get(s.src)?.output ?? []),
  });
  const rendered: string[] = [];
  const pageCache: BuildCache['pages'] = {};
  let done = 0;
  const skipped: string[] = [];
  const failed: BuildFailure[] = [];
  try {
    for (const source of toRender) {
      const page = pages.get(source.src);
      if (!page || !processor) continue;
      const data: PageData = { page, pages, files: scan.entries, warnings: [], toc: [], sections: [], text: '' };
      const body = source.body ?? readPageSource(readFileSync(path.join(site.docsDir, source.src), 'utf8')).body;
      const input = { value: body, path: source.src, data: { techdocs: data } };
      let file;
      try {
        // The built-in plugins are all synchronous; a user plugin may not be.
        file = synchronous ? processor.processSync(input) : await processor.process(input);
      } catch (error) {
        // A page failing on its own content fails alone; the rest of the site is built and published.
        const failure = toPageFailure(error, source.src);
        if (!failure) throw error;
        failed.push({ file: source.src, ...(failure.line ? { line: failure.line } : {}), error: failure });
        warnings.push({ file: source.src, ...(failure.line ? { line: failure.line } : {}), message: failure.message });
        progress({ phase: 'render', done: ++done, total: toRender.length, file: page.src });
        continue;
      }
      const index = position.get(page.src);
      const prevSrc = index === undefined ? undefined : order[index - 1];
      const nextSrc = index === undefined ? undefined : order[index + 1];
      const html = layout.parts({
        page,
        content: String(file),
        toc: data.toc,
        prev: prevSrc ? pages.get(prevSrc) : undefined,
        next: nextSrc ? pages.get(nextSrc) : undefined,
        editUrl: site.editBase ? site.editBase + encodeURI(page.src) : undefined,
      });
      rendered.push(page.src);
      pageCache[page.src] = {
        ...source.stat,
        hash: source.hash,
        ...(source.title === undefined ? {} : { title: source.title }),
        output: page.output,
        docs: JSON.stringify(searchDocs(page, data)).slice(1, -1),
        warnings: data.warnings,
      };
      writer.add(page.output, html);
      progress({ phase: 'render', done: ++done, total: toRender.length, file: page.src });
    }
    const failedSrcs = new Set(failed.map((f) => f.file));
    for (const source of sources) {
      // A failed page keeps no cache entry (and so no output): the next build tries it again.
      if (pageCache[source.src] || failedSrcs.has(source.src)) continue;
      const cached = previous?.pages[source.src];
      if (cached) {
        pageCache[source.src] = { ...cached, ...source.stat };
        skipped.push(source.src);
      }
    }
    for (const source of sources) warnings.push(...(pageCache[source.src]?.warnings ?? []));

    // Strict builds fail before anything is written, so a broken site never replaces a good one.
    if (options.strict && warnings.length > 0) {
      throw new InputError(
        `docs build failed with ${warnings.length} warning(s):\n${warnings.map(formatWarning).join('\n')}`,
      );
    }
  } catch (error) {
    // A failed build stops its writer thread, which would otherwise keep the process alive.
    await writer.abort();
    throw error;
  }

  await mkdir(output, { recursive: true });
  await writer.flush();

  const assets = await copyAssets(site.docsDir, output, scan.assets, previous?.assets ?? {});
  progress({ phase: 'assets', done: scan.assets.length, total: scan.assets.length });

  const pageOrder = [...order, ...sources.map((s) => s.src).filter((src) => !position.has(src))];
  const searchKey = sha256(pageOrder.join('\n'));
  const searchFile = path.join(output, 'search', 'search_index.json');
  // The index is every page's cached sections in page order: with nothing rendered and the same
  // order it is the file the last build wrote.
  const searchSame = rendered.length === 0 && failed.length === 0 && previous?.searchKey === searchKey && existsSync(searchFile);
  const outputs = [
    ...sources.flatMap((s) => (pageCache[s.src] ? (pages.get(s.src)?.output ?? []) : [])),
    ...scan.assets,
    'search/search_index.json',
    'techdocs_metadata.json',
  ].sort();
  const etag =
    options.etag ??
    sha256(
      [layoutHash, ...sources.map((s) => `${s.src}:${s.hash}`), ...scan.assets.map((a) => `${a}:${assets[a]?.hash}`)].join(
        '\n',
      ),
    );
  const metadata: TechDocsMetadata = {
    site_name: site.config.site_name,
    site_description: site.config.site_description ?? '',
    etag,
    build_timestamp: Date.now(),
    files: outputs,
  };
  await mkdir(path.join(output, 'search'), { recursive: true });
  // The same text as JSON.stringify({ config, docs }), joined from each page's entries.
  const searchIndex = () => {
    const docs = pageOrder.map((src) => pageCache[src]?.docs ?? '').filter((d) => d !== '');
    return `{"config":${JSON.stringify(searchConfig)},"docs":[${docs.join(',')}]}`;
  };
  // Synchronous: fs/promises first copies a string into a Buffer and then writes it in rounds on
  // the thread pool; the index is a few MB (5-15 ms against 3-4 ms).
  if (!searchSame) writeFileSync(searchFile, searchIndex());
  writeFileSync(path.join(output, 'techdocs_metadata.json'), JSON.stringify(metadata, null, 2));

  // Files an earlier build wrote that this one did not (deleted pages and assets) go away.
  const current = new Set(outputs);
  for (const stale of previous?.outputs ?? []) {
    if (current.has(stale) || stale === CACHE_FILE_NAME) continue;
    try {
      await rm(resolveWithin(output, stale, 'stale output'), { force: true });
    } catch {
      // A cache entry pointing outside the output dir is ignored, never followed.
    }
  }
  // Rendering removed the cache file (see createPageWriter), so then it is written even if unchanged.
  const unchanged = rendered.length === 0 ? loaded : undefined;
  await saveCache(cachePath, { version: CACHE_VERSION, layoutHash, pages: pageCache, assets, outputs, searchKey }, unchanged);
  progress({ phase: 'write', done: outputs.length, total: outputs.length });
  return { rendered, skipped, failed, warnings, etag, metadata };
}

/**
 * `file:line: message`, the way build warnings are printed.
 *
 * @example
 * ```ts
 * formatWarning({ file: 'a.md', line: 3, message: 'broken link' }); // 'a.md:3: broken link'
 * ```
 */
export function formatWarning(warning: BuildWarning): string {
  return `${warning.file}${warning.line ? `:${warning.line}` : ''}: ${warning.message}`;
}

function searchDocs(page: PageInfo, data: PageData): SearchIndexDoc[] {
  // Readers resolve locations against the site's URL: a page `javascript:x.md` is `./javascript:x/`.
  const location = withoutScheme(page.url);
  return [
    { location, title: page.title, text: data.text },
    ...data.sections.map((s) => ({ location: `${location}#${s.id}`, title: s.title, text: s.text })),
  ];
}

// README.md is its folder's index unless an index.md sits beside it (as in MkDocs).
function pageMap(srcs: string[], site: LoadedSite, warnings: BuildWarning[]): Map<string, PageInfo> {
  const all = new Set(srcs);
  const pages = new Map<string, PageInfo>();
  for (const src of [...srcs].sort()) {
    const dir = path.posix.dirname(src);
    const base = path.posix.basename(src).toLowerCase();
    const indexSibling = dir === '.' ? 'index.md' : `${dir}/index.md`;
    let isIndex = base === 'index.md';
    if (base === 'readme.md') {
      if (all.has(indexSibling)) warnings.push({ file: src, message: `excluded from the index: ${indexSibling} is the index of its folder` });
      else isIndex = true;
    }
    const location = pageLocation(src, { useDirectoryUrls: site.config.use_directory_urls, isIndex });
    pages.set(src, { src, ...location, title: '' });
  }
  return pages;
}

async function scanDocsDir(docsDir: string, warnings: BuildWarning[]): Promise<Scan> {
  const realDocs = await realpath(docsDir).catch(() => {
    throw new InputError(`docs directory ${docsDir} does not exist`);
  });
  const scan: Scan = { markdown: [], assets: [], entries: new Set() };
  const walk = async (rel: string) => {
    const entries = await readdir(path.join(docsDir, rel), { withFileTypes: true });
    for (const entry of entries) {
      // Dot files (and .git, .cache) are not part of a site, as in MkDocs.
      if (entry.name.startsWith('.')) continue;
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        const target = await realpath(path.join(docsDir, child)).catch(() => undefined);
        // Judged by where it leads whether or not that exists: "broken" only for links inside,
        // so the warning never tells a docs author whether a host file exists.
        if (!isPathInside(realDocs, target ?? realpathOfExistingAncestor(path.join(docsDir, child)))) {
          warnings.push({ file: child, message: 'symbolic link escapes the docs directory; skipped' });
          continue;
        }
        if (!target) {
          warnings.push({ file: child, message: 'broken symbolic link' });
          continue;
        }
        const info = await stat(target);
        isDir = info.isDirectory();
        isFile = info.isFile();
      }
      if (isDir) {
        scan.entries.add(child);
        await walk(child);
      } else if (isFile) {
        scan.entries.add(child);
        (isMarkdown(entry.name) ? scan.markdown : scan.assets).push(child);
      }
    }
  };
  await walk('');
  scan.markdown.sort();
  scan.assets.sort();
  return scan;
}

async function copyAssets(
  docsDir: string,
  output: string,
  assets: string[],
  previous: BuildCache['assets'],
): Promise<BuildCache['assets']> {
  const result: BuildCache['assets'] = {};
  await mapLimit(assets, 16, async (asset) => {
    const from = path.join(docsDir, asset);
    const to = resolveWithin(output, asset, 'asset');
    const checkedAt = Date.now();
    const info = statSync(from);
    const cached = previous[asset];
    const copied = existsSync(to);
    if (cached && copied && statUnchanged(cached, info)) {
      result[asset] = cached;
      return;
    }
    const hash = sha256(await readFile(from));
    result[asset] = { size: info.size, mtimeMs: info.mtimeMs, ctimeMs: info.ctimeMs, checkedAt, hash };
    // Touched but not changed (a checkout, a copy): the copy in the output is still right.
    if (cached?.hash === hash && copied) return;
    await mkdir(path.dirname(to), { recursive: true });
    await copyFile(from, to);
  });
  return result;
}

function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}
