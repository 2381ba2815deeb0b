export { DEFAULT_CATALOG_RULES, parseCatalogRules, parseLocationRules } from './catalog-rule.js';
export type { CatalogRule, CatalogRuleAllow, CatalogRuleLocation } from './catalog-rule.js';
export { createCatalogRulesEnforcer } from './rules-enforcer.js';
export type { CatalogRulesEnforcer, CatalogRulesEnforcerOptions, ConfiguredLocation } from './rules-enforcer.js';
