import { InputError } from '@portalkit/core';
import type { ScmLocation } from '../types.js';

const KINDS = new Set(['blob', 'tree', 'raw', 'edit']);
const SEGMENT = /^[\w.+-]+$/;

/**
 * GitLab's URL grammar for one instance: `<baseUrl>/<group>[/<subgroup>...]/<project>/-/<blob|tree|raw|edit>/<ref>/<path>`,
 * the older form without `/-/`, and the bare project URL (`.../<project>[.git]`). `baseUrl` may
 * carry a path prefix (a self-managed GitLab under `https://example.com/gitlab`).
 */
export interface GitlabUrlGrammar {
  /** `undefined` for URLs of another origin or prefix, of no known shape, or with unsafe segments. */
  parse(url: string): ScmLocation | undefined;
  /** The web URL of a location (`/-/` form), each path segment encoded. */
  format(location: Pick<ScmLocation, 'owner' | 'repo' | 'ref' | 'path' | 'kind'>): string;
  /** Backstage's `defaultScmResolveUrl`, refusing results outside the base's repository and ref. */
  resolveUrl(options: { url: string; base: string; lineNumber?: number }): string;
  /** Backstage's `replaceGitLabUrlType(url, 'edit')`. */
  resolveEditUrl(url: string): string;
}

export function createGitlabUrlGrammar(options: { host: string; baseUrl: string }): GitlabUrlGrammar {
  const base = new URL(options.baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');

  const parse = (url: string): ScmLocation | undefined => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return undefined;
    }
    if (parsed.origin !== base.origin || parsed.username || parsed.password) return undefined;
    if (prefix && !parsed.pathname.startsWith(`${prefix}/`)) return undefined;
    const raw = parsed.pathname.slice(prefix.length).split('/').slice(1);
    if (raw.at(-1) === '') raw.pop();
    const segments: string[] = [];
    for (const segment of raw) {
      let decoded: string;
      try {
        decoded = decodeURIComponent(segment);
      } catch {
        return undefined;
      }
      // An encoded `/`, `\`, NUL or dot segment would change which project or file is meant.
      if (decoded === '' || decoded === '.' || decoded === '..' || /[/\\\0]/.test(decoded)) return undefined;
      segments.push(decoded);
    }
    let project: string[];
    let kind: ScmLocation['kind'] = 'repo';
    let rest: string[] = [];
    const dash = segments.findIndex((segment, i) => segment === '-' && KINDS.has(segments[i + 1] ?? ''));
    const old = segments.findIndex((segment, i) => i >= 2 && KINDS.has(segment));
    if (dash >= 0) {
      project = segments.slice(0, dash);
      kind = segments[dash + 1] as ScmLocation['kind'];
      rest = segments.slice(dash + 2);
    } else if (old >= 0 && !segments.includes('-')) {
      project = segments.slice(0, old);
      kind = segments[old] as ScmLocation['kind'];
      rest = segments.slice(old + 1);
    } else if (!segments.includes('-')) {
      project = [...segments];
      if (project.length > 0) project[project.length - 1] = project.at(-1)!.replace(/\.git$/, '');
    } else {
      return undefined;
    }
    if (project.length < 2 || !project.every((segment) => SEGMENT.test(segment))) return undefined;
    if (kind !== 'repo' && rest.length === 0) return undefined;
    return {
      type: 'gitlab',
      host: options.host,
      owner: project.slice(0, -1).join('/'),
      repo: project.at(-1)!,
      ref: kind === 'repo' ? undefined : rest[0],
      path: rest.slice(1).join('/'),
      kind,
    };
  };

  const format: GitlabUrlGrammar['format'] = (location) => {
    const encode = (value: string) => value.split('/').filter(Boolean).map(encodeURIComponent).join('/');
    const project = `${base.origin}${prefix}/${encode(location.owner)}/${encodeURIComponent(location.repo)}`;
    if (location.kind === 'repo') return project;
    const tail = location.path ? `/${encode(location.path)}` : '';
    return `${project}/-/${location.kind}/${encode(location.ref ?? 'HEAD')}${tail}`;
  };

  return {
    parse,
    format,
    resolveUrl({ url, base: baseUrl, lineNumber }) {
      try {
        new URL(url);
        return url;
      } catch {
        // relative: resolved below
      }
      const from = parse(baseUrl);
      if (!from) throw new InputError(`${JSON.stringify(baseUrl.slice(0, 200))} is not a GitLab URL of ${options.host}`);
      let updated: URL;
      if (url.startsWith('/')) {
        updated = new URL(format({ ...from, kind: from.kind === 'repo' ? 'blob' : from.kind, ref: from.ref ?? 'HEAD', path: '' }));
        updated.pathname = `${updated.pathname}${url}`;
      } else {
        updated = new URL(url, baseUrl);
      }
      updated.search = new URL(baseUrl).search;
      if (lineNumber) updated.hash = `L${lineNumber}`;
      const to = parse(updated.toString());
      if (!to || to.owner !== from.owner || to.repo !== from.repo || to.ref !== (from.ref ?? 'HEAD')) {
        throw new InputError(`${JSON.stringify(url.slice(0, 200))} leaves the repository of ${baseUrl}`);
      }
      return updated.toString();
    },
    resolveEditUrl(url) {
      const location = parse(url);
      if (!location || location.kind === 'repo') return url;
      return format({ ...location, kind: 'edit' });
    },
  };
}
