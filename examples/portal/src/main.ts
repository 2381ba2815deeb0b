// `pnpm start`: the example portal with the ACME demo org on http://127.0.0.1:7007.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '@portalkit/core';
import { loadExampleConfig, type ExampleConfig } from './app-config.js';
import { DEMO_PASSWORD, oidcSettingsFromEnv } from './auth/index.js';
import { createExamplePortal } from './portal.js';

const port = Number(process.env.PORT ?? 7007);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, got ${JSON.stringify(process.env.PORT)}`);
  process.exit(1);
}

// PORTALKIT_OIDC_ISSUER (+ _CLIENT_ID, _AUDIENCE) points sign-in at a real IdP; without it the
// demo provider runs on PORTALKIT_OIDC_PORT (default PORT + 1).
let oidc: ReturnType<typeof oidcSettingsFromEnv>;
try {
  oidc = oidcSettingsFromEnv(process.env);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
const oidcPort = process.env.PORTALKIT_OIDC_PORT === undefined ? undefined : Number(process.env.PORTALKIT_OIDC_PORT);
if (oidcPort !== undefined && (!Number.isInteger(oidcPort) || oidcPort < 0 || oidcPort > 65535)) {
  console.error(`PORTALKIT_OIDC_PORT must be a port number, got ${JSON.stringify(process.env.PORTALKIT_OIDC_PORT)}`);
  process.exit(1);
}

// app-config.yaml (+ app-config.local.yaml) next to the example, or in PORTALKIT_CONFIG_DIR:
// `integrations` (Backstage's shape) and the local git host's port (`example.gitServer.port`).
let config: ExampleConfig;
try {
  config = await loadExampleConfig(process.env.PORTALKIT_CONFIG_DIR ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
const gitPort = config.example?.gitServer?.port;

const example = await createExamplePortal({
  port,
  // HOST=0.0.0.0 in a container, so the published port reaches it; default loopback only.
  ...(process.env.HOST ? { host: process.env.HOST } : {}),
  oidc,
  oidcPort,
  ...(config.integrations ? { integrations: config.integrations } : {}),
  ...(gitPort !== undefined ? { gitPort } : {}),
  stateDir: process.env.PORTALKIT_STATE_DIR,
  logger: createLogger({ level: process.env.LOG_LEVEL === 'debug' ? 'debug' : 'warn' }),
  onProgress: (message) => console.log(message),
});

try {
  const server = await example.listen();
  console.log(`portalkit example portal listening on ${server.url}`);
  console.log(`local git host: ${example.git.server.baseUrl} (templates publish to ${example.git.servicesUrl})`);
  const signIn = example.oidc();
  if (oidc) console.log(`sign-in: ${signIn?.issuer}`);
  else console.log(`sign-in: demo OpenID Connect provider at ${signIn?.issuer} (development only; every demo user's password is "${DEMO_PASSWORD}")`);
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
