import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Element, Root } from 'hast';
import { toString } from 'hast-util-to-string';
import { select, selectAll } from 'hast-util-select';
import rehypeParse from 'rehype-parse';
import { unified } from 'unified';

/** Test helpers (not exported from the package). */
export const fixturesDir = fileURLToPath(new URL('../fixtures/', import.meta.url));

const parser = unified().use(rehypeParse);

/** One example of the CommonMark spec (the `commonmark-spec` package). */
export interface SpecExample {
  markdown: string;
  html: string;
  number: number;
  section: string;
}

/** Every CommonMark spec example, for the differential tests of the docs pipeline's stages. */
export const commonmarkExamples: SpecExample[] = (
  createRequire(import.meta.url)('commonmark-spec') as { tests: SpecExample[] }
).tests;

export function parseHtml(html: string): Root {
  return parser.parse(html);
}

export async function readHtml(file: string): Promise<Root> {
  return parseHtml(await readFile(file, 'utf8'));
}

export function one(tree: Root | Element, selector: string): Element {
  const found = select(selector, tree);
  if (!found) throw new Error(`nothing matches ${selector}`);
  return found;
}

export function all(tree: Root | Element, selector: string): Element[] {
  return selectAll(selector, tree);
}

export function text(node: Root | Element): string {
  return toString(node).replace(/\s+/g, ' ').trim();
}

export function attr(node: Element, name: string): string | undefined {
  const value = node.properties[name];
  if (value === undefined || value === null) return undefined;
  return Array.isArray(value) ? value.join(' ') : String(value);
}

/** A temp dir removed by the returned cleanup. */
export async function tempDir(prefix = 'techdocs-test-'): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}

/** Copy a fixture site into a fresh temp dir (so tests can edit it). */
export async function copyFixture(name: string): Promise<string> {
  const dir = await tempDir();
  await cp(path.join(fixturesDir, name), dir, { recursive: true });
  return dir;
}

export async function removeAll(dirs: string[]): Promise<void> {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
}
