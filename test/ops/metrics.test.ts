import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { catalogPlugin } from '@portalkit/catalog';
import { createLogger, createPortal, memorySink, type Portal } from '@portalkit/core';
import { createAction, createScaffolder, scaffolderPlugin } from '@portalkit/scaffolder';
import { memoryPublisher, techdocsPlugin } from '@portalkit/techdocs';

/** Parse Prometheus' text format strictly enough to catch a malformed line: `name{labels} value`. */
function parseExposition(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*\})? (-?[0-9.e+-]+|NaN|\+Inf|-Inf)$/.exec(line);
    if (!match) throw new Error(`not a Prometheus sample line: ${JSON.stringify(line)}`);
    samples.set(`${match[1]}${match[2] ?? ''}`, Number(match[3]));
  }
  return samples;
}

const component = (name: string, extra = '') =>
  `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n${extra}spec:\n  type: service\n  lifecycle: production\n  owner: team-a\n`;

describe('portal metrics', () => {
  let dir: string;
  let portal: Portal | undefined;
  afterEach(async () => {
    await portal?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('catalog ingest, task runs, docs builds and requests move their counters by the right amounts', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ops-metrics-'));
    await mkdir(path.join(dir, 'docs'));
    await writeFile(path.join(dir, 'a.yaml'), component('a', '  annotations:\n    backstage.io/techdocs-ref: dir:.\n'));
    await writeFile(path.join(dir, 'b.yaml'), component('b'));
    // A third location whose entity fails validation: one processing error.
    await writeFile(path.join(dir, 'bad.yaml'), component('"bad name!"'));
    await writeFile(path.join(dir, 'mkdocs.yml'), 'site_name: A\nnav:\n  - Home: index.md\n');
    await writeFile(path.join(dir, 'docs', 'index.md'), '# A\n\nHello.\n');

    const catalogInstance = catalogPlugin({
      rootDir: dir,
      locations: ['a.yaml', 'b.yaml', 'bad.yaml'].map((target) => ({ type: 'file', target: `./${target}` })),
    });
    const catalog = catalogInstance.catalog;
    const ok = createAction({ id: 'test:ok', handler: async () => {} });
    const fail = createAction({
      id: 'test:fail',
      handler: async () => {
        throw new Error('the step failed');
      },
    });
    const scaffolder = createScaffolder({ actions: [ok, fail], workingDirectory: path.join(dir, 'work'), pollIntervalMs: 20 });
    const template = (name: string, action: string) => ({
      apiVersion: 'scaffolder.backstage.io/v1beta3',
      kind: 'Template',
      metadata: { name },
      spec: { steps: [{ id: 'step', action }] },
    });
    const docs = techdocsPlugin({ publisher: memoryPublisher(), getEntity: (name) => catalog.getEntityByRef(name), root: dir });
    portal = createPortal({
      logger: createLogger({ sink: memorySink() }),
      metrics: { expose: true },
      plugins: [
        catalogInstance,
        scaffolderPlugin({ scaffolder, getTemplate: async (ref) => (String(ref).endsWith('broken') ? template('broken', 'test:fail') : template('fine', 'test:ok')) }),
        docs,
      ],
    });
    await portal.start();

    const run = async (templateRef: string) => {
      const created = await portal!.request('/api/scaffolder/v2/tasks', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ templateRef }),
      });
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: string };
      const task = (await scaffolder.getTask(id))!;
      for (;;) {
        const { status } = await task.get();
        if (status !== 'open' && status !== 'processing') return status;
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    expect(await run('template:default/fine')).toBe('completed');
    expect(await run('template:default/fine')).toBe('completed');
    expect(await run('template:default/broken')).toBe('failed');

    await catalog.refresh(); // a second full refresh: every ingest counter moves again
    await docs.techdocs.build((await catalog.getEntityByRef('component:default/a'))!);
    for (let i = 0; i < 3; i++) expect((await portal.request('/api/catalog/entities/by-name/component/default/a')).status).toBe(200);
    expect((await portal.request('/api/catalog/entities/by-name/component/default/missing')).status).toBe(404);

    const res = await portal.request('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const samples = parseExposition(text);
    const value = (key: string) => samples.get(key);

    // Two full refreshes (start's and ours), each processing three location roots and two good
    // components, and one component whose name is invalid (one error).
    expect(value('portalkit_catalog_entities_processed_total{result="ok"}')).toBe(2 * 5);
    expect(value('portalkit_catalog_entities_processed_total{result="error"}')).toBe(2 * 1);
    expect(value('portalkit_catalog_processing_errors_total')).toBe(2 * 1);
    expect(value('portalkit_catalog_refresh_duration_seconds_count{scope="all",result="ok"}')).toBe(2);
    expect(value('portalkit_scaffolder_task_runs_total{status="completed",dry_run="false"}')).toBe(2);
    expect(value('portalkit_scaffolder_task_runs_total{status="failed",dry_run="false"}')).toBe(1);
    expect(value('portalkit_scaffolder_task_duration_seconds_count{status="completed",dry_run="false"}')).toBe(2);
    expect(value('portalkit_techdocs_builds_total{result="ok"}')).toBe(1);
    expect(value('portalkit_techdocs_build_duration_seconds_count{result="ok"}')).toBe(1);
    expect(value('portalkit_http_request_duration_seconds_count{method="GET",route="/api/catalog",status_class="2xx"}')).toBe(3);
    expect(value('portalkit_http_request_duration_seconds_count{method="GET",route="/api/catalog",status_class="4xx"}')).toBe(1);
    expect(value('portalkit_http_request_duration_seconds_count{method="POST",route="/api/scaffolder",status_class="2xx"}')).toBe(3);
    // Unbounded values (entity names, request paths, template names) never become labels.
    expect(text).not.toMatch(/component:default|default\/a"|\/entities\/by-name|template:default|broken|fine"/);
  }, 60_000);

  test('keeps /metrics unserved unless exposed, with each portal its own registry', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ops-metrics-'));
    const page = { id: 'page', basePath: '/', handler: async () => new Response('page') };
    const hidden = createPortal({ logger: createLogger({ sink: memorySink() }), plugins: [page] });
    expect(await (await hidden.request('/metrics')).text()).toBe('page');
    expect(await hidden.metrics.render()).toContain('portalkit_http_request_duration_seconds_count{method="GET",route="/",status_class="2xx"} 1');
    const other = createPortal({ logger: createLogger({ sink: memorySink() }), metrics: { expose: true, path: '/internal/metrics' }, plugins: [page] });
    expect(await (await other.request('/internal/metrics')).text()).not.toContain('route="/"');
    expect(() => createPortal({ plugins: [], metrics: { path: 'metrics' } })).toThrow(/metrics.path/);
  });
});
