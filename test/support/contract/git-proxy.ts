import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';

/**
 * Forward a git smart-HTTP request (clone, fetch, push) to the real git server at `target`
 * (`http://127.0.0.1:<port>/<owner>/<repo>.git/info/refs?...`), streaming both bodies, so a
 * contract server serves its repositories at the host's own remote URLs.
 */
export function proxyGit(req: IncomingMessage, res: ServerResponse, target: string): void {
  const headers: Record<string, string> = {};
  for (const name of ['content-type', 'content-encoding', 'content-length', 'git-protocol', 'accept']) {
    const value = req.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  const upstream = httpRequest(target, { method: req.method, headers }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  req.pipe(upstream);
}
