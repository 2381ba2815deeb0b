import { InputError } from '@portalkit/core';
import type { ProcessingError } from '../stores/types.js';

/**
 * A dry run's problems as one `InputError` (400), keeping the problems themselves so a
 * principal's view can rewrite their messages (see `redactProcessingErrors`).
 *
 * @example
 * ```ts
 * throw new LocationProblemsError('url:https://example.com/catalog-info.yaml', errors);
 * ```
 */
export class LocationProblemsError extends InputError {
  readonly locationRef: string;
  readonly problems: readonly ProcessingError[];

  constructor(locationRef: string, problems: readonly ProcessingError[]) {
    super(
      `Location ${locationRef} has ${problems.length} problem(s): ${problems
        .slice(0, 5)
        .map((e) => e.message)
        .join('; ')}`,
    );
    this.locationRef = locationRef;
    this.problems = problems;
  }
}
