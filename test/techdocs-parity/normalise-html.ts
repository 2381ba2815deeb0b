import { fromHtml } from 'hast-util-from-html';

// hast's node shapes, as far as this reads them (the root has no @types/hast of its own).
type Root = ReturnType<typeof fromHtml>;
interface Element {
  type: 'element';
  tagName: string;
  properties: Record<string, unknown>;
  children: Nodes[];
}
type Nodes = Element | { type: 'text'; value: string } | { type: 'comment' | 'doctype' };

/**
 * The article of a built page as comparable lines: the HTML between `<article …>` and
 * `</article>` parsed (entities decoded, `<br/>` = `<br>`), whitespace runs collapsed and
 * whitespace between elements dropped, attributes and classes sorted, one tag or text per
 * line, so mkdocs' and portalkit's output compare structurally and diff readably.
 */
export function articleLines(page: string): string[] {
  const open = page.search(/<article[\s>]/);
  const close = page.lastIndexOf('</article>');
  if (open === -1 || close === -1) throw new Error('page has no <article>');
  const inner = page.slice(page.indexOf('>', open) + 1, close);
  const tree: Root = fromHtml(inner, { fragment: true });
  const lines: string[] = [];
  for (const child of tree.children as unknown as Nodes[]) write(child, 0, lines);
  return lines;
}

function write(node: Nodes, depth: number, lines: string[]): void {
  const pad = '  '.repeat(depth);
  if (node.type === 'text') {
    const text = node.value.replace(/\s+/g, ' ').trim();
    if (text !== '') lines.push(pad + JSON.stringify(text));
    return;
  }
  if (node.type !== 'element') return;
  lines.push(`${pad}<${node.tagName}${attributes(node)}>`);
  const children = node.tagName === 'template' ? [] : node.children;
  for (const child of children) write(child, depth + 1, lines);
}

function attributes(node: Element): string {
  const out: string[] = [];
  for (const [key, value] of Object.entries(node.properties)) {
    if (value === undefined || value === null || value === false || (Array.isArray(value) && value.length === 0)) continue;
    const text = Array.isArray(value) ? [...value].map(String).sort().join(' ') : value === true ? '' : String(value);
    out.push(text === '' ? key : `${key}=${JSON.stringify(text)}`);
  }
  return out.length > 0 ? ` ${out.sort().join(' ')}` : '';
}
