import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import type { CliIo, CliStream } from './command.js';
import { runCli } from './cli.js';

/** The repository root and the fixture folders the command tests read. */
export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
export const catalogFixtures = path.join(repoRoot, 'packages/catalog/fixtures');
export const techdocsFixtures = path.join(repoRoot, 'packages/techdocs/fixtures');
export const scaffolderFixtures = path.join(repoRoot, 'packages/scaffolder/fixtures');

/** A stream that keeps what was written. */
export function captureStream(options: { isTTY?: boolean; columns?: number } = {}): CliStream & { text(): string } {
  const chunks: string[] = [];
  return { ...options, write: (text: string) => chunks.push(text), text: () => chunks.join('') };
}

/** Run `portalkit <argv>` in-process in `cwd`; resolves to the exit code and both outputs. */
export async function cli(argv: string[], cwd: string, options: { env?: Record<string, string | undefined>; tty?: boolean } = {}) {
  const stdout = captureStream();
  const stderr = captureStream(options.tty ? { isTTY: true, columns: 120 } : {});
  const io: CliIo = { stdout, stderr, cwd, env: options.env ?? {} };
  const code = await runCli(argv, io, { version: '0.0.0-test' });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

const temps: string[] = [];
afterEach(async () => {
  await Promise.all(temps.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A fresh temporary directory, removed after the test. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'portalkit-cli-'));
  temps.push(dir);
  return dir;
}
