import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import * as scaffolderPackage from '@portalkit/scaffolder';
import { createAction, parseTemplate, type ScaffolderAction } from '@portalkit/scaffolder';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

// Hole #1 of issue 16: content a template writes into its workspace must never change how git
// behaves when publish:git runs (config, hooks, filters, a `gitdir:` redirection, the remote).

const run = promisify(execFile);
const cleanGitEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
const git = (args: string[]) => run('git', args, { env: cleanGitEnv });

let base: string;
let templateDir: string;
let workingDirectory: string;
let remotes: string;
let otherRepo: string;
let markers: string;
let counter = 0;

/** Every file of a directory with a hash of its contents, to prove a host repository is untouched. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (current: string, prefix: string): Promise<void> => {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const relative = `${prefix}${entry.name}`;
      if (entry.isDirectory()) await walk(path.join(current, entry.name), `${relative}/`);
      else out[relative] = createHash('sha256').update(await readFile(path.join(current, entry.name))).digest('hex');
    }
  };
  await walk(dir, '');
  return out;
}

async function put(relative: string, content: string, mode?: number): Promise<void> {
  const file = path.join(templateDir, relative);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content);
  if (mode) await chmod(file, mode);
}

beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'pk-sec-git-'));
  templateDir = path.join(base, 'template');
  workingDirectory = path.join(base, 'work');
  remotes = path.join(base, 'remotes');
  markers = path.join(base, 'markers');
  otherRepo = path.join(base, 'host-repo');
  await mkdir(markers);
  await mkdir(remotes);

  // A repository of the host's that a `gitdir:` file would redirect git into.
  await git(['init', '--quiet', '--initial-branch=main', otherRepo]);
  await writeFile(path.join(otherRepo, 'host.txt'), 'host content');
  await git(['-C', otherRepo, 'add', 'host.txt']);
  await git(['-C', otherRepo, '-c', 'user.name=h', '-c', 'user.email=h@h', 'commit', '--quiet', '-m', 'host']);

  // Skeleton whose directory name is templated: `${{ values.name }}` = `.git`.
  await put('named/README.md', 'hello');
  await put('named/.gitattributes', '* filter=x\n');
  await put('named/${{ values.name }}/config', '${{ values.config }}');
  await put('named/${{ values.name }}/hooks/pre-commit', '#!/bin/sh\n${{ values.hook }}\n', 0o755);
  await put('named/${{ values.name }}/hooks/post-commit', '#!/bin/sh\n${{ values.hook }}\n', 0o755);
  await put('named/evil-hooks/pre-commit', '#!/bin/sh\n${{ values.hook }}\n', 0o755);
  // A `.git` file redirecting git to another repository on the host.
  await put('gitfile/README.md', 'hello');
  await put('gitfile/${{ values.name }}', 'gitdir: ${{ values.gitdir }}\n');
  // An innocent-looking directory later renamed to `.git`.
  await put('renamed/README.md', 'hello');
  await put('renamed/dotgit/config', '${{ values.config }}');
  // A plain directory carrying a `.git` of its own (fetch:plain copies it as it is).
  await put('plain/README.md', 'hello');
  await put('plain/.git/config', '[core]\n\tfsmonitor = "touch /nonexistent"\n');
  // A bare repository with a hook, written into the workspace, then used as the remote.
  await put('bare/evil.git/HEAD', 'ref: refs/heads/main\n');
  await put('bare/evil.git/config', '[core]\n\trepositoryformatversion = 0\n\tbare = true\n');
  await put('bare/evil.git/hooks/pre-receive', '#!/bin/sh\n${{ values.hook }}\ncat >/dev/null\n', 0o755);
  await mkdir(path.join(templateDir, 'bare/evil.git/objects'), { recursive: true });
  await mkdir(path.join(templateDir, 'bare/evil.git/refs/heads'), { recursive: true });
  // What a normal template publishes.
  await put('normal/README.md', 'hello ${{ values.name }}');
  await put('normal/.gitattributes', '* filter=x diff=x merge=x\n');
  await put('normal/.gitmodules', '[submodule "lib"]\n\tpath = lib\n\turl = ../lib.git\n');
});
afterAll(() => rm(base, { recursive: true, force: true }));

const template = (steps: unknown[]) =>
  parseTemplate({
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: { name: 'sec-git' },
    // The output reads the publish step only when there is one (the template check refuses a reference to a missing step).
    spec: { parameters: [], steps, output: (steps as Array<{ id?: string }>).some((s) => s.id === 'publish') ? { commit: '${{ steps.publish.output.commitHash }}' } : {} },
  });

async function runTemplate(steps: unknown[], extraActions: ScaffolderAction[] = [], pkg: typeof scaffolderPackage = scaffolderPackage) {
  const { builtinActions, createScaffolder } = pkg;
  const scaffolder = createScaffolder({ actions: [...builtinActions({ gitRemoteRoots: [remotes, workingDirectory] }), ...extraActions], workingDirectory });
  const task = await scaffolder.run(template(steps), { baseUrl: `${pathToFileURL(templateDir).toString()}/` });
  return task.result;
}

/** A fresh marker path and the shell command that creates it. */
function marker(): { file: string; command: string } {
  const file = path.join(markers, `pwned-${++counter}`);
  return { file, command: `touch ${file}` };
}

const publish = (remote = path.join(remotes, `r${++counter}.git`)) => ({ id: 'publish', action: 'publish:git', input: { remoteUrl: remote } });

describe('publish:git ignores everything git could take from the workspace', () => {
  const configs: Array<[string, (command: string) => string]> = [
    ['core.fsmonitor', (c) => `[core]\n\tfsmonitor = "${c}; false"\n`],
    ['hooks/pre-commit and post-commit', () => '[core]\n\trepositoryformatversion = 0\n'],
    ['core.hooksPath into the workspace', () => '[core]\n\thooksPath = evil-hooks\n'],
    ['core.sshCommand with url.insteadOf', (c) => `[core]\n\tsshCommand = "${c}; false"\n[url "ssh://localhost/"]\n\tinsteadOf = file://\n`],
    ['a clean filter for .gitattributes', (c) => `[filter "x"]\n\tclean = "${c}; cat"\n\trequired = true\n`],
  ];

  it.each(configs)('a .git directory from fetch:template with a templated name (%s) is refused and never run', async (_name, config) => {
    const { file, command } = marker();
    const result = await runTemplate([
      { id: 'fetch', action: 'fetch:template', input: { url: './named', values: { name: '.git', config: config(command), hook: command } } },
      publish(),
    ]);
    expect(existsSync(file)).toBe(false);
    expect(result.status).toBe('failed');
    expect(result.error?.name).toBe('NotAllowedError');
    expect(result.error?.message).toContain('.git');
  });

  it('a .git file with gitdir: pointing at a host repository is refused; that repository is untouched', async () => {
    const before = await snapshot(otherRepo);
    const result = await runTemplate([
      { id: 'fetch', action: 'fetch:template', input: { url: './gitfile', values: { name: '.git', gitdir: path.join(otherRepo, '.git') } } },
      publish(),
    ]);
    expect(await snapshot(otherRepo)).toEqual(before);
    expect(result.status).toBe('failed');
    expect(result.error?.name).toBe('NotAllowedError');
  });

  it.each(['.git', '.GIT', '.Git. ', 'sub/.git', 'git~1'])('fs:rename to %s is refused', async (to) => {
    const { file, command } = marker();
    const result = await runTemplate([
      { id: 'fetch', action: 'fetch:template', input: { url: './renamed', values: { config: `[core]\n\tfsmonitor = "${command}; false"\n` } } },
      { id: 'rename', action: 'fs:rename', input: { files: [{ from: 'dotgit', to }] } },
      publish(),
    ]);
    expect(existsSync(file)).toBe(false);
    expect(result.status).toBe('failed');
    expect(result.error?.name).toBe('NotAllowedError');
    expect(result.error?.message).toContain(to.trim());
  });

  it.each([
    ['fetch:plain of a directory holding .git', { id: 'plain', action: 'fetch:plain', input: { url: './plain' } }],
    ['fetch:plain into targetPath .git', { id: 'plain', action: 'fetch:plain', input: { url: './renamed', targetPath: '.git' } }],
    ['fetch:template into targetPath sub/.git', { id: 'fetch', action: 'fetch:template', input: { url: './renamed', targetPath: 'sub/.git', values: { config: '' } } }],
    ['fetch:plain:file to .git/config', { id: 'file', action: 'fetch:plain:file', input: { url: './renamed/dotgit/config', targetPath: '.git/config' } }],
    ['catalog:write to .git/config', { id: 'write', action: 'catalog:write', input: { filePath: '.git/config', entity: { core: { fsmonitor: 'x' } } } }],
  ])('%s is refused before anything is written', async (_name, step) => {
    const seen: string[] = [];
    const list = createAction({
      id: 'test:list',
      async handler(ctx) {
        seen.push(...(await readdir(ctx.workspacePath, { recursive: true })));
      },
    });
    const result = await runTemplate([step, { id: 'list', action: 'test:list' }], [list]);
    expect(result.status).toBe('failed');
    expect(result.error?.name).toBe('NotAllowedError');
    expect(seen).toEqual([]);
  });

  it.each([
    ['.git/config', (c: string) => `[core]\n\tfsmonitor = "${c}; false"\n`],
    ['.GIT/config', (c: string) => `[core]\n\tfsmonitor = "${c}; false"\n`],
    ['sub/.git', () => ''],
    ['.git', () => ''],
  ])('a custom action that writes %s directly is caught by publish:git before git runs', async (relative, content) => {
    const { file, command } = marker();
    const before = await snapshot(otherRepo);
    const writer = createAction({
      id: 'test:write-git',
      async handler(ctx) {
        const target = path.join(ctx.workspacePath, relative);
        await mkdir(path.dirname(target), { recursive: true });
        await writeFile(path.join(ctx.workspacePath, 'README.md'), 'hello');
        await writeFile(target, content(command) || `gitdir: ${path.join(otherRepo, '.git')}\n`);
      },
    });
    const result = await runTemplate([{ id: 'write', action: 'test:write-git' }, publish()], [writer]);
    expect(existsSync(file)).toBe(false);
    expect(await snapshot(otherRepo)).toEqual(before);
    expect(result.status).toBe('failed');
    expect(result.error?.name).toBe('NotAllowedError');
    expect(result.error?.message).toContain(relative.replace(/\/config$/, ''));
  });

  it('refuses a remote inside the workspace (a template-made bare repository with hooks)', async () => {
    const { file, command } = marker();
    const result = await runTemplate([
      { id: 'fetch', action: 'fetch:template', input: { url: './bare', values: { hook: command } } },
      { id: 'publish', action: 'publish:git', input: { remoteUrl: `${workingDirectory}/\${{ context.task.id }}/evil.git` } },
    ]);
    expect(existsSync(file)).toBe(false);
    expect(result.status).toBe('failed');
    expect(result.error?.name).toBe('NotAllowedError');
  });

  it("refuses a remote elsewhere in the scaffolder's working directory (another task's workspace)", async () => {
    const { file, command } = marker();
    const evil = path.join(workingDirectory, 'another-task', 'evil.git');
    await git(['init', '--quiet', '--bare', '--initial-branch=main', evil]);
    await writeFile(path.join(evil, 'hooks', 'pre-receive'), `#!/bin/sh\n${command}\ncat >/dev/null\n`);
    await chmod(path.join(evil, 'hooks', 'pre-receive'), 0o755);
    const result = await runTemplate([{ id: 'fetch', action: 'fetch:template', input: { url: './normal', values: { name: 'x' } } }, publish(evil)]);
    await rm(path.join(workingDirectory, 'another-task'), { recursive: true, force: true });
    expect(existsSync(file)).toBe(false);
    expect(result.status).toBe('failed');
    expect(result.error?.name).toBe('NotAllowedError');
  });

  it.each(['-uhelp', '--upload-pack=touch', 'ext::sh -c touch% /tmp/x', 'fd::3', 'ssh://localhost/x.git'])('refuses the remote %s', async (remoteUrl) => {
    const result = await runTemplate([{ id: 'publish', action: 'publish:git', input: { remoteUrl } }]);
    expect(result.status).toBe('failed');
    expect(result.error?.name).toMatch(/InputError|NotAllowedError/);
  });
});

describe('publish:git runs git with a fixed environment', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  it('GIT_DIR, GIT_WORK_TREE and GIT_CONFIG_* of the host process do not leak in', async () => {
    const { file, command } = marker();
    const before = await snapshot(otherRepo);
    process.env.GIT_DIR = path.join(otherRepo, '.git');
    process.env.GIT_WORK_TREE = otherRepo;
    process.env.GIT_CONFIG_PARAMETERS = `'core.fsmonitor'='${command}; false'`;
    process.env.GIT_CONFIG_COUNT = '1';
    process.env.GIT_CONFIG_KEY_0 = 'core.hooksPath';
    process.env.GIT_CONFIG_VALUE_0 = path.join(markers, 'no-such-hooks');
    // Loaded again now, so even code that reads the environment when it loads sees these.
    vi.resetModules();
    const fresh = (await import('@portalkit/scaffolder')) as typeof scaffolderPackage;
    const remote = path.join(remotes, 'env.git');
    const result = await runTemplate([{ id: 'fetch', action: 'fetch:template', input: { url: './normal', values: { name: 'env' } } }, publish(remote)], [], fresh);
    for (const key of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_CONFIG_PARAMETERS', 'GIT_CONFIG_COUNT', 'GIT_CONFIG_KEY_0', 'GIT_CONFIG_VALUE_0']) delete process.env[key];
    expect(result.status, JSON.stringify(result.error)).toBe('completed');
    expect(existsSync(file)).toBe(false);
    expect(await snapshot(otherRepo)).toEqual(before);
    const { stdout } = await git(['--git-dir', remote, 'show', 'main:README.md']);
    expect(stdout).toBe('hello env');
  });

  it('a normal template still publishes, with .gitattributes and .gitmodules kept as plain content', async () => {
    const remote = path.join(remotes, 'normal.git');
    const result = await runTemplate([{ id: 'fetch', action: 'fetch:template', input: { url: './normal', values: { name: 'svc' } } }, publish(pathToFileURL(remote).toString())]);
    expect(result.status, JSON.stringify(result.error)).toBe('completed');
    const { stdout: files } = await git(['--git-dir', remote, 'ls-tree', '-r', '--name-only', 'main']);
    expect(files.trim().split('\n').sort()).toEqual(['.gitattributes', '.gitmodules', 'README.md']);
    expect((await git(['--git-dir', remote, 'show', 'main:README.md'])).stdout).toBe('hello svc');
    expect((await git(['--git-dir', remote, 'rev-parse', 'main'])).stdout.trim()).toBe(result.output?.commit);
  });
});
