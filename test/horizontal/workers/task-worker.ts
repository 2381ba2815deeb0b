// A scaffolder worker process for the horizontal tests and bench: it serves the task queue of
// one PostgreSQL schema; its one action works for `ms` milliseconds (half waiting, half
// computing, like an action that calls a host and renders files) and prints what it ran, when.
// Run with tsx; argv: connectionString, schema, workdir, worker name.
import { createAction, createScaffolder, postgresTaskStore } from '@portalkit/scaffolder';

const [connectionString, schema, workingDirectory, name] = process.argv.slice(2);
if (!connectionString || !schema || !workingDirectory || !name) throw new Error('usage: task-worker <url> <schema> <workdir> <name>');

const now = () => performance.timeOrigin + performance.now();
const work = createAction({
  id: 'test:work',
  async handler(ctx) {
    const start = now();
    const ms = Number((ctx.input as { ms?: number }).ms ?? 20);
    await new Promise((r) => setTimeout(r, ms / 2));
    const until = now() + ms / 2;
    while (now() < until);
    process.stdout.write(`RAN ${JSON.stringify({ task: ctx.task.id, worker: name, start, end: now() })}\n`);
  },
});

const worker = createScaffolder({
  actions: [work],
  taskStore: postgresTaskStore({ connectionString, schema }),
  workingDirectory,
  leaseMs: 5000,
  pollIntervalMs: 20,
});
await worker.start();
// The scheduler's timer is unref'd (it never keeps a host alive); this process exists to serve.
setInterval(() => {}, 1 << 30);
process.stdout.write('READY\n');
