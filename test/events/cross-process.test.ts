import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startWorker, type Worker } from '../support/child.js';
import { dropSchema, pgUrl, postgresSkipReason, randomSchema } from '../support/postgres.js';

const skip = await postgresSkipReason();
const script = fileURLToPath(new URL('./__workers__/portal-process.ts', import.meta.url));

async function eventually<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.skipIf(skip)(`two portal processes on one database, one event bus${skip ? ` (${skip})` : ''}`, () => {
  const catalogSchema = randomSchema();
  const eventsSchema = randomSchema();
  const files = mkdtempSync(path.join(tmpdir(), 'pk-events-'));
  const workers: Worker[] = [];

  const start = async (consumer: string) => {
    const worker = startWorker(script, [pgUrl, catalogSchema, eventsSchema, consumer, files]);
    workers.push(worker);
    const [, url] = await worker.waitFor(/URL (\S+)\n/, 60_000);
    return { worker, url: url! };
  };
  const component = (name: string) => {
    const file = path.join(files, `${name}.yaml`);
    writeFileSync(
      file,
      `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n  description: a ${name} component\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n`,
    );
    return file;
  };
  const register = async (url: string, file: string) => {
    const response = await fetch(`${url}/api/catalog/locations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'file', target: file }),
    });
    expect(response.status).toBe(201);
  };
  const searchable = (url: string, name: string) => async () => {
    const body = (await (await fetch(`${url}/api/search/query?term=${name}`)).json()) as { results: Array<{ document: { title: string } }> };
    return body.results.some((r) => r.document.title === name);
  };
  const scored = (url: string, name: string) => async () => {
    const response = await fetch(`${url}/api/scorecards/entities/component/default/${name}`);
    if (response.status !== 200) return false;
    const text = await response.text();
    return text.includes('"owned"') && text;
  };

  const heard = (url: string, name: string) => async () => {
    const list = (await (await fetch(`${url}/api/heard`)).json()) as Array<{ entityRef: string }>;
    return list.some((e) => e.entityRef === `component:default/${name}`);
  };

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill()));
    await dropSchema(catalogSchema);
    await dropSchema(eventsSchema);
    rmSync(files, { recursive: true, force: true });
  });

  it('an entity registered through process A is searchable and scored in process B', async () => {
    const [a, b] = await Promise.all([start('portal-a'), start('portal-b')]);
    expect(await searchable(b.url, 'payments')()).toBe(false);
    await register(a.url, component('payments'));
    await eventually(heard(b.url, 'payments'), 'B to hear of payments on the bus');
    await eventually(searchable(b.url, 'payments'), 'B to find payments in search');
    const result = await eventually(scored(b.url, 'payments'), 'B to score payments');
    expect(result).toContain('bronze');
    // And the other way round.
    await register(b.url, component('billing'));
    await eventually(searchable(a.url, 'billing'), 'A to find billing in search');
  }, 120_000);

  it('a process that was down catches up from the event table when it starts', async () => {
    const [, aUrl] = await workers[0]!.waitFor(/URL (\S+)\n/);
    await workers[1]!.kill();
    await register(aUrl!, component('ledger'));
    // B comes back under its name and is told, during start, what it missed.
    const again = await start('portal-b');
    expect(await heard(again.url, 'ledger')()).toBe(true);
    expect(await heard(again.url, 'payments')()).toBe(false);
    await eventually(scored(again.url, 'ledger'), 'B to score ledger after the restart');
    await eventually(searchable(again.url, 'ledger'), 'B to find ledger');
  }, 120_000);
});
