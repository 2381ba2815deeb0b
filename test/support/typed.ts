import { CustomErrorBase } from '@portalkit/core';
import { expect } from 'vitest';

/**
 * Run `work` and accept either a result or one of core's typed errors; anything else thrown
 * (a TypeError, a RangeError from a stack overflow, a plain Error) fails the property.
 */
export async function resultOrTypedError<T>(work: () => T | Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: CustomErrorBase }> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    if (error instanceof CustomErrorBase) return { ok: false, error };
    throw new Error(`expected a result or a typed portalkit error, got ${describe(error)}`, { cause: error });
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.constructor.name}: ${error.message.slice(0, 300)}`;
  return String(error);
}

/** Keys a naive merge would turn into a prototype write. */
export const pollutionKeys = ['__proto__', 'constructor', 'prototype'] as const;

/** Fails when anything was added to `Object.prototype` (by any test in this file). */
export function expectPrototypeClean(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(baseline);
  const probe = {} as Record<string, unknown>;
  expect(probe.polluted).toBeUndefined();
  expect(probe.isAdmin).toBeUndefined();
}
const baseline = Object.getOwnPropertyNames(Object.prototype).sort();

/** fast-check run settings shared by the suites: few runs, and a time budget per case (the seed: test/support/fast-check-seed.ts). */
export const fuzzRuns = { numRuns: 60, timeout: 5_000 } as const;
