import { Counter, Histogram, Registry } from 'prom-client';
import { InputError } from './errors.js';

/**
 * A counter of a {@link Metrics} registry.
 * @example
 * ```ts
 * metrics.counter({ name: 'portalkit_docs_builds_total', help: 'Docs builds', labelNames: ['result'] }).inc({ result: 'ok' });
 * ```
 */
export interface MetricCounter {
  /** Add `value` (default 1) to the series named by `labels`. */
  inc(labels?: Record<string, string>, value?: number): void;
}

/**
 * A histogram of a {@link Metrics} registry (seconds, by convention).
 * @example
 * ```ts
 * const end = histogram.startTimer({ operation: 'query' });
 * await work();
 * end();
 * ```
 */
export interface MetricHistogram {
  observe(labels: Record<string, string>, value: number): void;
  /** Start timing; the returned function records the seconds elapsed, with extra labels. */
  startTimer(labels?: Record<string, string>): (more?: Record<string, string>) => void;
}

/**
 * Definition of a metric: a Prometheus name, its help text and the label names it may carry.
 * Label values must come from a small fixed set (an operation, a status class), never from
 * user input (entity names, URLs), or the series grow without bound.
 *
 * @example
 * ```ts
 * const definition: MetricDefinition = { name: 'portalkit_catalog_refreshes_total', help: 'Catalog refreshes', labelNames: ['result'] };
 * ```
 */
export interface MetricDefinition {
  name: string;
  help: string;
  labelNames?: readonly string[];
}

/**
 * The metrics of one portal: plugins create counters and histograms here (the portal hands it
 * to them as `context.metrics`), and the host renders them in Prometheus' text format. Each
 * portal has its own registry; nothing is global. Asking twice for a metric of the same name
 * and type returns the same metric, so two plugins (or two catalogs) may share one.
 *
 * @example
 * ```ts
 * const metrics = createMetrics();
 * metrics.counter({ name: 'jobs_total', help: 'Jobs run', labelNames: ['status'] }).inc({ status: 'ok' });
 * const text = await metrics.render(); // "# HELP jobs_total Jobs run\n# TYPE jobs_total counter\n..."
 * ```
 */
export interface Metrics {
  counter(definition: MetricDefinition): MetricCounter;
  histogram(definition: MetricDefinition & { buckets?: readonly number[] }): MetricHistogram;
  /** Every metric in the Prometheus text exposition format. */
  render(): Promise<string>;
  /** The `content-type` of {@link Metrics.render}'s text. */
  readonly contentType: string;
}

const namePattern = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const labelPattern = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Create a {@link Metrics} registry (backed by `prom-client`'s `Registry`, never its global one).
 *
 * @example
 * ```ts
 * const portal = createPortal({ plugins, metrics: { registry: createMetrics(), expose: true } });
 * ```
 */
export function createMetrics(): Metrics {
  const registry = new Registry();
  const kinds = new Map<string, 'counter' | 'histogram'>();

  const check = (definition: MetricDefinition, kind: 'counter' | 'histogram') => {
    if (!definition || typeof definition.name !== 'string' || !namePattern.test(definition.name)) {
      throw new InputError(`metrics: invalid metric name ${JSON.stringify(definition?.name)}`);
    }
    for (const label of definition.labelNames ?? []) {
      if (!labelPattern.test(label) || label.startsWith('__')) throw new InputError(`metrics: invalid label name ${JSON.stringify(label)} of ${definition.name}`);
    }
    const known = kinds.get(definition.name);
    if (known && known !== kind) throw new InputError(`metrics: ${definition.name} is already a ${known}`);
    return registry.getSingleMetric(definition.name);
  };

  return {
    contentType: registry.contentType,
    counter(definition) {
      const existing = check(definition, 'counter') as Counter | undefined;
      kinds.set(definition.name, 'counter');
      const counter =
        existing ?? new Counter({ name: definition.name, help: definition.help, labelNames: [...(definition.labelNames ?? [])], registers: [registry] });
      return { inc: (labels = {}, value = 1) => counter.inc(labels, value) };
    },
    histogram(definition) {
      const existing = check(definition, 'histogram') as Histogram | undefined;
      kinds.set(definition.name, 'histogram');
      const histogram =
        existing ??
        new Histogram({
          name: definition.name,
          help: definition.help,
          labelNames: [...(definition.labelNames ?? [])],
          ...(definition.buckets ? { buckets: [...definition.buckets] } : {}),
          registers: [registry],
        });
      return {
        observe: (labels, value) => histogram.observe(labels, value),
        startTimer: (labels = {}) => {
          const end = histogram.startTimer(labels);
          return (more = {}) => void end(more);
        },
      };
    },
    render: () => registry.metrics(),
  };
}
