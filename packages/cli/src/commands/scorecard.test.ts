import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, repoRoot, tempDir } from '../test-utils.js';

// A service repository each (good-service/, legacy-service/), the owning team, two scorecards.
const fixtures = path.join(repoRoot, 'packages/cli/fixtures/scorecards');
const lines = (text: string) => text.trimEnd().split('\n');

describe('portalkit scorecard check', () => {
  it('passes a service repository that reaches the required level (exit 0)', async () => {
    const { code, stdout, stderr } = await cli(
      ['scorecard', 'check', 'good-service/catalog-info.yaml', 'org.yaml', '--scorecard', 'readiness.yaml', '--level', 'silver'],
      fixtures,
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(lines(stdout)).toEqual([
      'component:default/payments',
      '  production-readiness  silver  83.3%  ok (required silver)',
      '1 entity checked, all reach the required level',
    ]);
  });

  it('fails an entity below the required level, naming the failed checks and their messages (exit 1)', async () => {
    const { code, stdout, stderr } = await cli(
      ['scorecard', 'check', '*-service/catalog-info.yaml', 'org.yaml', '--scorecard', 'readiness.yaml', '--level', 'silver'],
      fixtures,
    );
    expect(code).toBe(1);
    expect(lines(stdout)).toEqual([
      'component:default/legacy-billing',
      '  production-readiness  bronze  50%  below silver',
      '    fail has-techdocs [silver]: annotation backstage.io/techdocs-ref is missing',
      'component:default/payments',
      '  production-readiness  silver  83.3%  ok (required silver)',
    ]);
    expect(stderr).toBe('2 entities checked, 1 below the required level (1 result)\n');
  });

  it('requires the first level of each scorecard by default', async () => {
    const { code, stdout } = await cli(['scorecard', 'check', 'legacy-service/catalog-info.yaml', 'org.yaml', 'readiness.yaml'], fixtures);
    expect(code).toBe(0);
    expect(stdout).toContain('  production-readiness  bronze  50%  ok (required bronze)\n');
  });

  it('reads a file given twice once (no entity claimed by two locations)', async () => {
    const { code, stdout, stderr } = await cli(
      ['scorecard', 'check', 'good-service/catalog-info.yaml', 'org.yaml', 'readiness.yaml', '--scorecard', 'readiness.yaml', '--scorecard', './org.yaml'],
      fixtures,
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).not.toContain('Processing errors');
  });

  it('takes a level per scorecard, overriding the level for all', async () => {
    const args = ['scorecard', 'check', 'legacy-service/catalog-info.yaml', 'org.yaml', 'readiness.yaml', 'docs-scorecard.yaml'];
    const perCard = await cli([...args, '--level', 'production-readiness=bronze', '--level', 'documentation=complete'], fixtures);
    expect(perCard.code).toBe(1);
    expect(lines(perCard.stdout)).toEqual([
      'component:default/legacy-billing',
      '  documentation         basic  33.3%  below complete',
      '    fail has-techdocs [complete]: annotation backstage.io/techdocs-ref is missing',
      '    fail has-links [complete]: 0 links, needs 1',
      '  production-readiness  bronze  50%  ok (required bronze)',
    ]);
    // `--level basic` alone would fail production-readiness (it has no such level); the override spares it.
    const mixed = await cli([...args, '--level', 'production-readiness=bronze', '--level', 'basic'], fixtures);
    expect(mixed.stderr).toBe('');
    expect(mixed.code).toBe(0);
  });

  it('rejects an unknown level or scorecard id with a message naming it (exit 2)', async () => {
    const base = ['scorecard', 'check', 'good-service/catalog-info.yaml', '--scorecard', 'readiness.yaml'];
    const level = await cli([...base, '--level', 'platinum'], fixtures);
    expect(level.code).toBe(2);
    expect(level.stderr).toContain("error: unknown level 'platinum' for scorecard production-readiness; its levels: bronze, silver, gold\n");
    expect(level.stdout).toBe('');
    const card = await cli([...base, '--level', 'readyness=gold'], fixtures);
    expect(card.code).toBe(2);
    expect(card.stderr).toContain('error: --level readyness=gold: no scorecard readyness; scorecards: production-readiness\n');
  });

  it('is a usage error when no scorecard is found (exit 2)', async () => {
    const { code, stderr } = await cli(['scorecard', 'check', 'good-service/catalog-info.yaml', 'org.yaml'], fixtures);
    expect(code).toBe(2);
    expect(stderr).toContain('error: no kind: Scorecard entity found in good-service/catalog-info.yaml, org.yaml; add one to a location or pass --scorecard <file>');
    const missing = await cli(['scorecard', 'check', 'good-service/catalog-info.yaml', '--scorecard', 'nope.yaml'], fixtures);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('error: nope.yaml: no such file or directory');
  });

  it('reports an invalid Scorecard at its file:line (exit 1)', async () => {
    const alone = await cli(['scorecard', 'check', 'good-service/catalog-info.yaml', 'org.yaml', '--scorecard', 'broken-scorecard.yaml'], fixtures);
    expect(alone.code).toBe(1);
    expect(alone.stdout).toContain(
      '  scorecard:default/broken  broken-scorecard.yaml:10  InputError: scorecard:default/broken: spec.levels[0].checks[0].weight must be number, got string [type] (not served)\n',
    );
    expect(alone.stderr).toContain('error: no usable kind: Scorecard entity in');
    // Next to a good scorecard: the good one is still checked, and the run still fails.
    const beside = await cli(
      ['scorecard', 'check', 'good-service/catalog-info.yaml', 'org.yaml', '--scorecard', 'broken-scorecard.yaml', '--scorecard', 'readiness.yaml'],
      fixtures,
    );
    expect(beside.code).toBe(1);
    expect(beside.stdout).toContain('  production-readiness  silver  83.3%  ok (required bronze)\n');
    expect(beside.stdout).toContain('broken-scorecard.yaml:10');
    expect(beside.stderr).toBe('1 entity checked, all reach the required level, 1 processing error\n');
  });

  it('reports bad YAML and an unknown check id with file:line (exit 1)', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'catalog-info.yaml'), 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a\nspec: {type: service, owner: x\n');
    await writeFile(
      path.join(dir, 'scorecard.yaml'),
      'apiVersion: portalkit.dev/v1alpha1\nkind: Scorecard\nmetadata:\n  name: s\nspec:\n  levels:\n    - id: one\n      checks:\n        - has-owner\n        - has-oncall\n',
    );
    const { code, stdout } = await cli(['scorecard', 'check', 'catalog-info.yaml', '--scorecard', 'scorecard.yaml'], dir);
    expect(code).toBe(1);
    expect(stdout).toMatch(/ catalog-info\.yaml:\d+ {2}InputError: /);
    expect(stdout).toMatch(/scorecard:default\/s {2}scorecard\.yaml:10 {2}InputError: .*has-oncall/);
  });

  it('prints a machine-readable result with --format json', async () => {
    const { code, stdout } = await cli(
      ['scorecard', 'check', '*-service/catalog-info.yaml', 'org.yaml', 'readiness.yaml', '--level', 'silver', '--format', 'json'],
      fixtures,
    );
    expect(code).toBe(1);
    const result = JSON.parse(stdout) as {
      ok: boolean;
      requiredLevels: Record<string, string>;
      entities: { entityRef: string; passed: boolean; scorecards: { scorecardId: string; level?: string; percentage: number; passed: boolean; failingChecks: { checkId: string; message: string }[]; checks: unknown[] }[] }[];
      processingErrors: unknown[];
    };
    expect(result.ok).toBe(false);
    expect(result.requiredLevels).toEqual({ 'production-readiness': 'silver' });
    expect(result.processingErrors).toEqual([]);
    expect(result.entities.map((e) => [e.entityRef, e.passed])).toEqual([
      ['component:default/legacy-billing', false],
      ['component:default/payments', true],
    ]);
    const legacy = result.entities[0]!.scorecards[0]!;
    expect(legacy).toMatchObject({ scorecardId: 'production-readiness', level: 'bronze', percentage: 50, passed: false });
    expect(legacy.failingChecks.map((c) => [c.checkId, c.message])).toEqual([['has-techdocs', 'annotation backstage.io/techdocs-ref is missing']]);
    expect(legacy.checks).toHaveLength(5);
  });

  it('refuses a directory and files outside the root (exit 2)', async () => {
    const dir = await cli(['scorecard', 'check', 'good-service', '--scorecard', 'readiness.yaml'], fixtures);
    expect(dir.code).toBe(2);
    expect(dir.stderr).toContain('good-service is a directory; give a file or a glob');
    const outside = await cli(['scorecard', 'check', 'good-service/catalog-info.yaml', '--scorecard', 'readiness.yaml', '--root', 'legacy-service'], fixtures);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain('good-service/catalog-info.yaml is outside the catalog root');
  });

  it('has --help like the other commands', async () => {
    const { code, stdout } = await cli(['scorecard', 'check', '--help'], fixtures);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: portalkit scorecard check <location...> [--level <id> | --level <scorecardId>=<levelId> ...]');
    expect(stdout).toContain('--level <id|scorecard=id>');
    const main = await cli(['--help'], fixtures);
    expect(main.stdout).toContain('  scorecard check ');
  });
});
