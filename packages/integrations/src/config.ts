import { z } from 'zod';

// Backstage's `integrations` config (packages/integration/config.d.ts), key for key, plus what
// portalkit adds: `git` for plain remotes, and per-host `allowPrivateNetwork` and tree limits.

const host = z
  .string()
  .min(1)
  .regex(/^[a-z0-9.-]+(:\d+)?$/i, 'a host name, optionally with :port (no scheme, no path)');
const httpUrl = z.url({ protocol: /^https?$/ });

/** Options every host accepts beyond Backstage's keys. */
const portalkitOptions = {
  /**
   * Let this host resolve to a loopback or private address (an internal server, a local test
   * server). Default false: like the HTTP reader, a host name pointing inside is refused.
   */
  allowPrivateNetwork: z.boolean().optional(),
  /** Largest tree (uncompressed bytes) and most files a tree read accepts. */
  maxTreeBytes: z.number().int().positive().optional(),
  maxTreeFiles: z.number().int().positive().optional(),
};

/** A GitHub App (installation tokens are minted per owner with `@octokit/auth-app`). */
export const githubAppConfigSchema = z.strictObject({
  appId: z.union([z.number().int(), z.string().regex(/^\d+$/)]),
  privateKey: z.string().min(1),
  webhookSecret: z.string().optional(),
  clientId: z.string().optional(),
  clientSecret: z.string().optional(),
  /** Owners (orgs or users) whose installations this app may act for; default all. */
  allowedInstallationOwners: z.array(z.string()).optional(),
});

/** `integrations.github[]`. */
export const githubIntegrationConfigSchema = z.strictObject({
  host,
  apiBaseUrl: httpUrl.optional(),
  rawBaseUrl: httpUrl.optional(),
  /**
   * portalkit: the origin GitHub's archive API redirects downloads to; default
   * https://codeload.github.com for github.com, `https://codeload.<host>` for Enterprise.
   */
  codeloadBaseUrl: httpUrl.optional(),
  token: z.string().min(1).optional(),
  apps: z.array(githubAppConfigSchema).optional(),
  /** Secret of webhooks sent with a token-based integration (apps carry their own). */
  webhookSecret: z.string().optional(),
  ...portalkitOptions,
});

/** `integrations.gitlab[]`. */
export const gitlabIntegrationConfigSchema = z.strictObject({
  host,
  apiBaseUrl: httpUrl.optional(),
  baseUrl: httpUrl.optional(),
  token: z.string().min(1).optional(),
  webhookSecret: z.string().optional(),
  ...portalkitOptions,
});

/** `integrations.bitbucketCloud[]` (always bitbucket.org). */
export const bitbucketCloudIntegrationConfigSchema = z.strictObject({
  username: z.string().optional(),
  appPassword: z.string().optional(),
  token: z.string().optional(),
  /** portalkit: another API base (a local contract server); default https://api.bitbucket.org/2.0. */
  apiBaseUrl: httpUrl.optional(),
  ...portalkitOptions,
});

/** `integrations.bitbucketServer[]`. */
export const bitbucketServerIntegrationConfigSchema = z.strictObject({
  host,
  apiBaseUrl: httpUrl.optional(),
  token: z.string().optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  ...portalkitOptions,
});

/** `integrations.azure[]`; credentials are personal access tokens (service principals are not supported yet). */
export const azureIntegrationConfigSchema = z.strictObject({
  host: host.default('dev.azure.com'),
  token: z.string().optional(),
  credentials: z
    .array(
      z.strictObject({
        organizations: z.array(z.string()).optional(),
        personalAccessToken: z.string().min(1),
      }),
    )
    .optional(),
  /** portalkit: another API base (a local contract server); default `https://<host>`. */
  apiBaseUrl: httpUrl.optional(),
  ...portalkitOptions,
});

/** `integrations.gitea[]`. */
export const giteaIntegrationConfigSchema = z.strictObject({
  host,
  baseUrl: httpUrl.optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  ...portalkitOptions,
});

/** `integrations.git[]` (portalkit): any git remote over smart HTTP(S). */
export const gitIntegrationConfigSchema = z.strictObject({
  host,
  /** `https://host[:port][/prefix]`; default `https://<host>`. */
  baseUrl: httpUrl.optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  /** Sent as the password of basic auth (with `username`, default `x-access-token`). */
  token: z.string().optional(),
  ...portalkitOptions,
});

/**
 * The `integrations` section of app-config, in Backstage's shape. Keys of hosts portalkit does
 * not integrate with (e.g. `gerrit`, `awsS3`) are accepted and ignored, so an existing
 * app-config loads; {@link createIntegrations} reports them.
 *
 * @example
 * ```ts
 * const config = integrationsConfigSchema.parse({ github: [{ host: 'github.com', token: 'ghp_x' }] });
 * ```
 */
export const integrationsConfigSchema = z.looseObject({
  github: z.array(githubIntegrationConfigSchema).optional(),
  gitlab: z.array(gitlabIntegrationConfigSchema).optional(),
  bitbucketCloud: z.array(bitbucketCloudIntegrationConfigSchema).optional(),
  bitbucketServer: z.array(bitbucketServerIntegrationConfigSchema).optional(),
  azure: z.array(azureIntegrationConfigSchema).optional(),
  gitea: z.array(giteaIntegrationConfigSchema).optional(),
  git: z.array(gitIntegrationConfigSchema).optional(),
});

export type GithubAppConfig = z.infer<typeof githubAppConfigSchema>;
export type GithubIntegrationConfig = z.infer<typeof githubIntegrationConfigSchema>;
export type GitlabIntegrationConfig = z.infer<typeof gitlabIntegrationConfigSchema>;
export type BitbucketCloudIntegrationConfig = z.infer<typeof bitbucketCloudIntegrationConfigSchema>;
export type BitbucketServerIntegrationConfig = z.infer<typeof bitbucketServerIntegrationConfigSchema>;
export type AzureIntegrationConfig = z.input<typeof azureIntegrationConfigSchema>;
export type GiteaIntegrationConfig = z.infer<typeof giteaIntegrationConfigSchema>;
export type GitIntegrationConfig = z.infer<typeof gitIntegrationConfigSchema>;
export type IntegrationsConfig = z.input<typeof integrationsConfigSchema>;
