import type { BuildWarning } from '../types.js';
import { PythonTagged } from './python-tag.js';
import { isSafeSeparator, type SlugCase, type SlugifyOption, type SlugNormalization } from './slugify.js';

/**
 * The options of Python-Markdown's `toc` extension the pipeline follows (`markdown_extensions:
 * - toc: {...}` in `mkdocs.yml`). Absent fields keep Python-Markdown's defaults.
 *
 * @example
 * ```ts
 * const toc: TocOptions = { slugify: { kind: 'python-markdown', unicode: true }, depth: [2, 3] };
 * ```
 */
export interface TocOptions {
  /** How heading text becomes an id (`slugify`); default Python-Markdown's `slugify`. */
  slugify?: SlugifyOption;
  /** Word separator in ids (`separator`); default `-`. */
  separator?: string;
  /** Levels listed in the page's table of contents, `[top, bottom]` (`toc_depth`); default `[1, 6]`. */
  depth?: readonly [number, number];
  /** The level `#` headings get (`baselevel`): every heading moves down by `baselevel - 1`, at most to h6. */
  baselevel?: number;
  /** The permalinks' `title` (`permalink_title`); default `Permanent link`, `''` for none. */
  permalinkTitle?: string;
  /** The page table of contents' title (`title`, as mkdocs-material shows it). */
  title?: string;
}

/** What `toc`'s options in `mkdocs.yml` make of a site's headings. */
export interface ParsedToc {
  /** The permalink text (`permalink: true` is `¶`), or false. */
  permalink: string | false;
  toc: TocOptions;
  /** Options that cannot be followed, each naming the config file and line. */
  warnings: BuildWarning[];
}

const pymdownxNamed: Record<string, { case: SlugCase; percentEncode: boolean }> = {
  uslugify: { case: 'lower', percentEncode: false },
  uslugify_encoded: { case: 'lower', percentEncode: true },
  uslugify_cased: { case: 'none', percentEncode: false },
  uslugify_cased_encoded: { case: 'none', percentEncode: true },
  gfm: { case: 'lower-ascii', percentEncode: false },
  gfm_encoded: { case: 'lower-ascii', percentEncode: true },
};
const slugCases = new Set<string>(['none', 'lower', 'lower-ascii', 'fold']);
const normalizations = new Set<string>(['NFC', 'NFD', 'NFKC', 'NFKD']);

/**
 * Read `toc`'s options as Python-Markdown 3 reads them. `permalink` goes through its
 * `parseBoolValue` (`true`, `"yes"`, `"on"` are `¶`; another string is the symbol). A value
 * that cannot be followed (an unknown `slugify` function, a malformed `toc_depth`) is a
 * warning naming the config file and line, and its default is used instead.
 *
 * @example
 * ```ts
 * parseTocOptions({ permalink: '#', toc_depth: '2-3' }, { configFile: 'mkdocs.yml', configText: '' }).toc.depth; // [2, 3]
 * ```
 */
export function parseTocOptions(raw: Record<string, unknown>, source: { configFile: string; configText: string }): ParsedToc {
  const warnings: BuildWarning[] = [];
  const lines = source.configText.split('\n');
  const warn = (key: string, message: string) => {
    const index = lines.findIndex((line) => new RegExp(`^\\s*(- )?${key}\\s*:`).test(line));
    warnings.push({
      file: source.configFile,
      ...(index === -1 ? {} : { line: index + 1 }),
      message: `markdown_extensions: toc: ${key}: ${message}`,
    });
  };
  const toc: TocOptions = {};
  if (raw.slugify !== undefined) {
    const slugify = readSlugify(raw.slugify, (message) => warn('slugify', `${message}; headings get Python-Markdown's default slugify ids`));
    if (slugify) toc.slugify = slugify;
  }
  if (raw.separator !== undefined) {
    if (typeof raw.separator === 'string' && isSafeSeparator(raw.separator)) toc.separator = raw.separator;
    else warn('separator', `${show(raw.separator)} is not supported (a string without \\ [ ] ^ or -, or "-"); "-" is used`);
  }
  if (raw.toc_depth !== undefined) {
    const depth = readDepth(raw.toc_depth);
    if (depth) toc.depth = depth;
    else warn('toc_depth', `${show(raw.toc_depth)} is neither a level (3) nor a range ("2-4"); every level is listed`);
  }
  if (raw.baselevel !== undefined) {
    const level = readInt(raw.baselevel);
    if (level !== undefined && level >= 1) toc.baselevel = level;
    else warn('baselevel', `${show(raw.baselevel)} is not a level from 1; headings keep their levels`);
  }
  if (raw.permalink_title !== undefined) {
    if (typeof raw.permalink_title === 'string') toc.permalinkTitle = raw.permalink_title;
    else warn('permalink_title', `${show(raw.permalink_title)} is not a string; "Permanent link" is used`);
  }
  if (typeof raw.title === 'string' && raw.title !== '') toc.title = raw.title;
  return { permalink: permalinkText(raw.permalink), toc, warnings };
}

// Python-Markdown: `parseBoolValue(permalink, False)`, None (another string) meaning the string itself.
function permalinkText(value: unknown): string | false {
  if (typeof value !== 'string') return pythonTruthy(value) ? '¶' : false;
  const lower = value.toLowerCase();
  if (['true', 'yes', 'y', 'on', '1'].includes(lower)) return '¶';
  if (['false', 'no', 'n', 'off', '0', 'none'].includes(lower)) return false;
  return value;
}

function pythonTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof PythonTagged) return true;
  if (value !== null && typeof value === 'object') return Object.keys(value).length > 0;
  return Boolean(value);
}

function readSlugify(value: unknown, fail: (message: string) => void): SlugifyOption | undefined {
  if (!(value instanceof PythonTagged)) {
    fail(`${show(value)} is not a Python function (write !!python/name:pymdownx.slugs.uslugify or the like)`);
    return undefined;
  }
  const [kind, name = ''] = splitOnce(value.tag, ':');
  if (kind === 'name') {
    if (name === 'markdown.extensions.toc.slugify') return { kind: 'python-markdown', unicode: false };
    if (name === 'markdown.extensions.toc.slugify_unicode') return { kind: 'python-markdown', unicode: true };
    const named = name.startsWith('pymdownx.slugs.') ? pymdownxNamed[name.slice('pymdownx.slugs.'.length)] : undefined;
    if (named) return { kind: 'pymdownx', ...named, normalize: 'NFC' };
  } else if (kind === 'object/apply' && name === 'pymdownx.slugs.slugify') {
    return readSlugifyKwds(value.data, fail);
  }
  fail(`!!python/${value.tag} is not one of the slug functions supported`);
  return undefined;
}

function readSlugifyKwds(data: unknown, fail: (message: string) => void): SlugifyOption | undefined {
  const record = data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  const extra = Object.keys(record).filter((key) => key !== 'kwds' && pythonTruthy(record[key]));
  if ((Array.isArray(data) && data.length > 0) || extra.length > 0) {
    fail('pymdownx.slugs.slugify takes keyword arguments only (kwds: {case, percent_encode, normalize})');
    return undefined;
  }
  const kwds = record.kwds !== null && typeof record.kwds === 'object' ? (record.kwds as Record<string, unknown>) : {};
  const unknown = Object.keys(kwds).filter((key) => !['case', 'percent_encode', 'normalize'].includes(key));
  const normalize = kwds.normalize ?? 'NFC';
  if (unknown.length > 0 || typeof normalize !== 'string' || !normalizations.has(normalize)) {
    fail(`pymdownx.slugs.slugify: ${unknown.length > 0 ? `unknown keyword ${unknown.join(', ')}` : `normalize ${show(normalize)} is not NFC, NFD, NFKC or NFKD`}`);
    return undefined;
  }
  // pymdownx leaves the text's case alone for a case it does not know.
  const slugCase = typeof kwds.case === 'string' && slugCases.has(kwds.case) ? (kwds.case as SlugCase) : 'none';
  if (kwds.case !== undefined && slugCase !== kwds.case) {
    fail(`pymdownx.slugs.slugify: case ${show(kwds.case)} is not none, lower, lower-ascii or fold`);
    return undefined;
  }
  return { kind: 'pymdownx', case: slugCase, percentEncode: pythonTruthy(kwds.percent_encode), normalize: normalize as SlugNormalization };
}

// Python: `"2-4"` is a range; anything else goes through int() as the bottom level, from 1.
function readDepth(value: unknown): [number, number] | undefined {
  if (typeof value === 'string' && value.includes('-')) {
    const parts = value.split('-');
    if (parts.length !== 2) return undefined;
    const [top, bottom] = parts.map(readInt);
    return top === undefined || bottom === undefined ? undefined : [top, bottom];
  }
  const bottom = readInt(value);
  return bottom === undefined ? undefined : [1, bottom];
}

function readInt(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === 'string' && /^\s*\+?\d+\s*$/.test(value)) return Number.parseInt(value.trim(), 10);
  return undefined;
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at === -1 ? [text, ''] : [text.slice(0, at), text.slice(at + 1)];
}

function show(value: unknown): string {
  if (value instanceof PythonTagged) return `!!python/${value.tag}`;
  return JSON.stringify(value) ?? String(value);
}
