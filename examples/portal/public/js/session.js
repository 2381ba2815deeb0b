// Sign-in: the OpenID Connect authorization code flow with PKCE, run by the page itself (a public
// client: no secret in the browser), and what the signed-in principal may do.
//
// Tokens live in sessionStorage, not in memory only: the page is reloaded by the redirect back
// from the provider and on every full navigation, and memory would sign the user out each time.
// sessionStorage is per tab and cleared when the tab closes; unlike localStorage it is not shared
// with other tabs or kept on disk for days. Script injected into the page could read it, but such
// a script could call the API as the user anyway: the defence is the page's strict CSP and
// text-only rendering (dom.js), and short-lived tokens. No cookie carries the token, so no other
// site can make the browser send it (no CSRF).

const TOKENS = 'portalkit.tokens';
const PENDING = 'portalkit.signin';

/** The signed-in state: `{ config, principal, allowed, templates, notice }`. */
export const session = {
  config: { enabled: false },
  principal: { type: 'anonymous', ownershipEntityRefs: [] },
  allowed: {},
  templates: {},
  /** Why the user was signed out, shown once (e.g. an invalid or expired token). */
  notice: null,
};

const listeners = new Set();
/** Called after sign-out caused by a 401, to redraw the header. */
export function onSessionChange(listener) {
  listeners.add(listener);
}

function readTokens() {
  try {
    const tokens = JSON.parse(sessionStorage.getItem(TOKENS) ?? 'null');
    if (!tokens || typeof tokens.accessToken !== 'string') return null;
    if (typeof tokens.expiresAt === 'number' && tokens.expiresAt <= Date.now()) {
      // Not sent any more; signing out (and redrawing) happens once the current call is done.
      queueMicrotask(() => handleUnauthorized('your sign-in expired'));
      return null;
    }
    return tokens;
  } catch {
    return null;
  }
}

/** The bearer token for API calls, if signed in. */
export function accessToken() {
  return readTokens()?.accessToken ?? null;
}

/** Forget the tokens after the API answered 401: the token is bad, so the user is signed out. */
export function handleUnauthorized(message) {
  if (!sessionStorage.getItem(TOKENS)) return;
  sessionStorage.removeItem(TOKENS);
  session.principal = { type: 'anonymous', ownershipEntityRefs: [] };
  session.allowed = {};
  session.notice = `You have been signed out: ${message || 'your sign-in is no longer valid'}. Sign in again.`;
  for (const listener of listeners) listener();
}

const base64url = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const randomString = () => base64url(crypto.getRandomValues(new Uint8Array(32)));
const redirectUri = () => `${location.origin}/`;

async function discovery(issuer) {
  const res = await fetch(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`);
  if (!res.ok) throw new Error(`the identity provider answered ${res.status}`);
  return res.json();
}

/** Go to the provider's login page; come back to the current page. */
export async function signIn() {
  const { issuer, clientId, audience, scope } = session.config;
  const { authorization_endpoint: endpoint } = await discovery(issuer);
  const verifier = randomString();
  const state = randomString();
  const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, returnTo: location.hash || '#/catalog' }));
  const url = new URL(endpoint);
  url.search = new URLSearchParams({
    client_id: clientId,
    redirect_uri: redirectUri(),
    response_type: 'code',
    scope,
    state,
    resource: audience,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    // Always ask who is signing in, so "Sign out" then "Sign in" can switch users.
    prompt: 'login',
  }).toString();
  location.assign(url.href);
}

/** Forget the tokens in this tab. */
export function signOut() {
  sessionStorage.removeItem(TOKENS);
  location.reload();
}

/**
 * On the way back from the provider (`/?code=…&state=…`): check the state, exchange the code
 * (with the PKCE verifier) for tokens, and restore the page the user was on.
 */
async function completeSignIn() {
  const params = new URLSearchParams(location.search);
  if (!params.has('state')) return;
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? 'null');
  sessionStorage.removeItem(PENDING);
  history.replaceState(null, '', `/${pending?.returnTo ?? '#/catalog'}`);
  if (!pending || params.get('state') !== pending.state) {
    session.notice = 'Sign-in failed: the answer from the identity provider did not match this tab. Try again.';
    return;
  }
  if (params.has('error')) {
    session.notice = `Sign-in failed: ${params.get('error_description') || params.get('error')}`;
    return;
  }
  const { issuer, clientId, audience } = session.config;
  if (params.has('iss') && params.get('iss') !== issuer) {
    session.notice = 'Sign-in failed: the answer came from another identity provider.';
    return;
  }
  const { token_endpoint: endpoint } = await discovery(issuer);
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: params.get('code') ?? '',
      redirect_uri: redirectUri(),
      client_id: clientId,
      code_verifier: pending.verifier,
      resource: audience,
    }),
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok || typeof body.access_token !== 'string') {
    session.notice = `Sign-in failed: ${body.error_description || body.error || res.status}`;
    return;
  }
  sessionStorage.setItem(TOKENS, JSON.stringify({
    accessToken: body.access_token,
    expiresAt: Date.now() + (Number(body.expires_in) || 300) * 1000,
  }));
}

/**
 * Start-up: read where to sign in, finish a sign-in in progress, and ask the API who we are and
 * what we may do (`/api/auth/whoami`). A token the API refuses (401) signs the user out.
 */
export async function loadSession() {
  try {
    const res = await fetch('/api/auth/config', { headers: { accept: 'application/json' } });
    if (res.ok) session.config = await res.json();
  } catch {
    // No sign-in: the portal works anonymously.
  }
  if (session.config.enabled) {
    try {
      await completeSignIn();
    } catch (error) {
      session.notice = `Sign-in failed: ${error.message}`;
    }
  }
  const token = accessToken();
  const res = await fetch('/api/auth/whoami', { headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) } });
  if (res.status === 401 && token) {
    handleUnauthorized('the portal did not accept your sign-in');
    return loadSession();
  }
  if (!res.ok) return;
  const who = await res.json();
  Object.assign(session, { principal: who.principal, allowed: who.allowed ?? {}, templates: who.templates ?? {} });
}

/** Whether the policy allows a basic permission (as told by `/api/auth/whoami`). */
export function allowed(permission) {
  return session.allowed[permission] === true;
}
