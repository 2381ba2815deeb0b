#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { runCli } from './cli.js';

// From src/ (tsx) and from dist/ alike, the package.json is one level up.
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

// `portalkit validate ... | head` closes the pipe early: stop quietly instead of crashing.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const io = { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env };
// exitCode rather than exit(): pending writes to a piped stdout are flushed first.
void runCli(process.argv.slice(2), io, { version }).then((code) => {
  process.exitCode = code;
});
