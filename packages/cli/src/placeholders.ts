import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isPathInside, parseYamlDocuments } from '@portalkit/core';

const resolvers = new Set(['$text', '$json', '$yaml']);

/** A placeholder that could not be resolved. */
export interface PlaceholderProblem {
  path: string;
  message: string;
}

/**
 * Resolve Backstage placeholders (`{ $text: ./openapi.yaml }`, `$json`, `$yaml`) against local
 * files the way the catalog does before validating, so `validate` judges the entity the catalog
 * would store: targets are relative to the entity's file and must stay inside `rootDir`. URL
 * targets are not fetched; they become an empty string, valid wherever a string is expected.
 */
export function resolveLocalPlaceholders(value: unknown, file: string, rootDir: string): { value: unknown; problems: PlaceholderProblem[] } {
  const problems: PlaceholderProblem[] = [];
  const walk = (node: unknown, at: string): unknown => {
    if (Array.isArray(node)) return node.map((v, i) => walk(v, `${at}[${i}]`));
    if (node === null || typeof node !== 'object') return node;
    const record = node as Record<string, unknown>;
    const keys = Object.keys(record);
    if (keys.length === 1 && resolvers.has(keys[0]!)) {
      const kind = keys[0]!;
      const target = record[kind];
      if (typeof target !== 'string') {
        problems.push({ path: at, message: `${kind} placeholder must be a string` });
        return node;
      }
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) return '';
      const resolved = path.resolve(path.dirname(file), target);
      if (!isPathInside(rootDir, resolved)) {
        problems.push({ path: at, message: `${kind} target ${target} is outside ${rootDir}` });
        return node;
      }
      try {
        const text = readFileSync(resolved, 'utf8');
        if (kind === '$text') return text;
        if (kind === '$json') return JSON.parse(text) as unknown;
        return parseYamlDocuments(text, { file: target })[0]?.value ?? null;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        problems.push({ path: at, message: code === 'ENOENT' ? `${kind} target ${target} does not exist` : `${kind} target ${target}: ${(error as Error).message}` });
        return node;
      }
    }
    const out: Record<string, unknown> = {};
    for (const key of keys) out[key] = walk(record[key], at ? `${at}.${key}` : key);
    return out;
  };
  return { value: walk(value, ''), problems };
}
