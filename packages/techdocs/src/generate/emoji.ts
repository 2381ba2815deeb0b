// Where Backstage's pages load twemoji from: pymdownx.emoji's twemoji index with its `to_svg`
// generator (what techdocs-core configures) points at this CDN.
const twemojiBase = 'https://cdn.jsdelivr.net/gh/jdecked/twemoji@15.0.3/assets/svg/';

/**
 * An emoji shortcode as pymdownx.emoji's `to_svg` renders it with the twemoji index:
 * `<img alt="😄" class="twemoji" src="…/1f604.svg" title=":smile:">`, as an mdast node named
 * by `data.hName`. Names are markdown-it-emoji's (GitHub's gemoji set).
 *
 * @example
 * ```ts
 * emojiImage('smile', '😄').data.hProperties.src; // …/1f604.svg
 * ```
 */
export function emojiImage(name: string, unicode: string) {
  return {
    type: 'extension' as const,
    data: {
      hName: 'img',
      hProperties: { alt: unicode, className: ['twemoji'], src: `${twemojiBase}${twemojiCode(unicode)}.svg`, title: `:${name}:` },
    },
    children: [],
  };
}

/** twemoji's file name: the code points in hex, without U+FE0F unless the emoji joins (U+200D). */
function twemojiCode(unicode: string): string {
  const points = [...unicode].map((c) => c.codePointAt(0) ?? 0);
  const kept = points.includes(0x200d) ? points : points.filter((p) => p !== 0xfe0f);
  return kept.map((p) => p.toString(16)).join('-');
}
