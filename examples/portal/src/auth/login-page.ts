import type { DemoUser } from './demo-users.js';

/** What the demo provider's login page shows. */
export interface LoginPageOptions {
  /** The interaction's form action, `/interaction/<uid>/login`. */
  action: string;
  users: readonly DemoUser[];
  /** The client asking, shown as "Sign in to …". */
  clientName: string;
  /** Shown above the form after a failed attempt. */
  error?: string;
  /** The user picked in the failed attempt. */
  selected?: string;
  /** The shared development password, printed on the page; omit to print nothing. */
  passwordHint?: string;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * The login page of the demo provider: one radio button per demo user and a password field.
 * Every value is escaped; the page needs no script.
 *
 * @example
 * ```ts
 * const html = renderLoginPage({ action: '/interaction/abc/login', users, clientName: 'portalkit' });
 * ```
 */
export function renderLoginPage(options: LoginPageOptions): string {
  const users = options.users
    .map((user, i) => {
      const checked = options.selected ? user.name === options.selected : i === 0;
      const teams = user.memberOf.length ? ` <small>${escapeHtml(user.memberOf.join(', '))}</small>` : '';
      return `<li><label><input type="radio" name="login" value="${escapeHtml(user.name)}"${checked ? ' checked' : ''}> ${escapeHtml(user.displayName)} <code>${escapeHtml(user.name)}</code>${teams}</label></li>`;
    })
    .join('\n');
  const error = options.error ? `<p class="error" role="alert">${escapeHtml(options.error)}</p>` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · ACME demo identity provider</title>
<style>
body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;color:#1d2433}
h1{font-size:1.4rem}ul{list-style:none;padding:0}li{margin:.3rem 0}small{color:#5b6475}
.note{background:#fff6d6;border:1px solid #e8d48a;padding:.5rem .8rem;border-radius:4px}
.error{background:#fde2e2;border:1px solid #e49b9b;padding:.5rem .8rem;border-radius:4px}
input[type=password]{padding:.3rem;width:14rem}button{margin-top:1rem;padding:.4rem 1.2rem}
</style>
</head>
<body>
<h1>Sign in to ${escapeHtml(options.clientName)}</h1>
<p class="note">Local stand-in for the company identity provider, for development only.${options.passwordHint ? ` Every demo user's password is <code>${escapeHtml(options.passwordHint)}</code>.` : ''}</p>
${error}
<form method="post" action="${escapeHtml(options.action)}" id="login-form">
<fieldset><legend>Demo user</legend>
<ul>
${users}
</ul>
</fieldset>
<p><label>Password <input type="password" name="password" id="password" autocomplete="current-password" required></label></p>
<button type="submit" id="sign-in">Sign in</button>
</form>
</body>
</html>`;
}
