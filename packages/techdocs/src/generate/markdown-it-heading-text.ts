import type { MarkdownIt, StateCore, Token } from 'markdown-it';

/** Heading text as the page shows it -> the texts Python-Markdown slugs for such headings, in order. */
export type HeadingSourceTexts = Map<string, string[]>;

/**
 * Mark a token as standing for other text when Python-Markdown slugs a heading (the text a
 * smart symbol replaced; `''` for the rest of a replacement).
 */
export function setSourceText(token: Token, text: string): void {
  token.meta = { ...(token.meta as object | null), sourceText: text };
}

/**
 * markdown-it plugin noting, for headings whose text Python-Markdown's `toc` reads differently
 * from the text shown, what it reads: its slugs drop character references (`Caf&eacute;` is
 * slugged as `Caf`, the entity being stashed HTML) and see smart symbols as written (`(c)`,
 * `1/2`), since pymdownx.smartsymbols runs after `toc`. Collected into `env.headingSourceTexts`
 * before markdown-it joins the text tokens; `rehypeHeadingIds` looks each heading's text up there.
 *
 * @example
 * ```ts
 * const env = {}; new MarkdownIt().use(markdownItHeadingText).parse('## Caf&eacute;', env);
 * env.headingSourceTexts; // Map { 'Café' => ['Caf'] }
 * ```
 */
export function markdownItHeadingText(md: MarkdownIt): void {
  md.core.ruler.before('text_join', 'heading_source_text', (state: StateCore) => {
    const tokens = state.tokens;
    for (let i = 0; i < tokens.length - 1; i++) {
      if (tokens[i]?.type !== 'heading_open') continue;
      const children = tokens[i + 1]?.children ?? [];
      let shown = '';
      let source = '';
      for (const child of children) {
        const text = textOf(child);
        if (text === undefined) continue;
        shown += text;
        const meta = child.meta as { sourceText?: string } | null;
        source += meta?.sourceText ?? (child.type === 'text_special' && child.info === 'entity' ? '' : text);
      }
      if (shown === source) continue;
      const env = state.env as { headingSourceTexts?: HeadingSourceTexts };
      env.headingSourceTexts ??= new Map();
      const list = env.headingSourceTexts.get(shown);
      if (list) list.push(source);
      else env.headingSourceTexts.set(shown, [source]);
    }
  });
}

function textOf(token: Token): string | undefined {
  if (token.type === 'text' || token.type === 'text_special' || token.type === 'code_inline') return token.content;
  if (token.type === 'softbreak' || token.type === 'hardbreak') return '\n';
  return undefined;
}
