import nunjucks from 'nunjucks';

/** What one template string uses, read from its syntax tree without running it. */
export interface TemplateExpressions {
  /** The parser's message when the string is not a valid template. */
  syntaxError?: string;
  /** Names of the filters it applies. */
  filters: string[];
  /**
   * Its literal `steps` paths: `steps.publish.output.remoteUrl` gives `['publish', 'output',
   * 'remoteUrl']`; a computed member (`steps[name]`) ends the path there.
   */
  stepReferences: string[][];
}

interface AstNode {
  typename: string;
  fields?: readonly string[];
  value?: unknown;
  [field: string]: unknown;
}

const parser = (nunjucks as unknown as { parser: { parse(src: string, extensions: unknown[], opts: object): AstNode } }).parser;

const isNode = (value: unknown): value is AstNode => typeof value === 'object' && value !== null && typeof (value as AstNode).typename === 'string';

function childrenOf(node: AstNode): AstNode[] {
  const out: AstNode[] = [];
  for (const field of node.fields ?? []) {
    const value = node[field];
    if (Array.isArray(value)) out.push(...value.filter(isNode));
    else if (isNode(value)) out.push(value);
  }
  return out;
}

/** `a.b["c"]` as its root node and literal member names (up to the first computed one). */
function flatten(node: AstNode): { root: AstNode; path: string[] } {
  const vals: AstNode[] = [];
  let current = node;
  while (current.typename === 'LookupVal' && isNode(current.target)) {
    vals.unshift(current.val as AstNode);
    current = current.target;
  }
  const path: string[] = [];
  for (const val of vals) {
    if (!isNode(val) || val.typename !== 'Literal' || (typeof val.value !== 'string' && typeof val.value !== 'number')) break;
    path.push(String(val.value));
  }
  return { root: current, path };
}

/** `{% set steps = ... %}` or `{% for steps in ... %}`: `steps` then means something else. */
function bindsSteps(node: AstNode): boolean {
  const bound = node.typename === 'Set' ? node.targets : node.typename === 'For' ? node.name : undefined;
  const symbols = Array.isArray(bound) ? bound : isNode(bound) && bound.typename === 'Array' ? childrenOf(bound) : [bound];
  return symbols.some((s) => isNode(s) && s.typename === 'Symbol' && s.value === 'steps');
}

/**
 * Read the filters and `steps` references of a template string (`${{ }}` delimiters, as step
 * inputs are written). Names bound by `{% set %}` or `{% for %}` as `steps` are not followed.
 *
 * @example
 * ```ts
 * readExpressions('${{ steps.publish.output.remoteUrl | lower }}');
 * // { filters: ['lower'], stepReferences: [['publish', 'output', 'remoteUrl']] }
 * ```
 */
export function readExpressions(source: string): TemplateExpressions {
  const out: TemplateExpressions = { filters: [], stepReferences: [] };
  if (!source.includes('{{') && !source.includes('{%')) return out;
  let root: AstNode;
  try {
    root = parser.parse(source, [], { autoescape: false, tags: { variableStart: '${{', variableEnd: '}}' } });
  } catch (error) {
    out.syntaxError = String((error as Error)?.message ?? error).replace(/\s+/g, ' ').trim();
    return out;
  }
  let shadowed = false;
  // A loop over a stack, not recursion: `x.a.a.a…` or `x | f | f…` parse into trees as deep as
  // the expression is long, and an untrusted template's may be 100,000 levels.
  const pending: Array<{ node: AstNode; inChain: boolean }> = [{ node: root, inChain: false }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { node, inChain } = next;
    if ((node.typename === 'Filter' || node.typename === 'FilterAsync') && isNode(node.name)) out.filters.push(String(node.name.value));
    if (bindsSteps(node)) shadowed = true;
    if (node.typename === 'LookupVal' && !inChain) {
      const { root: chainRoot, path } = flatten(node);
      if (chainRoot.typename === 'Symbol' && chainRoot.value === 'steps' && path.length) out.stepReferences.push(path);
    }
    // Pushed in reverse, so children are visited in source order, as before.
    const children = childrenOf(node);
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i]!;
      pending.push({ node: child, inChain: node.typename === 'LookupVal' && child === node.target });
    }
  }
  if (shadowed) out.stepReferences = [];
  return out;
}
