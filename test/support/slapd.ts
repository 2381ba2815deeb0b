import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** Where Debian installs slapd; `scripts/ensure-slapd.sh` (run by the test command) installs it. */
export const SLAPD = '/usr/sbin/slapd';

/** Why LDAP tests skip here, or `undefined` when slapd can run. */
export const slapdSkipReason = existsSync(SLAPD)
  ? undefined
  : 'slapd is not installed (scripts/ensure-slapd.sh installs Debian slapd where apt is available)';

/** A real OpenLDAP server for one test file. */
export interface Slapd {
  url: string;
  suffix: string;
  rootDn: string;
  rootPassword: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Start Debian's slapd on 127.0.0.1 with an empty `dc=example,dc=org` (mdb backend, the
 * standard schemas) and a root DN that may write; resolves once it accepts connections.
 * @example
 * ```ts
 * const ldap = await startSlapd();
 * // ... ldapts Client({ url: ldap.url }).bind(ldap.rootDn, ldap.rootPassword)
 * await ldap.stop();
 * ```
 */
export async function startSlapd(): Promise<Slapd> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'portalkit-slapd-'));
  await mkdir(path.join(dir, 'data'));
  const suffix = 'dc=example,dc=org';
  const rootDn = `cn=admin,${suffix}`;
  const rootPassword = 'slapd-test-secret';
  const conf = [
    ...['core', 'cosine', 'inetorgperson', 'nis'].map((schema) => `include /etc/ldap/schema/${schema}.schema`),
    `pidfile ${dir}/slapd.pid`,
    'modulepath /usr/lib/ldap',
    'moduleload back_mdb',
    'database mdb',
    `suffix "${suffix}"`,
    `rootdn "${rootDn}"`,
    `rootpw ${rootPassword}`,
    `directory ${dir}/data`,
    'maxsize 10485760',
    '',
  ].join('\n');
  await writeFile(path.join(dir, 'slapd.conf'), conf);
  const port = await freePort();
  const url = `ldap://127.0.0.1:${port}`;
  // `-d 0` keeps slapd in the foreground, so it dies with the test rather than outliving it.
  const child: ChildProcess = spawn(SLAPD, ['-f', path.join(dir, 'slapd.conf'), '-h', `${url}/`, '-d', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`slapd exited (${child.exitCode}): ${stderr}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) break;
    if (Date.now() > deadline) throw new Error(`slapd did not start: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    suffix,
    rootDn,
    rootPassword,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once('exit', resolve)));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
