import { InputError } from '@portalkit/core';
import { describe, expect, it } from 'vitest';
import { MAX_NESTING_DEPTH, checkNesting, nestsDeeperThan, pageFailure } from './nesting.js';

interface Node {
  type: string;
  children?: Node[];
}

function chain(depth: number): Node {
  const root: Node = { type: 'root', children: [] };
  let node = root;
  for (let i = 0; i < depth; i++) {
    const child: Node = { type: 'element', children: [] };
    node.children = [child];
    node = child;
  }
  return root;
}

describe('nesting limit', () => {
  it('measures depth without recursing, whatever the depth', () => {
    expect(nestsDeeperThan(chain(MAX_NESTING_DEPTH), MAX_NESTING_DEPTH)).toBe(false);
    expect(nestsDeeperThan(chain(MAX_NESTING_DEPTH + 1), MAX_NESTING_DEPTH)).toBe(true);
    expect(nestsDeeperThan(chain(1_000_000), MAX_NESTING_DEPTH)).toBe(true);
    expect(nestsDeeperThan({ type: 'root', children: [{ type: 'text' }, { type: 'element', children: [] }] }, 0)).toBe(true);
    expect(nestsDeeperThan({ type: 'root', children: [] }, 0)).toBe(false);
  });

  it('throws an InputError naming the file, and treats a stack overflow as one', () => {
    expect(() => checkNesting(chain(300), { path: 'guide.md' })).toThrow(/^guide\.md: nested more than 256 levels deep/);
    const overflow = (() => {
      try {
        const recurse = (n: number): number => recurse(n + 1) + 1;
        return recurse(0);
      } catch (error) {
        return error;
      }
    })();
    expect(pageFailure(overflow, 'a.md')).toBeInstanceOf(InputError);
    expect(pageFailure(overflow, 'a.md')?.message).toMatch(/^a\.md: nested/);
    // Other errors, including a host plugin's own InputError, are not the page's failure.
    expect(pageFailure(new InputError('a.md: nested more than 256 levels deep'), 'a.md')).toBeUndefined();
    expect(pageFailure(new RangeError('Invalid array length'), 'a.md')).toBeUndefined();
  });
});
