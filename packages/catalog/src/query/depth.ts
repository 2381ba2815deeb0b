import { InputError } from '@portalkit/core';

/**
 * Reject JSON nested deeper than `max` before a recursive parser walks it: filters and cursors
 * come from clients, and unbounded nesting would exhaust the stack.
 */
export function assertMaxDepth(value: unknown, max: number, what: string): void {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth > max) throw new InputError(`Invalid ${what}: nested deeper than ${max} levels`);
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
}
