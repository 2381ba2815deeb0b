import type { Blockquote, Paragraph, Root, RootContent } from 'mdast';
import type { Processor } from 'unified';

/** Options of {@link remarkAdmonitions}. */
export interface AdmonitionOptions {
  /** `!!! type "Title"` blocks (Python-Markdown's `admonition`). Default true. */
  admonition?: boolean;
  /** `??? type "Title"` / `???+` collapsible blocks (`pymdownx.details`). Default true. */
  details?: boolean;
}

interface Block {
  collapsible: boolean;
  open: boolean;
  classes: string[];
  title: string | undefined;
}

const header = /^ {0,3}(!!!|\?\?\?\+?)[ \t]+([\w-]+(?:[ \t]+[\w-]+)*)?(?:[ \t]+"(.*)")?[ \t]*$/;
const headerNoClass = /^ {0,3}(!!!|\?\?\?\+?)[ \t]+"(.*)"[ \t]*$/;

/**
 * remark plugin for MkDocs admonitions: `!!! note "Title"` and collapsible `??? tip` blocks whose
 * body is indented by four spaces. Must be used right after `remark-parse`: it wraps the parser,
 * rewriting each block into a marked block quote (keeping every line where it was, so positions
 * and `file:line` warnings stay right) and turning those into
 * `<div class="admonition note"><p class="admonition-title">Title</p>…</div>` or
 * `<details class="tip"><summary>Title</summary>…</details>`. References and footnotes inside
 * resolve as usual because the document is still parsed once.
 *
 * @example
 * ```ts
 * unified().use(remarkParse).use(remarkAdmonitions).use(remarkRehype).use(rehypeStringify);
 * ```
 */
export function remarkAdmonitions(this: Processor, options: AdmonitionOptions = {}): undefined {
  const enabled = { admonition: options.admonition ?? true, details: options.details ?? true };
  const parse = this.parser;
  if (!parse) throw new TypeError('remarkAdmonitions must be used after remark-parse');
  this.parser = (document, file) => {
    if (!document.includes('!!!') && !document.includes('???')) return parse(document, file);
    let marker = 'PKADMONITIONBLOCK';
    while (document.includes(marker)) marker += 'X';
    const blocks: Block[] = [];
    const lines = rewrite(document.split('\n'), blocks, marker, enabled);
    const tree = parse(lines.join('\n'), file) as Root;
    if (blocks.length > 0) convert(tree, blocks, marker);
    return tree;
  };
  return undefined;
}

function dedent(line: string): string {
  if (line.startsWith('\t')) return line.slice(1);
  return line.replace(/^ {1,4}/, '');
}

function mayMatter(line: string): boolean {
  let i = 0;
  while (i < 3 && line.charCodeAt(i) === 32) i++;
  const c = line.charCodeAt(i);
  return c === 96 /* ` */ || c === 126 /* ~ */ || c === 33 /* ! */ || c === 63 /* ? */;
}

function rewrite(
  lines: string[],
  blocks: Block[],
  marker: string,
  enabled: { admonition: boolean; details: boolean },
): string[] {
  const out: string[] = [];
  let fence: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    // Only fences and block headers matter here, and both start with one of these characters.
    if (!mayMatter(line)) {
      out.push(line);
      continue;
    }
    const fenceMatch = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fenceMatch) {
      const f = fenceMatch[1] ?? '';
      if (!fence) fence = f;
      else if (f[0] === fence[0] && f.length >= fence.length) fence = undefined;
      out.push(line);
      continue;
    }
    let kind: string | undefined;
    let classText: string | undefined;
    let explicitTitle: string | undefined;
    const m = fence ? null : header.exec(line);
    if (m) [, kind, classText, explicitTitle] = m;
    else {
      const n = fence ? null : headerNoClass.exec(line);
      if (n) [, kind, explicitTitle] = n;
    }
    const isDetails = kind?.startsWith('???') ?? false;
    if (!kind || (isDetails ? !enabled.details : !enabled.admonition)) {
      out.push(line);
      continue;
    }
    const classes = (classText ?? 'note').split(/[ \t]+/).filter(Boolean);
    let end = i + 1;
    while (end < lines.length && (/^( {4}|\t)/.test(lines[end] ?? '') || (lines[end] ?? '').trim() === '')) end++;
    while (end > i + 1 && (lines[end - 1] ?? '').trim() === '') end--;
    const body = rewrite(lines.slice(i + 1, end).map(dedent), blocks, marker, enabled);
    const first = classes[0] ?? 'note';
    const id = blocks.length;
    blocks.push({
      collapsible: isDetails,
      open: kind === '???+',
      classes,
      title: explicitTitle ?? first.charAt(0).toUpperCase() + first.slice(1),
    });
    out.push(`> ${marker}${id}`);
    for (const b of body) out.push(b.trim() === '' ? '>' : `> ${b}`);
    i = end - 1;
  }
  return out;
}

function convert(tree: Root | Blockquote, blocks: Block[], marker: string): void {
  const pattern = new RegExp(`^${marker}(\\d+)(?:\\r?\\n|$)`);
  const visit = (node: { children?: RootContent[] }) => {
    for (const child of node.children ?? []) {
      if ('children' in child) visit(child as { children?: RootContent[] });
      if (child.type !== 'blockquote') continue;
      const paragraph = child.children[0];
      if (paragraph?.type !== 'paragraph') continue;
      const text = paragraph.children[0];
      if (text?.type !== 'text') continue;
      const match = pattern.exec(text.value);
      const block = match ? blocks[Number(match[1])] : undefined;
      if (!match || !block) continue;
      text.value = text.value.slice(match[0].length);
      if (text.value === '') paragraph.children.shift();
      if (paragraph.children.length === 0) child.children.shift();
      const titleNode: Paragraph | undefined =
        block.title === undefined || block.title === ''
          ? undefined
          : {
              type: 'paragraph',
              data: block.collapsible
                ? { hName: 'summary' }
                : { hName: 'p', hProperties: { className: ['admonition-title'] } },
              children: [{ type: 'text', value: block.title }],
            };
      if (titleNode) child.children.unshift(titleNode);
      child.data = block.collapsible
        ? { hName: 'details', hProperties: { className: block.classes, open: block.open || undefined } }
        : { hName: 'div', hProperties: { className: ['admonition', ...block.classes] } };
    }
  };
  visit(tree);
}
