import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEventBus } from '@portalkit/core';
import { builtinKinds, createCatalog } from '@portalkit/catalog';
import { builtinChecks } from './checks/index.js';
import { scorecardKind, scorecardProcessor } from './kind.js';
import { createScorecards } from './create-scorecards.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function catalogWith(files: Record<string, string>, withProcessor = false) {
  const dir = await mkdtemp(join(tmpdir(), 'pk-scorecard-kind-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  const events = createEventBus();
  const catalog = createCatalog({
    rootDir: dir,
    events,
    kinds: [...builtinKinds, scorecardKind],
    // The test's files are the host's catalog: Scorecards may come from them.
    rules: [{ allow: [...builtinKinds, scorecardKind].map((k) => k.kind) }],
    ...(withProcessor ? { processors: [scorecardProcessor({ checks: builtinChecks() })] } : {}),
  });
  await catalog.addLocation({ type: 'file', target: './catalog-info.yaml' });
  return { dir, catalog, events };
}

const org = `apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: team-a
spec:
  type: team
  children: []
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments
  description: Takes payments
spec:
  type: service
  lifecycle: production
  owner: team-a
`;

const readiness = (checks: string) => `apiVersion: portalkit.dev/v1alpha1
kind: Scorecard
metadata:
  name: readiness
  title: Production readiness
spec:
  appliesTo:
    kind: Component
  levels:
    - id: bronze
      checks:
${checks}
    - id: silver
      checks:
        - has-techdocs
`;

describe('kind: Scorecard', () => {
  it('reports invalid Scorecard YAML as processing errors with file and line', async () => {
    const bad = `apiVersion: portalkit.dev/v1alpha1
kind: Scorecard
metadata:
  name: broken
spec:
  levels:
    - id: bronze
      checks:
        - check: has-owner
          weight: heavy
`;
    const { catalog } = await catalogWith({ 'catalog-info.yaml': bad });
    const [report] = (await catalog.getProcessingErrors()).filter((r) => r.entityRef === 'scorecard:default/broken');
    expect(report?.served).toBe(false);
    expect(report?.errors[0]).toMatchObject({ file: 'catalog-info.yaml', line: 10, path: 'spec.levels[0].checks[0].weight' });
    expect(report?.errors[0]?.message).toMatch(/must be number, got string/);
    expect(await catalog.getEntityByRef('scorecard:default/broken')).toBeUndefined();
  });

  it('reports a missing levels list and a wrong apiVersion at their lines', async () => {
    const bad = `apiVersion: portalkit.dev/v1alpha1
kind: Scorecard
metadata:
  name: no-levels
spec:
  appliesTo:
    kind: Component
---
apiVersion: portalkit.dev/v9
kind: Scorecard
metadata:
  name: wrong-version
spec:
  levels: [{ id: a, checks: [] }]
`;
    const { catalog } = await catalogWith({ 'catalog-info.yaml': bad });
    const reports = await catalog.getProcessingErrors();
    const noLevels = reports.find((r) => r.entityRef === 'scorecard:default/no-levels')!.errors[0]!;
    expect(noLevels).toMatchObject({ path: 'spec.levels', line: 5 });
    const wrongVersion = reports.find((r) => r.entityRef === 'scorecard:default/wrong-version')!.errors[0]!;
    expect(wrongVersion.line).toBe(9);
    expect(wrongVersion.message).toMatch(/apiVersion/);
  });

  it('with scorecardProcessor, reports an unknown check at its line', async () => {
    const { catalog } = await catalogWith({ 'catalog-info.yaml': `${org}---\n${readiness('        - has-owner\n        - has-unicorns')}` }, true);
    const report = (await catalog.getProcessingErrors()).find((r) => r.entityRef === 'scorecard:default/readiness')!;
    // The Scorecard document starts at line 19, after the 18 lines of the org and `---`.
    expect(report.errors[0]).toMatchObject({ file: 'catalog-info.yaml', line: 31, path: 'spec.levels[0].checks[1]', rule: 'processor:scorecards' });
    expect(report.errors[0]!.message).toMatch(/unknown check "has-unicorns"; known: api-has-definition, /);
  });

  it('rates entities against Scorecard entities and follows their edits', async () => {
    const { dir, catalog, events } = await catalogWith({ 'catalog-info.yaml': `${org}---\n${readiness('        - has-owner\n        - has-description')}` });
    const location = (await catalog.getEntityByRef('scorecard:default/readiness'))!.metadata.annotations!['backstage.io/managed-by-location']!;
    expect(location).toBe(`file:${join(dir, 'catalog-info.yaml')}`);
    const service = createScorecards({ catalog, events, trustedLocations: [{ type: 'file', target: join(dir, 'catalog-info.yaml') }] });
    await service.start();
    const { scorecards, problems } = await service.listScorecards();
    expect(problems).toEqual([]);
    expect(scorecards.map((s) => [s.id, s.title, s.entityRef, s.levels.map((l) => l.id)])).toEqual([
      ['scorecard:default/readiness', 'Production readiness', 'scorecard:default/readiness', ['bronze', 'silver']],
    ]);
    expect((await service.getEntityResults('component:default/payments')).latest[0]).toMatchObject({
      scorecardId: 'scorecard:default/readiness',
      level: 'bronze',
      percentage: 66.7,
    });

    // Editing the scorecard in YAML re-runs it over the catalog.
    await writeFile(join(dir, 'catalog-info.yaml'), `${org}---\n${readiness('        - has-owner\n        - has-links')}`);
    await catalog.refresh();
    await service.idle();
    const latest = (await service.getEntityResults('component:default/payments')).latest[0]!;
    expect(latest.levelIndex).toBe(-1);
    expect(latest.checks.map((c) => c.checkId)).toEqual(['has-owner', 'has-links', 'has-techdocs']);

    // A check name the service does not know is listed as a problem; the last good version stays.
    await writeFile(join(dir, 'catalog-info.yaml'), `${org}---\n${readiness('        - has-owner\n        - has-unicorns')}`);
    await catalog.refresh();
    await service.idle();
    const listed = await service.listScorecards();
    expect(listed.problems).toEqual([{ entityRef: 'scorecard:default/readiness', message: expect.stringMatching(/spec.levels\[0\].checks\[1\]: unknown check "has-unicorns"/) }]);
    expect(listed.scorecards[0]!.levels[0]!.checks.map((c) => c.id)).toEqual(['has-owner', 'has-links']);

    // Deleting the scorecard entity drops its results.
    await catalog.removeEntityByUid((await catalog.getEntityByRef('scorecard:default/readiness'))!.metadata.uid!);
    await service.idle();
    expect((await service.listScorecards()).scorecards).toEqual([]);
    expect((await service.getEntityResults('component:default/payments')).latest).toEqual([]);
    await service.stop();
  });
});
