// A process holding a PGlite data directory, for the lock tests. argv: dataDir, mode, go file.
// `hold`: opens the store, commits five locations (one transaction each), prints COMMITTED, waits.
// `race`: prints READY, spins until the go file exists, then opens the store and prints WON or
// LOST <message>, and waits (so a winner keeps holding the directory until it is killed).
import { existsSync } from 'node:fs';
import { pgliteStore } from '../../../packages/catalog/src/stores/pglite/index.js';

const [dataDir, mode, goFile] = process.argv.slice(2);
if (!dataDir || !mode) throw new Error('usage: pglite-worker <dataDir> <hold|race> [goFile]');
const waitForever = () => setInterval(() => {}, 60_000);

if (mode === 'hold') {
  const store = pgliteStore({ dataDir });
  for (let i = 0; i < 5; i++) {
    await store.transaction((tx) =>
      tx.putLocation({ id: `child-${i}`, type: 'url', target: `https://example.com/${i}.yaml`, createdAt: `2026-01-01T00:00:0${i}.000Z` }),
    );
  }
  process.stdout.write('COMMITTED\n');
  waitForever();
} else {
  process.stdout.write('READY\n');
  // Spin rather than wait on a timer, so the racers start within microseconds of each other.
  while (!existsSync(goFile!)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
  try {
    pgliteStore({ dataDir });
    process.stdout.write('WON\n');
  } catch (error) {
    process.stdout.write(`LOST ${(error as Error).name}: ${(error as Error).message}\n`);
  }
  waitForever();
}
