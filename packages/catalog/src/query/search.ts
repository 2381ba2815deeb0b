// Moved to @portalkit/catalog-model (permission conditions evaluate entities over the same rows).
export { buildEntitySearch } from '@portalkit/catalog-model';
export type { SearchRow } from '@portalkit/catalog-model';
