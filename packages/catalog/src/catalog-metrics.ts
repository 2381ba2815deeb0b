import type { Metrics } from '@portalkit/core';
import type { PassItem } from './processing/engine.js';

/** What the catalog records about its ingestion: passes committed and refreshes run. */
export interface CatalogMetricsRecorder {
  /** Count the entities of a committed pass and their processing errors. */
  committed(items: Map<string, PassItem>): void;
  /** Time a refresh of `scope` (all, one entity, a refresh key). */
  timeRefresh<T>(scope: 'all' | 'entity' | 'key', fn: () => Promise<T>): Promise<T>;
}

/**
 * The catalog's metrics in `metrics`: `portalkit_catalog_entities_processed_total`,
 * `portalkit_catalog_processing_errors_total` and `portalkit_catalog_refresh_duration_seconds`
 * (by scope and result). No entity ref or location becomes a label value.
 */
export function createCatalogMetricsRecorder(metrics: Metrics): CatalogMetricsRecorder {
  const processed = metrics.counter({
    name: 'portalkit_catalog_entities_processed_total',
    help: 'Entities the catalog processed and committed, by result',
    labelNames: ['result'],
  });
  const errors = metrics.counter({ name: 'portalkit_catalog_processing_errors_total', help: 'Processing errors recorded on catalog entities' });
  const refreshes = metrics.histogram({
    name: 'portalkit_catalog_refresh_duration_seconds',
    help: 'Catalog refreshes, by scope and result',
    labelNames: ['scope', 'result'],
    buckets: [0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300],
  });
  return {
    committed(items) {
      let failed = 0;
      let errorCount = 0;
      for (const item of items.values()) {
        errorCount += item.errors.length;
        if (!item.processed || item.errors.length > 0) failed++;
      }
      if (items.size - failed > 0) processed.inc({ result: 'ok' }, items.size - failed);
      if (failed > 0) processed.inc({ result: 'error' }, failed);
      if (errorCount > 0) errors.inc({}, errorCount);
    },
    async timeRefresh(scope, fn) {
      const end = refreshes.startTimer({ scope });
      try {
        const result = await fn();
        end({ result: 'ok' });
        return result;
      } catch (error) {
        end({ result: 'error' });
        throw error;
      }
    },
  };
}
