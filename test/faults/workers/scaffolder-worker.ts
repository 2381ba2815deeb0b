// A scaffolder worker process for the fault tests: it serves the task queue of one PostgreSQL
// schema and blocks in `test:block` until it is killed. Run with tsx; argv: schema, workdir.
import path from 'node:path';
import { createAction, createScaffolder, postgresTaskStore } from '@portalkit/scaffolder';
import { pgUrl } from '../../support/postgres.js';

const [schema, workingDirectory] = process.argv.slice(2);
if (!schema || !workingDirectory) throw new Error('usage: scaffolder-worker <schema> <workingDirectory>');

const block = createAction({
  id: 'test:block',
  async handler(ctx) {
    ctx.logger.info('blocking until killed');
    process.stdout.write(`STARTED ${path.basename(ctx.workspacePath)}\n`);
    await new Promise(() => {});
  },
});
const noop = createAction({ id: 'test:noop', async handler() {} });

const worker = createScaffolder({
  actions: [block, noop],
  taskStore: postgresTaskStore({ connectionString: pgUrl, schema }),
  workingDirectory,
  leaseMs: 600,
  pollIntervalMs: 50,
});
await worker.start();
// The scheduler's timer is unref'd (it never keeps a host alive); this process exists to serve.
setInterval(() => {}, 1 << 30);
process.stdout.write('READY\n');
