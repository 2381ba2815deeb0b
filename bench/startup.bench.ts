/*
 * Start-up of the README's first command on an installed checkout: from running it to the example
 * portal answering 200 on `/` and on `/api/catalog/entities`. The baseline is the command as it
 * was, which rebuilt every package (ESM, CJS and type declarations) before starting the portal.
 * Rounds alternate the commands, so a change in the machine's load hits all of them:
 *
 *   before  pnpm install && pnpm build && tsx examples/portal/src/main.ts   (the old `pnpm start`)
 *   start   pnpm install && pnpm start                                       (the README's command)
 *   tsx     tsx --tsconfig tsconfig.json examples/portal/src/main.ts         (the portal alone)
 *
 * `tsx` splits pnpm's own start-up and the install check from the portal's. For each command it
 * also reports when the portal printed its progress lines (`ingested`, `built docs`, `listening`),
 * so time to listen and time to first 200 can be told apart. Each run gets a fresh state folder
 * (as on a fresh clone) and a free port on 127.0.0.1; its process group is killed afterwards.
 *
 *   npx tsx bench/startup.bench.ts [--quick] [--rounds <n>] [--no-baseline]   (3 rounds; --quick 1)
 * The baseline rewrites every package's dist/.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const roundsArg = args.indexOf('--rounds');
const rounds = roundsArg >= 0 ? Number(args[roundsArg + 1]) : args.includes('--quick') ? 1 : 3;
if (!Number.isInteger(rounds) || rounds < 1 || rounds > 20) throw new Error('--rounds must be an integer from 1 to 20');
const GOAL_MS = 15_000;
const TIMEOUT_MS = 300_000;

const pnpm = 'npx -y pnpm@10.34.9';
const commands = {
  // `pnpm exec sh -c` gives the old script the PATH `pnpm start` gave it (node_modules/.bin, pnpm).
  before: `${pnpm} install && ${pnpm} exec sh -c 'pnpm build && tsx examples/portal/src/main.ts'`,
  start: `${pnpm} install && ${pnpm} start`,
  tsx: 'node_modules/.bin/tsx --tsconfig tsconfig.json examples/portal/src/main.ts',
};
type Name = keyof typeof commands;
const names: Name[] = args.includes('--no-baseline') ? ['start', 'tsx'] : ['before', 'start', 'tsx'];

interface Timing {
  firstOk: number;
  ingested?: number;
  docs?: number;
  listening?: number;
}

const markers: Array<[keyof Omit<Timing, 'firstOk'>, RegExp]> = [
  ['ingested', /^ingested \d+ entities/m],
  ['docs', /^built docs for/m],
  ['listening', /listening on http/],
];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

/** Runs one command until both URLs answer 200, then kills its process group. */
async function measure(name: Name): Promise<Timing> {
  const port = await freePort();
  const stateDir = mkdtempSync(join(tmpdir(), 'portalkit-startup-'));
  const started = performance.now();
  const child = spawn('bash', ['-c', commands[name]], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PORT: String(port), PORTALKIT_STATE_DIR: stateDir },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  const seen: Omit<Timing, 'firstOk'> = {};
  const onData = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
    for (const [key, pattern] of markers) if (seen[key] === undefined && pattern.test(output)) seen[key] = performance.now() - started;
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  let done = false;
  void exited.then(() => (done = true));
  try {
    const base = `http://127.0.0.1:${port}`;
    while (performance.now() - started < TIMEOUT_MS && !done) {
      if ((await answers(`${base}/`)) && (await answers(`${base}/api/catalog/entities`))) {
        return { ...seen, firstOk: performance.now() - started };
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${name}: no 200 ${done ? 'before the command exited' : `within ${TIMEOUT_MS / 1000} s`}:\n${output.slice(-2_000)}`);
  } finally {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
    const killer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 5_000);
    await exited;
    // The shell exits first; wait for the server itself to let go of the port.
    while ((await answers(`http://127.0.0.1:${port}/`)) && performance.now() - started < TIMEOUT_MS + 10_000) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    clearTimeout(killer);
    rmSync(stateDir, { recursive: true, force: true });
  }
}

const seconds = (ms: number | undefined) => (ms === undefined ? '-' : `${(ms / 1000).toFixed(2)} s`);
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const load = () => loadavg()[0]!.toFixed(1);

console.log(`README first command, time to first 200 on / and /api/catalog/entities; ${rounds} round(s) of ${names.join(', ')}`);
console.log('round  command  first 200   ingested   built docs  listening  load');
const results = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<Name, number[]>;
for (let round = 1; round <= rounds; round += 1) {
  for (const name of names) {
    const timing = await measure(name);
    results[name].push(timing.firstOk);
    console.log(
      `${String(round).padEnd(6)} ${name.padEnd(8)} ${seconds(timing.firstOk).padEnd(11)} ${seconds(timing.ingested).padEnd(10)} ${seconds(timing.docs).padEnd(11)} ${seconds(timing.listening).padEnd(10)} ${load()}`,
    );
  }
}

console.log('\nmedian time to first 200');
for (const name of names) console.log(`  ${name.padEnd(8)} ${seconds(median(results[name]))}`);
const start = median(results.start);
if (names.includes('before')) console.log(`  start is ${(median(results.before) / start).toFixed(1)}x faster than before`);
console.log(`goal: first command answers in < ${GOAL_MS / 1000} s: ${start < GOAL_MS ? 'met' : 'missed'} (${seconds(start)})`);
