// Sign-in and permissions of the example portal: the demo OpenID Connect provider and its
// accounts, the portal's identifier and policy, and the `/api/auth` routes the UI asks.
export { authPlugin } from './auth-plugin.js';
export type { AuthPluginOptions } from './auth-plugin.js';
export { loadDemoUsers } from './demo-users.js';
export type { DemoUser } from './demo-users.js';
export { PLATFORM_GROUP, PLATFORM_TAG, RESTRICTED_LABEL, createDemoPolicy } from './demo-policy.js';
export { DEMO_PASSWORD, PORTAL_API_SCOPE, startDemoOidcProvider } from './oidc-provider.js';
export type { DemoOidcProvider, DemoOidcProviderOptions } from './oidc-provider.js';
export { createPortalSignIn } from './portal-sign-in.js';
export type { PortalSignIn, PortalSignInOptions } from './portal-sign-in.js';
export { EXAMPLE_AUDIENCE, EXAMPLE_CLIENT_ID, oidcSettingsFromEnv } from './settings.js';
export type { OidcSettings } from './settings.js';
export { canRunTemplate } from './template-access.js';
