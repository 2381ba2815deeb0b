import type {
  AlignType,
  Blockquote,
  Code,
  FootnoteDefinition,
  Heading,
  List,
  ListItem,
  Nodes,
  Parent,
  PhrasingContent,
  Root,
  RootContent,
  Table,
  TableCell,
  TableRow,
} from 'mdast';
import type { Token } from 'markdown-it';
import { find, html } from 'property-information';
import { emojiImage } from './emoji.js';


type Position = NonNullable<Root['position']>;
type Point = Position['start'];

/** Where each line of the parsed text starts, so block positions carry offsets like micromark's. */
interface Lines {
  text: string;
  starts: number[];
  /** `#!lang` inline code is highlighted (pymdownx.inlinehilite). */
  inlineHilite: boolean;
}

const taskCheck = /^\[([ \txX])\](?=[ \t]*\n|[ \t]+\S)/;

/**
 * Convert markdown-it's token stream (CommonMark + tables, strikethrough and
 * `markdown-it-footnote` with its tail rule off) into the mdast `remark-parse` + `remark-gfm`
 * build from the same text, so remark and rehype plugins see the trees they expect. Reference
 * links come out resolved (`link`/`image`, no `definition` nodes), which renders the same HTML.
 * Blocks get start and end points (line, column of the first non-blank character, offset);
 * links and images get the line they start on, so broken-link warnings name it.
 *
 * @example
 * ```ts
 * const tree = markdownItToMdast(md.parse(text, {}), text, md.utils.unescapeAll);
 * ```
 */
export function markdownItToMdast(tokens: Token[], text: string, unescape: Unescape, inlineHilite = false): Root {
  const lines: Lines = { text, starts: lineStarts(text), inlineHilite };
  const root: Root = { type: 'root', children: [] };
  const state: State = { tokens, index: 0, lines, unescape };
  blocks(state, root, undefined);
  if (text.length > 0) {
    root.position = { start: { line: 1, column: 1, offset: 0 }, end: endOfText(lines) };
  }
  return root;
}

interface State {
  tokens: Token[];
  index: number;
  lines: Lines;
  unescape: Unescape;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  let at = text.indexOf('\n');
  while (at !== -1) {
    starts.push(at + 1);
    at = text.indexOf('\n', at + 1);
  }
  return starts;
}

function endOfText(lines: Lines): Point {
  const last = lines.starts.length;
  return { line: last, column: lines.text.length - (lines.starts[last - 1] ?? 0) + 1, offset: lines.text.length };
}

function lineEnd(lines: Lines, line: number): number {
  const next = lines.starts[line];
  return next === undefined ? lines.text.length : next - 1;
}

function isBlank(lines: Lines, line: number): boolean {
  const start = lines.starts[line - 1];
  if (start === undefined) return true;
  for (let i = start, end = lineEnd(lines, line); i < end; i++) {
    const c = lines.text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

/** Position of a block from markdown-it's `map` ([first line, line after the last), 0-based). */
function blockPosition(lines: Lines, map: [number, number] | null): Position | undefined {
  if (!map) return undefined;
  const startLine = map[0] + 1;
  let endLine = Math.max(startLine, map[1]);
  // markdown-it counts blank lines after lists and items into them; micromark does not.
  while (endLine > startLine && isBlank(lines, endLine)) endLine--;
  const startOffset = lines.starts[map[0]] ?? lines.text.length;
  let first = startOffset;
  const firstEnd = lineEnd(lines, startLine);
  while (first < firstEnd && (lines.text.charCodeAt(first) === 32 || lines.text.charCodeAt(first) === 9)) first++;
  const endOffset = lineEnd(lines, endLine);
  return {
    start: { line: startLine, column: first - startOffset + 1, offset: first },
    end: { line: endLine, column: endOffset - (lines.starts[endLine - 1] ?? 0) + 1, offset: endOffset },
  };
}

function linePoint(lines: Lines, line: number): Position {
  const offset = lines.starts[line - 1] ?? lines.text.length;
  const point = { line, column: 1, offset };
  return { start: point, end: { ...point } };
}

function withPosition<T extends Nodes>(node: T, position: Position | undefined): T {
  if (position) node.position = position;
  return node;
}

/** Read block tokens into `parent` until the closing token `close` (or the end). */
function blocks(state: State, parent: Parent, close: string | undefined): void {
  const { tokens, lines } = state;
  const children = parent.children as RootContent[];
  while (state.index < tokens.length) {
    const token = tokens[state.index++] as Token;
    const type = token.type;
    if (type === close) return;
    const position = blockPosition(lines, token.map);
    switch (type) {
      case 'paragraph_open': {
        const inline = tokens[state.index++] as Token;
        state.index++; // paragraph_close
        // A tight definition (`<dd>text</dd>`) has its paragraph hidden; list items keep theirs
        // (their looseness is worked out from the tree, as remark does).
        if (token.hidden && extension(parent)) {
          children.push(...(phrasing(inline, lines) as unknown as RootContent[]));
          break;
        }
        children.push(withData(withPosition({ type: 'paragraph', children: phrasing(inline, lines) }, position), token));
        break;
      }
      case 'heading_open': {
        const inline = tokens[state.index++] as Token;
        state.index++;
        const depth = Number(token.tag.slice(1)) as Heading['depth'];
        children.push(withData(withPosition({ type: 'heading', depth, children: phrasing(inline, lines) }, position), token));
        break;
      }
      case 'inline':
        // Inside an extension's block (a `<dt>`): its phrasing content.
        children.push(...(phrasing(token, lines) as unknown as RootContent[]));
        break;
      case 'hr':
        children.push(withPosition({ type: 'thematicBreak' }, position));
        break;
      case 'blockquote_open': {
        const node: Blockquote = withPosition({ type: 'blockquote', children: [] }, position);
        blocks(state, node, 'blockquote_close');
        children.push(node);
        break;
      }
      case 'bullet_list_open':
      case 'ordered_list_open':
        children.push(list(state, token, position));
        break;
      case 'code_block':
        children.push(withPosition({ type: 'code', lang: null, meta: null, value: token.content.replace(/\n$/, '') }, position));
        break;
      case 'fence':
        children.push(fence(token, position, state.unescape));
        break;
      case 'html_block': {
        // An unclosed `<script>`/`<!--`/... block at the top level runs to the end of the text,
        // and micromark keeps that text's final line ending in it.
        const keepAll = close === undefined && unclosedRawHtml(token.content);
        children.push(withPosition({ type: 'html', value: keepAll ? token.content : token.content.replace(/\n$/, '') }, position));
        break;
      }
      case 'table_open':
        children.push(table(state, position));
        break;
      case 'footnote_reference_open': {
        const label = String((token.meta as { label?: string } | null)?.label ?? '');
        const node: FootnoteDefinition = withPosition(
          { type: 'footnoteDefinition', identifier: identifier(label), label, children: [] },
          position,
        );
        blocks(state, node, 'footnote_reference_close');
        children.push(node);
        break;
      }
      default: {
        // An extension's block (definition lists): an element node named by `data.hName`.
        if (token.nesting === 1 && token.tag) {
          const node = extensionNode(token);
          if (position) node.position = position;
          blocks(state, node, type.replace(/_open$/, '_close'));
          children.push(node as unknown as RootContent);
        }
        // Anything else is skipped rather than failing the page.
        break;
      }
    }
  }
}

/** A node made for an extension's token: what `data.hName` / `hProperties` say it becomes. */
interface ExtensionNode {
  type: 'extension';
  data: { hName: string; hProperties: Record<string, unknown> };
  children: Array<RootContent | PhrasingContent>;
  position?: Position;
}

function extension(node: Parent): boolean {
  return (node as { type: string }).type === 'extension';
}

function extensionNode(token: Token): ExtensionNode & Parent {
  return { type: 'extension', data: { hName: token.tag, hProperties: properties(token, none) }, children: [] } as unknown as ExtensionNode & Parent;
}

const none: ReadonlySet<string> = new Set();
const linkAttributes: ReadonlySet<string> = new Set(['href', 'title']);
const imageAttributes: ReadonlySet<string> = new Set(['src', 'alt', 'title']);

/** A token's attributes (from markdown-it-attrs or a plugin) as hast properties, minus `skip`. */
function properties(token: Token, skip: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of token.attrs ?? []) {
    if (skip.has(name)) continue;
    const info = find(html, name);
    if (info.property === 'className') out.className = value.split(/\s+/).filter(Boolean);
    else out[info.property] = value;
  }
  return out;
}

/** Attach a token's extra attributes (`{: #id .class }`) to a node. */
function withData<T extends Nodes>(node: T, token: Token, skip: ReadonlySet<string> = none): T {
  if (!token.attrs || token.attrs.length === 0) return node;
  const props = properties(token, skip);
  if (Object.keys(props).length > 0) node.data = { ...node.data, hProperties: props } as T['data'];
  return node;
}

const rawHtmlKinds: Array<[RegExp, RegExp]> = [
  [/^ {0,3}<(?:script|pre|style|textarea)(?:[ \t>]|$)/im, /<\/(?:script|pre|style|textarea)>/i],
  [/^ {0,3}<!--/, /-->/],
  [/^ {0,3}<\?/, /\?>/],
  [/^ {0,3}<![A-Za-z]/, />/],
  [/^ {0,3}<!\[CDATA\[/, /\]\]>/],
];

/** HTML blocks of CommonMark kinds 1-5 that never meet their end condition. */
function unclosedRawHtml(content: string): boolean {
  for (const [start, end] of rawHtmlKinds) {
    const match = start.exec(content);
    if (match && match.index === 0) return !end.test(content.slice(match[0].length));
  }
  return false;
}

function fence(token: Token, position: Position | undefined, unescape: Unescape): Code {
  // micromark splits the raw info string at the first space or tab, then decodes each part.
  const info = token.info.trim();
  const split = info.search(/[ \t]/);
  const rawLang = split === -1 ? info : info.slice(0, split);
  const rawMeta = split === -1 ? '' : info.slice(split).trim();
  return withPosition(
    {
      type: 'code',
      lang: rawLang === '' ? null : unescape(rawLang),
      meta: rawMeta === '' ? null : unescape(rawMeta),
      value: token.content.replace(/\n$/, ''),
    },
    position,
  );
}

function list(state: State, open: Token, position: Position | undefined): List {
  const { tokens, lines } = state;
  const ordered = open.type === 'ordered_list_open';
  const close = ordered ? 'ordered_list_close' : 'bullet_list_close';
  const start = ordered ? Number(open.attrGet('start') ?? 1) : null;
  const node: List = withPosition({ type: 'list', ordered, start, spread: false, children: [] }, position);
  let loose = false;
  const itemStarts: number[] = [];
  while (state.index < tokens.length) {
    const token = tokens[state.index++] as Token;
    if (token.type === close) break;
    if (token.type !== 'list_item_open') continue;
    const item: ListItem = withPosition({ type: 'listItem', spread: false, checked: null, children: [] }, blockPosition(lines, token.map));
    if (!loose && firstParagraphShown(state)) loose = true;
    const firstInline = tokens[state.index + 1];
    blocks(state, item, 'list_item_close');
    item.spread = spreadInside(lines, item);
    taskListItem(item, firstInline);
    if (token.map) itemStarts.push(token.map[0] + 1);
    node.children.push(item);
  }
  // micromark: the list is spread when a blank line separates two items, each item when a
  // blank line separates two of its children. markdown-it only says loose or tight.
  for (let i = 1; i < itemStarts.length; i++) {
    if (isBlank(lines, (itemStarts[i] as number) - 1)) node.spread = true;
  }
  if (loose && !node.spread && !node.children.some((c) => c.spread)) node.spread = true;
  if (!loose) {
    node.spread = false;
    for (const item of node.children) item.spread = false;
  }
  return node;
}

/** markdown-it marks every paragraph of a tight list `hidden`: is this item's first one shown? */
function firstParagraphShown(state: State): boolean {
  const { tokens } = state;
  let depth = 0;
  for (let i = state.index; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    if (token.type === 'list_item_close' && depth === 0) return false;
    if (token.type === 'bullet_list_open' || token.type === 'ordered_list_open') depth++;
    else if (token.type === 'bullet_list_close' || token.type === 'ordered_list_close') depth--;
    else if (depth === 0 && token.type === 'paragraph_open') return !token.hidden;
  }
  return false;
}

function spreadInside(lines: Lines, item: ListItem): boolean {
  for (let i = 1; i < item.children.length; i++) {
    const prev = item.children[i - 1]?.position;
    const next = item.children[i]?.position;
    if (!prev || !next) continue;
    for (let line = prev.end.line + 1; line < next.start.line; line++) if (isBlank(lines, line)) return true;
  }
  return false;
}

/** GFM task list items: `[ ]`/`[x]` opening the item's first paragraph, then space or a line end. */
function taskListItem(item: ListItem, inline: Token | undefined): void {
  const paragraph = item.children[0];
  if (paragraph?.type !== 'paragraph') return;
  // Checked against the source (an escaped `\[` is no check box), then cut off the text.
  const match = inline?.type === 'inline' ? taskCheck.exec(inline.content) : null;
  const head = paragraph.children[0];
  if (!match || head?.type !== 'text' || !head.value.startsWith(match[0])) return;
  item.checked = match[1] === 'x' || match[1] === 'X';
  head.value = head.value.slice(match[0].length + 1);
  if (head.value === '') paragraph.children.shift();
}

function table(state: State, position: Position | undefined): Table {
  const { tokens, lines } = state;
  const node: Table = withPosition({ type: 'table', align: [], children: [] }, position);
  let row: TableRow | undefined;
  let firstRow = true;
  while (state.index < tokens.length) {
    const token = tokens[state.index++] as Token;
    if (token.type === 'table_close') break;
    if (token.type === 'tr_open') {
      row = withPosition({ type: 'tableRow', children: [] }, blockPosition(lines, token.map));
      node.children.push(row);
    } else if (token.type === 'tr_close') {
      firstRow = false;
    } else if ((token.type === 'th_open' || token.type === 'td_open') && row) {
      if (firstRow) node.align?.push(alignOf(token));
      const inline = tokens[state.index];
      const children: PhrasingContent[] = [];
      if (inline?.type === 'inline') {
        state.index++;
        children.push(...phrasing(inline, lines, row.position?.start.line));
      }
      const cell: TableCell = { type: 'tableCell', children };
      if (row.position) cell.position = { start: { ...row.position.start }, end: { ...row.position.end } };
      row.children.push(cell);
    }
  }
  return node;
}

function alignOf(token: Token): AlignType {
  const style = attr(token, 'style');
  if (!style) return null;
  const match = /text-align:(left|right|center)/.exec(style);
  return (match?.[1] as AlignType | undefined) ?? null;
}

interface InlineFrame {
  children: PhrasingContent[];
}

/** Inline tokens of one block into phrasing content, tracking the line for links and images. */
function phrasing(inline: Token, lines: Lines, firstLine?: number): PhrasingContent[] {
  const hilite = lines.inlineHilite;
  const root: InlineFrame = { children: [] };
  const stack: InlineFrame[] = [root];
  // Table cells have no map of their own: their row's line is passed in.
  let line = inline.map ? inline.map[0] + 1 : (firstLine ?? 1);
  const children = inline.children ?? [];
  for (let i = 0; i < children.length; i++) {
    const token = children[i] as Token;
    const top = stack[stack.length - 1] as InlineFrame;
    switch (token.type) {
      case 'text':
      case 'text_special':
        pushText(top.children, token.content);
        break;
      case 'softbreak':
        pushText(top.children, '\n');
        line++;
        break;
      case 'hardbreak':
        top.children.push({ type: 'break' });
        line++;
        break;
      case 'code_inline':
        top.children.push(inlineCode(token, hilite));
        break;
      case 'emoji':
        top.children.push(emojiImage(token.markup, token.content) as unknown as PhrasingContent);
        break;
      case 'html_inline':
        top.children.push({ type: 'html', value: token.content });
        line += countNewlines(token.content);
        break;
      case 'em_open':
      case 'strong_open':
      case 's_open': {
        const node = {
          type: token.type === 'em_open' ? 'emphasis' : token.type === 'strong_open' ? 'strong' : 'delete',
          children: [],
        } as unknown as PhrasingContent & InlineFrame;
        top.children.push(withData(node, token));
        stack.push(node);
        break;
      }
      case 'link_open': {
        const node = {
          type: 'link' as const,
          url: attr(token, 'href') ?? '',
          title: attr(token, 'title') ?? null,
          children: [] as PhrasingContent[],
          position: linePoint(lines, line),
        };
        top.children.push(withData(node, token, linkAttributes));
        stack.push(node);
        break;
      }
      case 'em_close':
      case 'strong_close':
      case 's_close':
      case 'link_close':
        if (stack.length > 1) stack.pop();
        break;
      case 'image': {
        const alt = toText(phrasing(token, lines, line));
        top.children.push(
          withData(
            { type: 'image', url: attr(token, 'src') ?? '', title: attr(token, 'title') ?? null, alt, position: linePoint(lines, line) },
            token,
            imageAttributes,
          ),
        );
        line += countNewlines(alt);
        break;
      }
      case 'footnote_ref': {
        const label = String((token.meta as { label?: string } | null)?.label ?? '');
        top.children.push({ type: 'footnoteReference', identifier: identifier(label), label });
        break;
      }
      default:
        // Extensions' inline elements (`<mark>`, `<ins>`, `<sub>`, `<abbr>`, keys, critic marks).
        if (token.nesting === 1 && token.tag) {
          const node = extensionNode(token) as unknown as PhrasingContent & InlineFrame;
          top.children.push(node);
          stack.push(node);
        } else if (token.nesting === -1 && stack.length > 1 && (top as { type?: string }).type === 'extension') {
          stack.pop();
        }
        break;
    }
  }
  return root.children;
}

// pymdownx.inlinehilite: `` `#!python code` `` is highlighted code of that language.
const shebang = /^#!([\w+#.-]+)[ \t]+/;

function inlineCode(token: Token, hilite: boolean): PhrasingContent {
  const match = hilite ? shebang.exec(token.content) : null;
  if (!match) return { type: 'inlineCode', value: token.content };
  return {
    type: 'inlineCode',
    value: token.content.slice(match[0].length),
    data: { hProperties: { className: [`language-${match[1]}`, 'highlight'] } },
  };
}

function attr(token: Token, name: string): string | undefined {
  const value = token.attrGet(name);
  return value === null ? undefined : String(value);
}

function pushText(children: PhrasingContent[], value: string): void {
  const last = children[children.length - 1];
  if (last?.type === 'text') last.value += value;
  else children.push({ type: 'text', value });
}

function countNewlines(value: string): number {
  let n = 0;
  for (let at = value.indexOf('\n'); at !== -1; at = value.indexOf('\n', at + 1)) n++;
  return n;
}

/** What `mdast-util-to-string` makes of an image label: its text, code and HTML, nested images' alt. */
function toText(nodes: PhrasingContent[]): string {
  let out = '';
  for (const node of nodes) {
    if ('value' in node) out += node.value;
    else if (node.type === 'image') out += node.alt ?? '';
    else if ('children' in node) out += toText(node.children as PhrasingContent[]);
  }
  return out;
}

/** micromark's `normalizeIdentifier`, lowercased as mdast stores identifiers. */
function identifier(label: string): string {
  return label
    .replace(/[\t\n\r ]+/g, ' ')
    .replace(/^ | $/g, '')
    .toLowerCase()
    .toUpperCase()
    .toLowerCase();
}

/** `md.utils.unescapeAll`: backslash escapes and character references, as markdown-it decodes them. */
export type Unescape = (text: string) => string;
