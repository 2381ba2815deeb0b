// Sign-in for the example portal: the demo OpenID Connect provider and its accounts.
export { loadDemoUsers } from './demo-users.js';
export type { DemoUser } from './demo-users.js';
export { DEMO_PASSWORD, PORTAL_API_SCOPE, startDemoOidcProvider } from './oidc-provider.js';
export type { DemoOidcProvider, DemoOidcProviderOptions } from './oidc-provider.js';
