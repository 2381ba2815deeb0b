/**
 * Package boundaries (docs/architecture.md, "Who may import whom"), checked by `pnpm boundaries`
 * on packages/*\/src and examples/*\/src. Workspace imports (`@portalkit/x`) resolve through
 * tsconfig.json's paths to `packages/x/src/index.ts`, so every rule is written on file paths.
 *
 * @type {import('dependency-cruiser').IConfiguration}
 */
const fs = require('node:fs');
const path = require('node:path');

const pkg = (names) => `^packages/(${names.join('|')})/`;
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * A package's public entries, read from its package.json `exports`: `.` is `src/index.ts`, a
 * subpath `./x` is `src/x/index.ts` (the same convention as vitest.config.ts's aliases and
 * tsconfig.json's paths), so a new package or entry needs no change here.
 */
const publicEntries = fs.readdirSync(path.join(__dirname, 'packages')).flatMap((dir) => {
  const file = path.join(__dirname, 'packages', dir, 'package.json');
  if (!fs.existsSync(file)) return [];
  const exportsField = JSON.parse(fs.readFileSync(file, 'utf8')).exports ?? { '.': null };
  return Object.keys(exportsField)
    .filter((subpath) => subpath !== './package.json')
    .map((subpath) => `packages/${dir}/src/${subpath === '.' ? '' : `${subpath.slice(2)}/`}index.ts`);
});
const publicEntry = `^(${publicEntries.map(escape).join('|')})$`;
// A package's HTTP handler lives in src/http.ts or src/http/handler.ts.
const handlerFile = '^packages/[^/]+/src/(http|http/handler)\\.ts$';

module.exports = {
  forbidden: [
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'Every import resolves (a deep `@portalkit/x/src/...` import does not: packages export only their entries).',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles, between packages or inside one (type-only imports count too).',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-imports-no-package',
      severity: 'error',
      comment: '@portalkit/core is the bottom layer: it imports no other package.',
      from: { path: pkg(['core']) },
      to: { path: '^packages/', pathNot: pkg(['core']) },
    },
    {
      name: 'catalog-model-imports-core-only',
      severity: 'error',
      comment: '@portalkit/catalog-model (refs, entity schemas, event topics) imports @portalkit/core only.',
      from: { path: pkg(['catalog-model']) },
      to: { path: '^packages/', pathNot: pkg(['core', 'catalog-model']) },
    },
    {
      name: 'sql-imports-core-only',
      severity: 'error',
      comment: '@portalkit/sql (SqlClient, migrator, pg/PGlite clients) imports @portalkit/core only.',
      from: { path: pkg(['sql']) },
      to: { path: '^packages/', pathNot: pkg(['core', 'sql']) },
    },
    {
      name: 'integrations-import-below-only',
      severity: 'error',
      comment: '@portalkit/integrations imports core, catalog-model and sql only, never a feature package.',
      from: { path: pkg(['integrations']) },
      to: { path: '^packages/', pathNot: pkg(['core', 'catalog-model', 'sql', 'integrations']) },
    },
    {
      name: 'nothing-imports-the-top',
      severity: 'error',
      comment: '@portalkit/testing and @portalkit/cli sit on top: no library package imports them.',
      from: { path: '^packages/', pathNot: pkg(['testing', 'cli']) },
      to: { path: pkg(['testing', 'cli']) },
    },
    {
      name: 'no-deep-imports',
      severity: 'error',
      comment:
        'Another package is imported only through its public entry (`@portalkit/x` or `@portalkit/x/testing`), ' +
        'never `@portalkit/x/src/...` or `../../x/src/...`.',
      from: { path: '^(packages|examples)/([^/]+)/' },
      to: { path: '^packages/', pathNot: [publicEntry, '^$1/$2/'] },
    },
    {
      name: 'packages-by-name',
      severity: 'error',
      comment:
        'Another package is imported by its name (`@portalkit/x`), never by a relative path into packages/: ' +
        'a relative import would bundle its sources into this package when built.',
      from: { path: '^(packages|examples)/([^/]+)/' },
      to: { path: '^packages/', pathNot: '^$1/$2/', dependencyTypesNot: ['aliased'] },
    },
    {
      name: 'src-not-to-bench-or-test',
      severity: 'error',
      comment:
        'Shipped code and its helpers never import the repository\'s bench/, test/ or examples/ ' +
        '(only *.test.ts files may use test/support).',
      from: { path: '^packages/[^/]+/src/', pathNot: '\\.test\\.ts$' },
      to: { path: '^(bench|test|examples)/' },
    },
    {
      name: 'tests-not-to-bench',
      severity: 'error',
      comment: 'Tests share fixtures through test/support, not bench/.',
      from: { path: '^packages/[^/]+/src/.*\\.test\\.ts$' },
      to: { path: '^(bench|examples)/' },
    },
    {
      name: 'library-not-to-handler',
      severity: 'error',
      comment:
        'HTTP handler files import the library; the library never imports its handler. Only the composing ' +
        'modules (create-*.ts, plugin.ts, index.ts), the http/ folder and tests may import a handler.',
      from: {
        path: '^packages/[^/]+/src/',
        pathNot: ['^packages/[^/]+/src/(index|plugin|create-[^/]+)\\.ts$', '^packages/[^/]+/src/http/', '\\.test\\.ts$'],
      },
      to: { path: handlerFile },
    },
  ],
  options: {
    tsConfig: { fileName: 'tsconfig.json' },
    // Type-only imports are dependencies too: a cycle through types is still a cycle.
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules)/' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.d.ts'],
    },
    cache: false,
  },
};
