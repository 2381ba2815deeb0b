import type { Metrics } from '@portalkit/core';

/** Records one finished task run. */
export type TaskRunRecorder = (outcome: { status: 'completed' | 'failed' | 'cancelled'; dryRun: boolean; seconds: number }) => void;

/**
 * The scaffolder's metrics in `metrics`: `portalkit_scaffolder_task_runs_total` and
 * `portalkit_scaffolder_task_duration_seconds`, by status and whether the run was a dry run.
 * Template names stay out of the labels (they are chosen by template authors).
 */
export function createTaskRunRecorder(metrics: Metrics): TaskRunRecorder {
  const runs = metrics.counter({ name: 'portalkit_scaffolder_task_runs_total', help: 'Scaffolder task runs, by status', labelNames: ['status', 'dry_run'] });
  const duration = metrics.histogram({
    name: 'portalkit_scaffolder_task_duration_seconds',
    help: 'Scaffolder task run durations, by status',
    labelNames: ['status', 'dry_run'],
    buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900],
  });
  return ({ status, dryRun, seconds }) => {
    const labels = { status, dry_run: String(dryRun) };
    runs.inc(labels);
    duration.observe(labels, seconds);
  };
}
