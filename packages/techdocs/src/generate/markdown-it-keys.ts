import type { MarkdownIt, StateInline } from 'markdown-it';
import { keyAliases, keyLabels } from './keys-map.js';

const plus = 0x2b;
// pymdownx.keys' RE_KBD: `++key+key++`, each key a name or a quoted label.
const keysPattern = /^\+\+((?:(?:[\w-]+|"(?:\\.|[^"])+"|'(?:\\.|[^'])+')\+)*?(?:[\w-]+|"(?:\\.|[^"])+"|'(?:\\.|[^'])+'))\+\+/;
const unescapedPlus = /(?<!\\)((?:\\\\)*)\+/;

/**
 * markdown-it plugin for `pymdownx.keys`: `++ctrl+alt+del++` becomes
 * `<span class="keys"><kbd class="key-control">Ctrl</kbd><span>+</span>…</span>`, with
 * pymdownx's key names, aliases and labels; a quoted key (`++"My Key"++`) is a label without
 * a class. An unknown key name leaves the text as written, as in pymdownx.
 *
 * @example
 * ```ts
 * new MarkdownIt().use(markdownItKeys).render('++ctrl+c++');
 * ```
 */
export function markdownItKeys(md: MarkdownIt): void {
  md.inline.ruler.before('emphasis', 'keys', (state: StateInline, silent: boolean) => {
    if (state.src.charCodeAt(state.pos) !== plus || state.src.charCodeAt(state.pos + 1) !== plus) return false;
    const match = keysPattern.exec(state.src.slice(state.pos, state.posMax));
    if (!match) return false;
    const keys = splitKeys(match[1] ?? '').map(processKey);
    if (keys.some((key) => key === undefined)) return false;
    if (!silent) {
      const open = state.push('keys_open', 'span', 1);
      open.attrSet('class', 'keys');
      keys.forEach((key, index) => {
        if (!key) return;
        if (index > 0) {
          state.push('keys_separator_open', 'span', 1);
          state.push('text', '', 0).content = '+';
          state.push('keys_separator_close', 'span', -1);
        }
        const kbd = state.push('kbd_open', 'kbd', 1);
        if (key.name) kbd.attrSet('class', `key-${key.name}`);
        state.push('text', '', 0).content = key.label;
        state.push('kbd_close', 'kbd', -1);
      });
      state.push('keys_close', 'span', -1);
    }
    state.pos += match[0].length;
    return true;
  });
}

function splitKeys(text: string): string[] {
  const keys: string[] = [];
  let rest = text;
  for (let m = unescapedPlus.exec(rest); m; m = unescapedPlus.exec(rest)) {
    // Quoted keys may hold a `+`: only split outside quotes.
    const head = rest.slice(0, m.index + (m[1]?.length ?? 0));
    if (/^["']/.test(head) && !/^(["']).*\1$/.test(head)) {
      const close = rest.indexOf(head[0] as string, 1);
      if (close === -1) break;
      keys.push(rest.slice(0, close + 1));
      rest = rest.slice(close + 2);
      continue;
    }
    keys.push(head);
    rest = rest.slice(m.index + m[0].length);
  }
  keys.push(rest);
  return keys.filter((key) => key !== '');
}

function processKey(key: string): { name?: string; label: string } | undefined {
  if (key.startsWith('"') || key.startsWith("'")) {
    return { label: decodeEntities(key.slice(1, -1).replace(/\\(.)/g, '$1')).trim() };
  }
  const canonical = keyAliases[key] ?? key;
  const label = keyLabels[canonical];
  return label === undefined ? undefined : { name: canonical, label };
}

function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (_, name: string) =>
    name === 'amp' ? '&' : name === 'lt' ? '<' : name === 'gt' ? '>' : name === 'quot' ? '"' : "'",
  );
}
