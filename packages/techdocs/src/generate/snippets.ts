import { closeSync, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { isPathInside } from '@portalkit/core';
import type { Processor } from 'unified';
import { PageBuildError } from './page-failure.js';

/** Options of {@link remarkSnippets}. */
export interface SnippetsOptions {
  /** Absolute directory snippet paths are resolved in and confined to (the docs dir). */
  root: string;
  /** Largest snippet file read, in bytes; default 1 MiB. */
  maxBytes?: number;
  /** How deep snippets may include snippets; default 8. */
  maxDepth?: number;
}

// pymdownx.snippets: `--8<-- "file"` on a line of its own (any indent, kept for the lines
// included), or a block of file names between two `--8<--` lines. `;--8<--` is an escape.
const single = /^([ \t]*)(;*)--8<--[ \t]+(["'])(.+?)\3[ \t]*$/;
const blockMarker = /^([ \t]*)(;*)--8<--[ \t]*$/;

/**
 * remark plugin for `pymdownx.snippets`: include other files' text before parsing. Paths are
 * relative to the docs dir and must stay inside it: an absolute path, a `..` that climbs out, or
 * a symlink whose target lies outside is refused with a `PageBuildError` (an `InputError`) naming
 * `file:line`, and the page fails alone.
 * A missing file is skipped, as pymdownx does by default. Use it after `remarkAdmonitions`, so
 * included text takes part in admonitions and tabs.
 *
 * @example
 * ```ts
 * unified().use(remarkParse).use(remarkAdmonitions).use(remarkSnippets, { root: '/site/docs' });
 * ```
 */
export function remarkSnippets(this: Processor, options: SnippetsOptions): undefined {
  const parse = this.parser;
  if (!parse) throw new TypeError('remarkSnippets must be used after a parser');
  const realRoot = realpathSync(options.root);
  const limits = { maxBytes: options.maxBytes ?? 1024 * 1024, maxDepth: options.maxDepth ?? 8 };
  this.parser = (document, file) => {
    if (!document.includes('--8<--')) return parse(document, file);
    const where = file.path || 'page';
    return parse(expand(document, where, realRoot, limits, 0).join('\n'), file);
  };
  return undefined;
}

interface Limits {
  maxBytes: number;
  maxDepth: number;
}

function expand(text: string, where: string, root: string, limits: Limits, depth: number): string[] {
  const lines = text.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (!line.includes('--8<--')) {
      out.push(line);
      continue;
    }
    const one = single.exec(line);
    const block = one ? null : blockMarker.exec(line);
    const escapes = one?.[2] ?? block?.[2] ?? '';
    if ((!one && !block) || escapes !== '') {
      // `;--8<--` stands for a literal `--8<--`.
      out.push(escapes !== '' ? line.replace(';--8<--', '--8<--') : line);
      continue;
    }
    const indent = one?.[1] ?? block?.[1] ?? '';
    const names: Array<[string, number]> = [];
    if (one) names.push([one[4] ?? '', i + 1]);
    else {
      let end = i + 1;
      while (end < lines.length && !blockMarker.test(lines[end] ?? '')) end++;
      if (end === lines.length) {
        out.push(line);
        continue;
      }
      for (let j = i + 1; j < end; j++) {
        const name = (lines[j] ?? '').trim();
        if (name !== '' && !name.startsWith(';')) names.push([name, j + 1]);
      }
      i = end;
    }
    for (const [name, lineNumber] of names) {
      const at = { file: where, line: lineNumber };
      const body = readSnippet(name, at, root, limits);
      if (body === undefined) continue;
      if (depth + 1 > limits.maxDepth) throw refuse(at, `snippets nested deeper than ${limits.maxDepth}`);
      for (const included of expand(body.replace(/\r?\n$/, ''), name, root, limits, depth + 1)) out.push(indent + included);
    }
  }
  return out;
}

/** Where a snippet line is: the page (or including snippet) relative to the docs dir, and its line. */
interface At {
  file: string;
  line: number;
}

// The page fails alone (see page-failure.ts), naming file:line.
function refuse(at: At, reason: string): PageBuildError {
  return new PageBuildError(at.file, reason, { line: at.line });
}

function readSnippet(name: string, at: At, root: string, limits: Limits): string | undefined {
  if (name.includes('\0') || path.isAbsolute(name) || /^[a-z][a-z0-9+.-]*:/i.test(name)) {
    throw refuse(at, `snippet '${name}' must be a path relative to the docs dir`);
  }
  const resolved = path.resolve(root, name);
  if (!isPathInside(root, resolved)) throw refuse(at, `snippet '${name}' is outside the docs dir`);
  let real: string;
  try {
    real = realpathSync(resolved);
  } catch {
    return undefined; // missing: skipped, as pymdownx does unless check_paths is set
  }
  if (!isPathInside(root, real)) throw refuse(at, `snippet '${name}' links outside the docs dir`);
  // Opened once and measured through the descriptor: the file read is the file checked.
  const fd = openSync(real, 'r');
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return undefined;
    if (stat.size > limits.maxBytes) throw refuse(at, `snippet '${name}' is larger than ${limits.maxBytes} bytes`);
    const buffer = Buffer.alloc(stat.size);
    let read = 0;
    while (read < stat.size) {
      const n = readSync(fd, buffer, read, stat.size - read, read);
      if (n === 0) break;
      read += n;
    }
    return buffer.subarray(0, read).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
