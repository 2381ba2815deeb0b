const masked = '***';
const maxDepth = 16;

// `scheme://userinfo@`: userinfo holds no `/`, `?`, `#` or whitespace, and may hold a stray `@`
// (`user:p@ss@host`), so the greedy run ends at the authority's last `@`. A scheme starts only
// after a non-scheme character and is at most 32 long, so the scan stays linear on long words.
const userinfo = /(?<![a-z0-9+.-])([a-z][a-z0-9+.-]{0,31}:\/\/)[^\s/?#]*@/gi;
// One `name=value` of a query or fragment. Names and values stop at the next separator, so the
// scan is linear in the text's length whatever it holds.
const parameter = /([?&;#])([^\s=&;#?]*)=([^\s&;#]*)/g;
const credentialName = /token|secret|passw|signature|credential|^(?:sig|code|pwd|auth|key)$|(?:^|[_.-])key$|apikey$/i;

function decodedName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}

function redactText(text: string): string {
  return text
    .replace(userinfo, `$1${masked}@`)
    .replace(parameter, (all, separator: string, name: string, value: string) =>
      value !== '' && value !== masked && credentialName.test(decodedName(name)) ? `${separator}${name}=${masked}` : all,
    );
}

function redactValue(value: unknown, depth: number, seen: Set<object>): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value;
  if (value instanceof URL) return redactText(value.href);
  if (value instanceof Error) return redactText(`${value.name}: ${value.message}`);
  if (seen.has(value) || depth >= maxDepth) return '[…]';
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1, seen));
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') {
      try {
        return redactValue(toJSON.call(value), depth + 1, seen);
      } catch {
        return '[…]';
      }
    }
    // fromEntries defines own properties, so a "__proto__" key stays a key.
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactValue(item, depth + 1, seen)]));
  } finally {
    seen.delete(value);
  }
}

/**
 * Mask credentials that travel inside URLs: the userinfo of `scheme://user:pass@host` becomes
 * `***` (`https://***@host/…`), and so does the value of a query or fragment parameter whose
 * name looks like a credential (`token`, `access_token`, `id_token`, `key`, `api_key`, `secret`,
 * `client_secret`, `password`, `sig`, `signature`, `X-Amz-Signature`, `code`, … matched
 * case-insensitively, percent-decoded). Works on any text, not only well-formed URLs, so a
 * location target such as `url:https://u:p@host/x?token=t` is masked too. Given an array or
 * object it returns a copy with every string masked the same way (nested to 16 levels, cycles
 * cut, `URL` and `Error` values turned into masked text); other values are returned as they are.
 * `PortalAuth.audit` applies it to each event's target, error and meta before any sink.
 *
 * @example
 * ```ts
 * redactCredentials('url:https://ci:hunter2@git.example.com/repo.yaml?ref=main&token=abc');
 * // 'url:https://***@git.example.com/repo.yaml?ref=main&token=***'
 * ```
 */
export function redactCredentials<T>(value: T): T {
  return redactValue(value, 0, new Set()) as T;
}
