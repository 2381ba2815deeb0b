import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/rest';
import type { GithubAppConfig } from '../config.js';
import { githubError } from './errors.js';

/** An installation token and when it expires. */
export interface InstallationToken {
  token: string;
  expiresAt: Date;
}

/**
 * One configured GitHub App: finds its installation for an owner and mints installation tokens.
 * @example
 * ```ts
 * declare const app: GithubApp;
 * const credentials = await app.tokenFor('acme'); // undefined when not installed there
 * ```
 */
export interface GithubApp {
  appId: string;
  /** An installation token for `owner`, or `undefined` when the app may not or is not installed there. */
  tokenFor(owner: string): Promise<InstallationToken | undefined>;
}

// A token is reused until this long before it expires, so a read never starts with a token
// that lapses midway (GitHub's tokens live one hour).
const REFRESH_MARGIN_MS = 10 * 60_000;
// A missing installation is looked up again at most this often (an app can be installed later).
const INSTALLATIONS_TTL_MS = 60_000;

/**
 * A {@link GithubApp} over `@octokit/auth-app`: the installation list is read with the app's
 * JWT (paginated) and cached; installations of owners not in `allowedInstallationOwners`
 * and suspended ones are never used; tokens are cached per installation until shortly before
 * they expire, and concurrent requests share one mint.
 * @example
 * ```ts
 * const app = createGithubApp({ app: { appId: 1, privateKey: pem }, apiBaseUrl: 'https://api.github.com', fetch });
 * ```
 */
export function createGithubApp(options: { app: GithubAppConfig; apiBaseUrl: string; fetch: typeof fetch }): GithubApp {
  const { app } = options;
  const appId = String(app.appId);
  const allowed = app.allowedInstallationOwners?.map((owner) => owner.toLowerCase());
  const quiet = { debug() {}, info() {}, warn() {}, error() {} };
  const client = new Octokit({ baseUrl: options.apiBaseUrl, request: { fetch: options.fetch }, log: quiet });
  const auth = createAppAuth({ appId, privateKey: app.privateKey, request: client.request, log: quiet });

  let installations: Map<string, number> | undefined;
  let listedAt = 0;
  let listing: Promise<Map<string, number>> | undefined;
  const tokens = new Map<number, InstallationToken>();
  const minting = new Map<number, Promise<InstallationToken>>();

  const listInstallations = async (): Promise<Map<string, number>> => {
    const { token } = await auth({ type: 'app' });
    const octokit = new Octokit({ baseUrl: options.apiBaseUrl, auth: token, request: { fetch: options.fetch }, log: quiet });
    const all = await octokit.paginate(octokit.rest.apps.listInstallations, { per_page: 100 });
    const byOwner = new Map<string, number>();
    for (const installation of all) {
      const login = installation.account && 'login' in installation.account ? installation.account.login : undefined;
      if (login && !installation.suspended_at) byOwner.set(login.toLowerCase(), installation.id);
    }
    return byOwner;
  };

  const installationFor = async (owner: string): Promise<number | undefined> => {
    const key = owner.toLowerCase();
    if (installations?.has(key)) return installations.get(key);
    if (installations && Date.now() - listedAt < INSTALLATIONS_TTL_MS) return undefined;
    listing ??= listInstallations().finally(() => {
      listing = undefined;
    });
    installations = await listing;
    listedAt = Date.now();
    return installations.get(key);
  };

  const mint = async (installationId: number): Promise<InstallationToken> => {
    // refresh: auth-app keeps its own cache for up to 59 minutes; expiry is tracked here instead.
    const result = await auth({ type: 'installation', installationId, refresh: true });
    const minted = { token: result.token, expiresAt: new Date(result.expiresAt) };
    tokens.set(installationId, minted);
    return minted;
  };

  return {
    appId,
    async tokenFor(owner) {
      if (allowed && !allowed.includes(owner.toLowerCase())) return undefined;
      try {
        const installationId = await installationFor(owner);
        if (installationId === undefined) return undefined;
        const cached = tokens.get(installationId);
        if (cached && cached.expiresAt.getTime() - Date.now() > REFRESH_MARGIN_MS) return cached;
        let pending = minting.get(installationId);
        if (!pending) {
          pending = mint(installationId).finally(() => minting.delete(installationId));
          minting.set(installationId, pending);
        }
        return await pending;
      } catch (error) {
        throw githubError(error, `the installation of GitHub App ${appId} for ${owner}`);
      }
    },
  };
}
