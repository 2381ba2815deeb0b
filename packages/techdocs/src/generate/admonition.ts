import type { Blockquote, Paragraph, PhrasingContent, Root, RootContent } from 'mdast';
import type { Processor } from 'unified';

/** Options of {@link remarkAdmonitions}. */
export interface AdmonitionOptions {
  /** `!!! type "Title"` blocks (Python-Markdown's `admonition`). Default true. */
  admonition?: boolean;
  /** `??? type "Title"` / `???+` collapsible blocks (`pymdownx.details`). Default true. */
  details?: boolean;
  /** `=== "Tab"` content tabs (`pymdownx.tabbed`, alternate style). Default false. */
  tabbed?: boolean;
}

interface Block {
  /** A `=== "Title"` tab: `select` for `===+`, `newSet` for `===!`. */
  tab?: { select: boolean; newSet: boolean };
  collapsible: boolean;
  open: boolean;
  classes: string[];
  title: string | undefined;
}

const header = /^ {0,3}(!!!|\?\?\?\+?)[ \t]+([\w-]+(?:[ \t]+[\w-]+)*)?(?:[ \t]+"(.*)")?[ \t]*$/;
const headerNoClass = /^ {0,3}(!!!|\?\?\?\+?)[ \t]+"(.*)"[ \t]*$/;
// pymdownx.tabbed: `===`, `===+` (selected), `===!` (starts a new set), then a quoted title.
const tabHeader = /^ {0,3}===(\+!?|!\+?)?[ \t]+"(.*)"[ \t]*$/;

interface Enabled {
  admonition: boolean;
  details: boolean;
  tabbed: boolean;
}

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
  const enabled: Enabled = {
    admonition: options.admonition ?? true,
    details: options.details ?? true,
    tabbed: options.tabbed ?? false,
  };
  const parse = this.parser;
  if (!parse) throw new TypeError('remarkAdmonitions must be used after remark-parse');
  this.parser = (document, file) => {
    if (!document.includes('!!!') && !document.includes('???') && !(enabled.tabbed && document.includes('===')))
      return parse(document, file);
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
  return c === 96 /* ` */ || c === 126 /* ~ */ || c === 33 /* ! */ || c === 63 /* ? */ || c === 61 /* = */;
}

function rewrite(
  lines: string[],
  blocks: Block[],
  marker: string,
  enabled: Enabled,
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
    const t = fence || m || !enabled.tabbed ? null : tabHeader.exec(line);
    if (m) [, kind, classText, explicitTitle] = m;
    else if (t) {
      kind = '===';
      explicitTitle = t[2];
    } else {
      const n = fence ? null : headerNoClass.exec(line);
      if (n) [, kind, explicitTitle] = n;
    }
    const isDetails = kind?.startsWith('???') ?? false;
    const isTab = kind === '===';
    if (!kind || (isTab ? false : isDetails ? !enabled.details : !enabled.admonition)) {
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
    const modifiers = t?.[1] ?? '';
    blocks.push({
      tab: isTab ? { select: modifiers.includes('+'), newSet: modifiers.includes('!') } : undefined,
      collapsible: isDetails,
      open: kind === '???+',
      classes,
      title: explicitTitle ?? first.charAt(0).toUpperCase() + first.slice(1),
    });
    // The title goes on the marker line as a one-line heading, so the parser reads its inline
    // Markdown (bold, links, emoji) as Python-Markdown does, and the body cannot run into it;
    // the end marker keeps a title's trailing `#`s from being read as the heading's closing.
    out.push(`> # ${marker}${id} ${explicitTitle === '' ? '' : (blocks[id]?.title ?? '')} ${marker}E`);
    for (const b of body) out.push(b.trim() === '' ? '>' : `> ${b}`);
    i = end - 1;
  }
  return out;
}

function convert(tree: Root | Blockquote, blocks: Block[], marker: string): void {
  const pattern = new RegExp(`^${marker}(\\d+) ?`);
  const tabs = new Map<RootContent, { title: PhrasingContent[]; block: Block }>();
  let sets = 0;
  const visit = (node: { children?: RootContent[] }) => {
    for (const child of node.children ?? []) {
      if ('children' in child) visit(child as { children?: RootContent[] });
      if (child.type !== 'blockquote') continue;
      const heading = child.children[0];
      if (heading?.type !== 'heading') continue;
      const text = heading.children[0];
      if (text?.type !== 'text') continue;
      const match = pattern.exec(text.value);
      const block = match ? blocks[Number(match[1])] : undefined;
      if (!match || !block) continue;
      child.children.shift();
      const title = titleChildren(heading.children, match[0].length, `${marker}E`, block.title ?? '');
      if (block.tab) {
        tabs.set(child, { title, block });
        child.data = { hName: 'div', hProperties: { className: ['tabbed-block'] } };
        continue;
      }
      const titleNode: Paragraph | undefined =
        title.length === 0
          ? undefined
          : {
              type: 'paragraph',
              data: block.collapsible
                ? { hName: 'summary' }
                : { hName: 'p', hProperties: { className: ['admonition-title'] } },
              children: title,
            };
      if (titleNode) child.children.unshift(titleNode);
      child.data = block.collapsible
        ? { hName: 'details', hProperties: { className: block.classes, open: block.open || undefined } }
        : { hName: 'div', hProperties: { className: ['admonition', ...block.classes] } };
    }
    if (tabs.size > 0 && node.children) node.children = groupTabs(node.children, tabs, () => ++sets);
  };
  visit(tree);
}

/**
 * The parsed title: the marker heading's inline nodes without the leading marker and the end
 * marker. Should the end marker not be the heading's last text (a title whose raw HTML swallowed
 * it), the title falls back to its plain text rather than show a marker.
 */
function titleChildren(nodes: PhrasingContent[], start: number, end: string, plain: string): PhrasingContent[] {
  const children = nodes.map((node) => ({ ...node }));
  const first = children[0];
  const last = children[children.length - 1];
  if (last?.type !== 'text' || !last.value.endsWith(end)) return plain === '' ? [] : [{ type: 'text', value: plain }];
  if (first?.type === 'text') first.value = first.value.slice(start);
  last.value = last.value.slice(0, -end.length).trimEnd();
  return children.filter((node) => node.type !== 'text' || node.value !== '');
}

/** An element-like mdast node: converted to hast through `data.hName` (see mdast-hast.ts). */
function element(name: string, properties: Record<string, unknown>, children: RootContent[] = []): RootContent {
  return { type: 'tabbed', data: { hName: name, hProperties: properties }, children } as unknown as RootContent;
}

/**
 * Consecutive tabs into pymdownx.tabbed's alternate-style set: radio inputs, a row of labels,
 * then the blocks, so material's CSS switches tabs without script.
 */
function groupTabs(
  children: RootContent[],
  tabs: Map<RootContent, { title: PhrasingContent[]; block: Block }>,
  nextSet: () => number,
): RootContent[] {
  const out: RootContent[] = [];
  for (let i = 0; i < children.length; i++) {
    const first = children[i] as RootContent;
    if (!tabs.has(first)) {
      out.push(first);
      continue;
    }
    const run: RootContent[] = [first];
    while (i + 1 < children.length && tabs.has(children[i + 1] as RootContent) && !tabs.get(children[i + 1] as RootContent)?.block.tab?.newSet) {
      run.push(children[++i] as RootContent);
    }
    const set = nextSet();
    const selected = Math.max(0, run.findIndex((tab) => tabs.get(tab)?.block.tab?.select));
    const labels = run.map((tab, n) =>
      element('label', { htmlFor: `__tabbed_${set}_${n + 1}` }, (tabs.get(tab)?.title ?? []) as RootContent[]),
    );
    // The radio inputs are added after sanitising (tabbed-inputs.ts), from `data-tabs`.
    const set_ = element('div', { className: ['tabbed-set', 'tabbed-alternate'], dataTabs: `${set}:${run.length}:${selected + 1}` }, [
      element('div', { className: ['tabbed-labels'] }, labels),
      element('div', { className: ['tabbed-content'] }, run),
    ]);
    const start = first.position?.start;
    const end = run[run.length - 1]?.position?.end;
    if (start && end) set_.position = { start, end };
    out.push(set_);
  }
  return out;
}
