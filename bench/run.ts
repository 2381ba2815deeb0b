/*
 * Runs every bench/*.bench.ts one after another in its own Node process (so one bench's JIT
 * state and heap don't skew the next), passing through arguments such as --quick.
 *
 *   pnpm bench [--quick]      or      npx tsx bench/run.ts [--quick] [--filter core]
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const args = process.argv.slice(2);
const filterIndex = args.indexOf('--filter');
const filter = filterIndex >= 0 ? args[filterIndex + 1] : undefined;
const passThrough = filterIndex >= 0 ? args.filter((_, i) => i !== filterIndex && i !== filterIndex + 1) : args;

const benches = readdirSync(dir)
  .filter((name) => name.endsWith('.bench.ts'))
  .filter((name) => !filter || name.includes(filter))
  .sort();

if (benches.length === 0) {
  console.error(filter ? `no bench matches "${filter}"` : 'no bench/*.bench.ts files');
  process.exit(1);
}

// The machine may be shared: the load average beside each bench says how far to trust it.
const load = () => loadavg().map((n) => n.toFixed(1)).join(' ');
console.log(`${cpus().length} cores, load average ${load()}`);

const failed: string[] = [];
for (const name of benches) {
  console.log(`\n=== ${name} ${passThrough.join(' ')}`.trimEnd());
  const started = performance.now();
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(dir, name), ...passThrough], {
    stdio: 'inherit',
    cwd: join(dir, '..'),
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    failed.push(name);
    console.error(`=== ${name} failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`}) after ${seconds}s`);
  } else {
    console.log(`=== ${name} done in ${seconds}s (load average ${load()})`);
  }
}

if (failed.length > 0) {
  console.error(`\n${failed.length} of ${benches.length} benches failed: ${failed.join(', ')}`);
  process.exit(1);
}
console.log(`\nall ${benches.length} benches passed`);
