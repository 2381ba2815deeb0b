// Serve the Hono app with node:http through portalkit's `toNodeHandler` (no Hono adapter needed).
import { createServer } from 'node:http';
import { toNodeHandler } from '@portalkit/core';
import { createApp } from './app.js';

const port = Number(process.env.PORT ?? 7007);
const { app } = await createApp({ ...(process.env.ADMIN_TOKEN ? { adminToken: process.env.ADMIN_TOKEN } : {}) });
createServer(toNodeHandler(async (request) => app.fetch(request))).listen(port, '127.0.0.1', () => {
  console.log(`catalog API at http://127.0.0.1:${port}/api/catalog/entities`);
});
