import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? 7007);
createServer((_req, res) => {
  res.setHeader('content-type', 'text/html; charset=utf-8');
  res.end('<!doctype html><title>portalkit</title><h1>portalkit</h1>');
}).listen(port, '127.0.0.1', () => {
  console.log(`portalkit example portal listening on http://127.0.0.1:${port}`);
});
