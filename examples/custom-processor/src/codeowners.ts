/** One rule of a CODEOWNERS file: a path pattern and the handles owning it. */
export interface CodeownersRule {
  pattern: string;
  owners: string[];
  /** 1-based line in the file. */
  line: number;
}

/**
 * Parse a GitHub-style CODEOWNERS file: `pattern @owner @org/team ...` per line, `#` comments.
 *
 * @example
 * ```ts
 * parseCodeowners('* @acme/payments @jane\n'); // [{ pattern: '*', owners: ['@acme/payments', '@jane'], line: 1 }]
 * ```
 */
export function parseCodeowners(text: string): CodeownersRule[] {
  const rules: CodeownersRule[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!line) return;
    const [pattern, ...owners] = line.split(/\s+/);
    rules.push({ pattern: pattern!, owners, line: i + 1 });
  });
  return rules;
}

/**
 * The owners of the whole repository: the last `*` (or `/`) rule, as GitHub lets later rules win.
 *
 * @example
 * ```ts
 * defaultOwners(parseCodeowners('* @a\n/docs @b\n* @c\n')); // ['@c']
 * ```
 */
export function defaultOwners(rules: readonly CodeownersRule[]): string[] {
  const rule = rules.filter((r) => r.pattern === '*' || r.pattern === '/').at(-1);
  return rule ? rule.owners : [];
}

/**
 * Turn a GitHub handle into a catalog ref: `@acme/payments` is the group `payments`, `@jane` the
 * user `jane`. Returns `undefined` for anything else (an e-mail address, a typo).
 *
 * @example
 * ```ts
 * handleToRef('@acme/payments'); // 'group:default/payments'
 * ```
 */
export function handleToRef(handle: string): string | undefined {
  const team = /^@[A-Za-z0-9-]+\/([A-Za-z0-9_.-]+)$/.exec(handle);
  if (team) return `group:default/${team[1]!.toLowerCase()}`;
  const user = /^@([A-Za-z0-9-]+)$/.exec(handle);
  if (user) return `user:default/${user[1]!.toLowerCase()}`;
  return undefined;
}
