import { createPublicKey, randomBytes, type KeyObject, verify } from 'node:crypto';
import type { ContractAccount, ContractInstallation, ContractRepo } from './json.js';
import { ContractHttpError, type Principal } from './router.js';

/** A GitHub App known to the server: its id and the public half of its private key. */
export interface ContractApp {
  appId: number;
  publicKey: KeyObject;
}

/**
 * Credentials the contract server accepts: personal access tokens, apps (RS256 JWTs verified
 * with the app's public key, as GitHub does) and installation tokens it issued.
 */
export function createAuthority(options: { tokenTtlMs: number }) {
  const tokens = new Map<string, string>();
  const installationTokens = new Map<string, { installation: ContractInstallation; expiresAt: number }>();
  const apps = new Map<number, ContractApp>();
  const installations: ContractInstallation[] = [];

  const verifyJwt = (jwt: string): Principal => {
    const [header, payload, signature] = jwt.split('.');
    let claims: { iss?: string | number; iat?: number; exp?: number };
    let alg: string | undefined;
    try {
      alg = (JSON.parse(Buffer.from(header!, 'base64url').toString()) as { alg?: string }).alg;
      claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    } catch {
      throw new ContractHttpError(401, 'A JSON web token could not be decoded');
    }
    const app = apps.get(Number(claims.iss));
    if (!app || alg !== 'RS256') throw new ContractHttpError(401, `'Issuer' claim ('iss') must be an Integer`);
    const valid = verify('sha256', Buffer.from(`${header}.${payload}`), app.publicKey, Buffer.from(signature ?? '', 'base64url'));
    if (!valid) throw new ContractHttpError(401, 'A JSON web token could not be decoded');
    const now = Math.floor(Date.now() / 1000);
    if (!claims.exp || claims.exp < now || claims.exp - (claims.iat ?? now) > 600 || (claims.iat ?? 0) > now + 60) {
      throw new ContractHttpError(401, "'Expiration time' claim ('exp') is too far in the future or expired");
    }
    return { kind: 'app', appId: app.appId };
  };

  return {
    tokens,
    installations,
    addToken(token: string, login: string) {
      tokens.set(token, login);
    },
    addApp(appId: number, publicKey: KeyObject | string) {
      apps.set(appId, { appId, publicKey: typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey });
    },
    addInstallation(appId: number, account: ContractAccount): ContractInstallation {
      const installation = { id: 1000 + installations.length + 1, appId, account, createdAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z') };
      installations.push(installation);
      return installation;
    },
    issueInstallationToken(installation: ContractInstallation): { token: string; expiresAt: Date } {
      const token = `ghs_${randomBytes(18).toString('hex')}`;
      const expiresAt = Date.now() + options.tokenTtlMs;
      installationTokens.set(token, { installation, expiresAt });
      return { token, expiresAt: new Date(expiresAt) };
    },
    /** The principal of an `Authorization` header; a bad credential is a 401. */
    authenticate(authorization: string | undefined): Principal | undefined {
      if (!authorization) return undefined;
      const [scheme = '', value = ''] = authorization.split(/\s+/, 2);
      let secret = value;
      if (/^basic$/i.test(scheme)) {
        const decoded = Buffer.from(value, 'base64').toString();
        secret = decoded.slice(decoded.indexOf(':') + 1);
      } else if (!/^(token|bearer)$/i.test(scheme)) throw new ContractHttpError(401, 'Bad credentials');
      if (/^bearer$/i.test(scheme) && secret.split('.').length === 3) return verifyJwt(secret);
      const login = tokens.get(secret);
      if (login) return { kind: 'token', token: secret, login };
      const issued = installationTokens.get(secret);
      if (issued && issued.expiresAt > Date.now()) return { kind: 'installation', token: secret, installation: issued.installation };
      throw new ContractHttpError(401, 'Bad credentials');
    },
  };
}

/** Whether `principal` may read `repo`: anyone a public one; a token any; an installation its account's. */
export function canRead(principal: Principal | undefined, repo: ContractRepo): boolean {
  if (!repo.private) return true;
  return canWrite(principal, repo);
}

/** Whether `principal` may push to or change `repo`. */
export function canWrite(principal: Principal | undefined, repo: ContractRepo): boolean {
  if (!principal) return false;
  if (principal.kind === 'token') return true;
  if (principal.kind === 'installation') return principal.installation.account.login.toLowerCase() === repo.owner.login.toLowerCase();
  return false;
}
