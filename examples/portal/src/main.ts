// `pnpm start`: the example portal with the ACME demo org on http://127.0.0.1:7007.
import { createLogger } from '@portalkit/core';
import { createExamplePortal } from './portal.js';

const port = Number(process.env.PORT ?? 7007);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, got ${JSON.stringify(process.env.PORT)}`);
  process.exit(1);
}

const example = await createExamplePortal({
  port,
  stateDir: process.env.PORTALKIT_STATE_DIR,
  logger: createLogger({ level: process.env.LOG_LEVEL === 'debug' ? 'debug' : 'warn' }),
  onProgress: (message) => console.log(message),
});

try {
  const server = await example.listen();
  console.log(`portalkit example portal listening on ${server.url}`);
} catch (error) {
  console.error('portalkit example portal failed to start:', error instanceof Error ? error.message : error);
  await example.stop();
  process.exit(1);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void example.stop().finally(() => process.exit(0));
  });
}
