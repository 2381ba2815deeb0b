// TEMPORARY: a stand-in ScmIntegration over the test git server's bare repositories, used only
// until int-git's createGitIntegration lands; replaced by the real one before merge.
import { execFile } from 'node:child_process';
import { posix } from 'node:path';
import { promisify } from 'node:util';
import { InputError, NotFoundError } from '@portalkit/core';
import { createTreeResponse, readTarArchive, type ScmIntegration, type ScmLocation } from '@portalkit/integrations';
import type { GitHttpServer } from './git-http-server.js';

const exec = promisify(execFile);

export function tempGitIntegration(server: GitHttpServer): ScmIntegration {
  const parseUrl = (url: string): ScmLocation | undefined => {
    if (!url.startsWith(`${server.baseUrl}/`)) return undefined;
    const rest = url.slice(server.baseUrl.length + 1);
    const m = rest.match(/^(.*?)([^/]+)\.git(?:\/(blob|tree)\/([^/]+)(?:\/(.*))?)?$/);
    if (!m) return undefined;
    return { type: 'git', host: server.host, owner: m[1]!.replace(/\/$/, ''), repo: m[2]!, ref: m[4], path: (m[5] ?? '').replace(/\/$/, ''), kind: (m[3] as 'blob' | 'tree') ?? 'repo' };
  };
  const name = (l: ScmLocation) => (l.owner ? `${l.owner}/${l.repo}` : l.repo);
  const must = (url: string) => {
    const l = parseUrl(url);
    if (!l) throw new InputError(`not a git URL: ${url}`);
    return l;
  };
  const format = (l: ScmLocation, kind: 'blob' | 'tree', path: string) => `${server.baseUrl}/${name(l)}.git/${kind}/${l.ref ?? 'main'}/${path}`;
  const show = async (l: ScmLocation, path: string) => {
    try {
      return Buffer.from(await server.git(name(l), ['show', `${l.ref ?? 'main'}:${path}`]));
    } catch {
      throw new NotFoundError(`${path} not found`);
    }
  };
  const listFiles = async (l: ScmLocation) => (await server.git(name(l), ['ls-tree', '-r', '--name-only', l.ref ?? 'main'])).split('\n').filter(Boolean);
  return {
    type: 'git',
    host: server.host,
    title: `git (${server.host})`,
    parseUrl,
    resolveUrl({ url, base }) {
      if (/^[a-z]+:\/\//i.test(url)) return url;
      const l = must(base);
      const dir = l.kind === 'tree' ? l.path : posix.dirname(l.path);
      const joined = url.startsWith('/') ? posix.normalize(url.slice(1)) : posix.normalize(posix.join(dir, url));
      if (joined === '..' || joined.startsWith('../')) throw new InputError(`${url} leaves the repository`);
      const resolved = joined === '.' || joined === './' ? '' : url.endsWith('/') && !joined.endsWith('/') ? `${joined}/` : joined;
      const isDir = resolved === '' || resolved.endsWith('/');
      return format(l, isDir ? 'tree' : 'blob', resolved);
    },
    resolveEditUrl: (url) => url,
    reader: {
      canRead: (url) => parseUrl(url) !== undefined,
      async read(url) {
        const l = must(url);
        const buffer = await show(l, l.path);
        return { buffer, etag: String(buffer.length) };
      },
      async readTree(url) {
        const l = must(url);
        const dir = `${server.root}/${name(l)}.git`;
        const { stdout } = await exec('git', ['--git-dir', dir, 'archive', '--format=tar', l.ref ?? 'main'], { encoding: 'buffer', maxBuffer: 64 << 20 });
        const files = await readTarArchive(stdout, { what: url, ...(l.path ? { subpath: l.path } : {}) });
        return createTreeResponse(files, await server.git(name(l), ['rev-parse', l.ref ?? 'main']));
      },
      async search(url) {
        const l = must(url);
        const files = (await listFiles(l)).filter((f) => globRegExp(l.path).test(f));
        return { etag: files.join(','), files: files.map((f) => ({ url: format(l, 'blob', f), content: () => show(l, f) })) };
      },
    },
  };
}

function globRegExp(glob: string): RegExp {
  const re = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*\//g, '\u0000').replace(/\*/g, '[^/]*').replace(/\u0000/g, '(?:.*/)?');
  return new RegExp(`^${re}$`);
}
