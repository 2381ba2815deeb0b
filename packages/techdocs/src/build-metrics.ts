import type { Metrics } from '@portalkit/core';

/**
 * Record one docs build in `portalkit_techdocs_builds_total` and
 * `portalkit_techdocs_build_duration_seconds` by result: `ok`, `partial` (some pages failed) or
 * `error`. The entity stays out of the labels.
 */
export function recordDocsBuild(metrics: Metrics, result: 'ok' | 'partial' | 'error', seconds: number): void {
  metrics.counter({ name: 'portalkit_techdocs_builds_total', help: 'TechDocs builds, by result', labelNames: ['result'] }).inc({ result });
  metrics
    .histogram({
      name: 'portalkit_techdocs_build_duration_seconds',
      help: 'TechDocs build durations (generate and publish), by result',
      labelNames: ['result'],
      buckets: [0.1, 0.5, 1, 5, 15, 60, 300],
    })
    .observe({ result }, seconds);
}
