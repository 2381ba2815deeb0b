import path from 'node:path';
import { isPathInside } from '@portalkit/core';
import type { BelowRequiredLevel, CheckResult, Scorecard, ScorecardResult } from '@portalkit/scorecards';
import { createCliLogger } from '../cli-logger.js';
import { defineCommand } from '../command.js';
import type { CliIo, CommandGroup } from '../command.js';
import { displayPath } from '../display-path.js';
import { expandFileArguments } from '../files.js';
import type { ProcessingErrorLine } from '../processing-errors.js';
import { UsageError } from '../usage-error.js';

const check = defineCommand({
  name: 'check',
  summary: 'Check that entities reach a scorecard level (a CI gate)',
  usage: '<location...> [--level <id> | --level <scorecardId>=<levelId> ...] [--scorecard <file>] [--format text|json] [--root dir]',
  description:
    'Read the locations (files or globs; Location entities in them are followed) and the --scorecard files into an\n' +
    'in-memory catalog that knows `kind: Scorecard` and the built-in checks, evaluate every scorecard found, and\n' +
    'print per entity its level and percentage on each scorecard and the failed checks that keep it below the\n' +
    'required level, with their messages. The required level is --level <id> for every scorecard, or\n' +
    '--level <scorecardId>=<levelId> for one (repeatable; overrides the former); default the first level of each.\n' +
    'Processing errors (bad YAML, an invalid Scorecard) are printed with file:line.\n' +
    'Exit code 0 when every entity reaches its required level, 1 when any does not or on processing errors,\n' +
    '2 on usage errors (no scorecard found, unknown scorecard or level id).',
  examples: [
    'portalkit scorecard check catalog-info.yaml --scorecard scorecards/readiness.yaml --level silver',
    "portalkit scorecard check 'services/*/catalog-info.yaml' scorecards.yaml --level readiness=gold --level docs=basic",
    'portalkit scorecard check catalog-info.yaml --scorecard readiness.yaml --format json > scorecards.json',
  ],
  args: { min: 1 },
  options: {
    level: { type: 'string', value: 'id|scorecard=id', multiple: true, description: 'Level to reach: for every scorecard, or scorecardId=levelId for one' },
    scorecard: { type: 'string', value: 'file', multiple: true, description: 'A YAML file with kind: Scorecard documents, added to the locations' },
    format: { type: 'string', value: 'text|json', choices: ['text', 'json'], default: 'text', description: 'Output format; json prints { ok, entities, processingErrors }' },
    root: { type: 'string', value: 'dir', description: 'Files outside this directory are not read (default: the working directory)' },
  },
  async run({ values, positionals, io }) {
    const rootDir = path.resolve(io.cwd, values.root ?? '.');
    const targets = await locationTargets(positionals, values.scorecard ?? [], io.cwd, rootDir);
    // Loaded on use: `--help` and the other commands do not pay for the catalog and the scorecards.
    const [{ builtinKinds, createCatalog }, scorecards, { listProcessingErrors, printProcessingErrors }] = await Promise.all([
      import('@portalkit/catalog'),
      import('@portalkit/scorecards'),
      import('../processing-errors.js'),
    ]);
    const checks = scorecards.builtinChecks();
    const kinds = [...builtinKinds, scorecards.scorecardKind];
    const catalog = createCatalog({
      rootDir,
      kinds,
      // The operator named every location: each may contribute every kind this command knows.
      rules: [{ allow: kinds.map((k) => k.kind) }],
      // Unknown check ids become processing errors at their file:line.
      processors: [scorecards.scorecardProcessor({ checks })],
      logger: createCliLogger(io),
    });
    for (const target of targets) await catalog.addLocation({ type: 'file', target });

    const processing = await listProcessingErrors(catalog);
    const { items } = await catalog.getEntities({ filter: { kind: 'scorecard' } });
    // The operator named every location, so every Scorecard in them counts; each is shown and
    // selected (--level id=level) by its short ref, `name` or `namespace/name`.
    const cards: Scorecard[] = items.map((entity) => {
      const card = scorecards.scorecardFromEntity(entity, checks);
      return { ...card, id: scorecards.shortScorecardId(card.id) };
    });
    const json = values.format === 'json';
    if (cards.length === 0) {
      const where = [...positionals, ...(values.scorecard ?? [])].join(', ');
      if (processing.errors.length === 0) {
        throw new UsageError(`no kind: Scorecard entity found in ${where}; add one to a location or pass --scorecard <file>`);
      }
      // Most likely the scorecard itself is broken: its errors say why.
      if (json) io.stdout.write(`${JSON.stringify({ ok: false, requiredLevels: {}, entities: [], processingErrors: processing.errors }, null, 2)}\n`);
      else printProcessingErrors(io.stdout, processing);
      io.stderr.write(`error: no usable kind: Scorecard entity in ${where}\n`);
      return 1;
    }

    const requiredLevel = requiredLevels(values.level ?? [], cards);
    const result = await scorecards.checkScorecards({ catalog, scorecards: cards, requiredLevel });
    const ok = result.ok && processing.errors.length === 0;
    const report = entityReports(result.results, result.below, requiredLevel);
    if (json) {
      io.stdout.write(`${JSON.stringify({ ok, requiredLevels: requiredLevel, entities: report, processingErrors: processing.errors }, null, 2)}\n`);
    } else {
      printReport(io, report, cards);
      if (processing.errors.length) printProcessingErrors(io.stdout, processing);
      printSummary(io, report, result.below, processing.errors);
    }
    return ok ? 0 : 1;
  },
});

/**
 * The catalog locations: the arguments, then the --scorecard files, each unless every file it
 * matches was matched before.
 * Each must match a file below the root; a directory is refused because a file location is a
 * file or a glob.
 */
async function locationTargets(args: readonly string[], scorecardFiles: readonly string[], cwd: string, rootDir: string): Promise<string[]> {
  const matched = new Set<string>();
  const targets: string[] = [];
  for (const arg of [...args, ...scorecardFiles]) {
    const files = await expandFileArguments([arg], cwd);
    if (files.some((f) => f.fromDirectory)) {
      throw new UsageError(`${arg} is a directory; give a file or a glob such as '${path.join(arg, '**/catalog-info.yaml')}'`);
    }
    for (const { file } of files) {
      if (!isPathInside(rootDir, file)) throw new UsageError(`${displayPath(file, cwd)} is outside the catalog root ${rootDir} (see --root)`);
    }
    // A file registered twice would be one entity claimed by two locations.
    if (files.every((f) => matched.has(f.file))) continue;
    files.forEach((f) => matched.add(f.file));
    const target = path.resolve(cwd, arg);
    if (!targets.includes(target)) targets.push(target);
  }
  return targets;
}

/**
 * The level each scorecard must reach, from the --level values: `id` for all, `scorecard=id` for
 * one (wins over `id`), default each scorecard's first level. Unknown ids are usage errors.
 */
function requiredLevels(levels: readonly string[], cards: readonly Scorecard[]): Record<string, string> {
  let all: string | undefined;
  const perCard = new Map<string, string>();
  for (const value of levels) {
    const eq = value.indexOf('=');
    if (eq < 0) {
      if (all !== undefined && all !== value) throw new UsageError(`--level ${all} and --level ${value}: give one level for all scorecards, or scorecardId=levelId`);
      all = value;
      continue;
    }
    const id = value.slice(0, eq);
    const level = value.slice(eq + 1);
    if (!id || !level) throw new UsageError(`--level ${value}: expected <levelId> or <scorecardId>=<levelId>`);
    if (!cards.some((c) => c.id === id)) throw new UsageError(`--level ${value}: no scorecard ${id}; scorecards: ${cards.map((c) => c.id).join(', ')}`);
    perCard.set(id, level);
  }
  const required: Record<string, string> = {};
  for (const card of cards) {
    const wanted = perCard.get(card.id) ?? all ?? card.levels[0]!.id;
    if (!card.levels.some((l) => l.id === wanted)) {
      throw new UsageError(`unknown level '${wanted}' for scorecard ${card.id}; its levels: ${card.levels.map((l) => l.id).join(', ')}`);
    }
    required[card.id] = wanted;
  }
  return required;
}

/** One scorecard's result for an entity, as printed and as the json output has it. */
interface ScorecardLine {
  scorecardId: string;
  requiredLevel: string;
  /** Whether the entity reaches the required level. */
  passed: boolean;
  /** Absent when the entity reaches no level. */
  level?: string;
  percentage: number;
  /** Failed checks of the required level and those below: what to fix. */
  failingChecks: CheckResult[];
  /** Every check that applied, with its status and message. */
  checks: CheckResult[];
}

interface EntityReport {
  entityRef: string;
  passed: boolean;
  scorecards: ScorecardLine[];
}

function entityReports(results: readonly ScorecardResult[], below: readonly BelowRequiredLevel[], required: Record<string, string>): EntityReport[] {
  const key = (r: { entityRef: string; scorecardId: string }) => `${r.entityRef}\n${r.scorecardId}`;
  const belowByKey = new Map(below.map((b) => [key(b), b]));
  const byEntity = new Map<string, EntityReport>();
  for (const r of results) {
    const failing = belowByKey.get(key(r));
    const entry = byEntity.get(r.entityRef) ?? { entityRef: r.entityRef, passed: true, scorecards: [] };
    entry.passed &&= !failing;
    entry.scorecards.push({
      scorecardId: r.scorecardId,
      requiredLevel: required[r.scorecardId]!,
      passed: !failing,
      ...(r.level !== undefined ? { level: r.level } : {}),
      percentage: r.percentage,
      failingChecks: failing?.failingChecks ?? [],
      checks: r.checks,
    });
    byEntity.set(r.entityRef, entry);
  }
  return [...byEntity.values()];
}

function printReport(io: CliIo, report: readonly EntityReport[], cards: readonly Scorecard[]): void {
  const width = Math.max(0, ...cards.map((c) => c.id.length));
  for (const entity of report) {
    io.stdout.write(`${entity.entityRef}\n`);
    for (const s of entity.scorecards) {
      const verdict = s.passed ? `ok (required ${s.requiredLevel})` : `below ${s.requiredLevel}`;
      io.stdout.write(`  ${s.scorecardId.padEnd(width)}  ${s.level ?? 'no level'}  ${s.percentage}%  ${verdict}\n`);
      for (const c of s.failingChecks) io.stdout.write(`    fail ${c.checkId} [${c.level}]: ${c.message}\n`);
    }
  }
}

function printSummary(io: CliIo, report: readonly EntityReport[], below: readonly BelowRequiredLevel[], errors: readonly ProcessingErrorLine[]): void {
  const plural = (n: number, word: string, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;
  const failed = report.filter((e) => !e.passed).length;
  const parts = report.length
    ? [`${plural(report.length, 'entity', 'entities')} checked`, failed ? `${failed} below the required level (${plural(below.length, 'result')})` : 'all reach the required level']
    : ['no entity in scope of the scorecards'];
  if (errors.length) parts.push(plural(errors.length, 'processing error'));
  (failed || errors.length ? io.stderr : io.stdout).write(`${parts.join(', ')}\n`);
}

/**
 * `portalkit scorecard ...`.
 *
 * @example
 * ```ts
 * await runCli(['scorecard', 'check', 'catalog-info.yaml', '--scorecard', 'readiness.yaml', '--level', 'silver'], io);
 * ```
 */
export const scorecardCommands: CommandGroup = { name: 'scorecard', summary: 'Check catalog entities against scorecards', commands: [check] };
