// markdown-it-footnote ships no types; markdown-it 15 ships its own, which the
// DefinitelyTyped package for this plugin does not build on.
declare module 'markdown-it-footnote' {
  import type { MarkdownIt } from 'markdown-it';
  const footnote: (md: MarkdownIt) => void;
  export default footnote;
}
