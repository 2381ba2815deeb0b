// The parameter form's conditional constructs in a real Chromium (Backstage #30090): the
// "Plan a service deployment" template (data/templates/conditional-form) uses `if`/`then`/`else`
// and `allOf`, `dependencies` (a `oneOf` of branches and a property dependency) and a `oneOf` of
// options. Fields appear and disappear with the choices, and the errors the browser lists are
// the ones the server's 400 lists for the same values.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, memorySink } from '@portalkit/core';
import { DEMO_PASSWORD } from '../src/auth/index.js';
import { createExamplePortal, type ExamplePortal } from '../src/portal.js';
import { hasChromium, launchChromium, signInThroughProvider } from './support/browser.js';

describe.skipIf(!hasChromium)('conditional parameter forms in a browser', () => {
  let stateDir: string;
  let example: ExamplePortal;
  let baseUrl: string;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    stateDir = await mkdtemp(path.join(tmpdir(), 'pk-forms-'));
    example = await createExamplePortal({ stateDir, port: 0, logger: createLogger({ sink: memorySink() }) });
    baseUrl = (await example.listen()).url;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    const issuer = example.oidc()?.issuer ?? ((await (await fetch(`${baseUrl}/api/auth/config`)).json()).issuer as string);
    await page.goto(`${baseUrl}/#/catalog`);
    await page.waitForSelector('body[data-ready]');
    await signInThroughProvider(page, { baseUrl, issuer, login: 'katherine.johnson', password: DEMO_PASSWORD, displayName: 'Katherine Johnson' });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await example?.stop();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  const open = async () => {
    await page.goto('about:blank');
    await page.goto(`${baseUrl}/#/create/default/conditional-form`);
    await page.waitForSelector('body[data-ready]');
    await page.waitForSelector('form.step-form[data-step="0"]');
  };
  const shown = (step: number) => page.$$eval(`form.step-form[data-step="${step}"] [data-field]`, (els) => els.map((e) => e.getAttribute('data-field')));
  const browserErrors = async () => (await page.$$eval('form.step-form .form-errors li', (lis) => lis.map((li) => li.textContent ?? ''))).sort();
  /** What the server's 400 lists for these values (the same template, through the portal's API as the signed-in user). */
  const serverErrors = async (values: Record<string, unknown>): Promise<string[]> => {
    // A string, so the test runner's transform leaves the page's own dynamic import alone.
    const message = (await page.evaluate(`(async (values) => {
      const { scaffolderApi } = await import('/js/api.js');
      try {
        await scaffolderApi.createTask('template:default/conditional-form', values);
        return 'created';
      } catch (error) {
        return error.message;
      }
    })(${JSON.stringify(values)})`)) as string;
    expect(message).toMatch(/^Invalid values: /);
    return message.replace(/^Invalid values: /, '').split('; ').sort();
  };
  const next = async (from: number, to: number | 'review' | 'same') => {
    await page.click('#next-step');
    if (to === 'review') await page.waitForSelector('#create-button');
    else if (to !== 'same') await page.waitForSelector(`form.step-form[data-step="${to}"]`);
    else await page.waitForSelector(`form.step-form[data-step="${from}"] .form-errors:not([hidden])`);
  };

  it('if/then/else and allOf: the version field follows the language, errors match the server', async () => {
    await open();
    expect(await shown(0)).toEqual(['name', 'language', 'description', 'nodeVersion']);
    await page.selectOption('#f0-language', 'java');
    await page.waitForSelector('[data-field="javaVersion"]');
    expect(await shown(0)).toEqual(['name', 'language', 'description', 'javaVersion']);

    await page.fill('#f0-name', 'Bad Name');
    await page.fill('#f0-description', 'x'.repeat(41));
    await next(0, 'same');
    const errors = await browserErrors();
    expect(errors).toEqual([
      'parameters.description: must NOT have more than 40 characters',
      'parameters.javaVersion: is required',
      'parameters.name: must match pattern "^[a-z][a-z0-9-]*$"',
    ]);
    expect(await page.textContent('[data-field="javaVersion"] .field-error')).toBe('is required');
    // The later steps' answers are given, so the server's 400 lists only this step's errors.
    expect(await serverErrors({ name: 'Bad Name', language: 'java', description: 'x'.repeat(41), namespace: 'prod' })).toEqual(errors);

    await page.selectOption('#f0-language', 'node');
    await page.waitForSelector('[data-field="nodeVersion"]');
    await page.fill('#f0-nodeVersion', '12');
    await page.fill('#f0-name', 'planner');
    await page.fill('#f0-description', 'ok');
    await next(0, 'same');
    expect(await browserErrors()).toEqual(['parameters.nodeVersion: must be >= 18']);
    expect(await serverErrors({ name: 'planner', language: 'node', nodeVersion: 12, description: 'ok', namespace: 'prod' })).toEqual(['parameters.nodeVersion: must be >= 18']);
    await page.fill('#f0-nodeVersion', '20');
    await next(0, 1);
  });

  it('dependencies: a oneOf branch per value and a property dependency, errors match the server', async () => {
    await open();
    await page.fill('#f0-name', 'planner');
    await page.selectOption('#f0-language', 'node');
    await next(0, 1);
    expect(await shown(1)).toEqual(['database', 'alerts', 'oncall']);
    await page.check('#f1-database');
    await page.waitForSelector('[data-field="databaseSize"]');
    expect(await shown(1)).toEqual(['database', 'alerts', 'oncall', 'databaseSize']);
    await page.fill('#f1-alerts', '#alerts');
    await page.locator('#f1-alerts').dispatchEvent('change');
    await next(1, 'same');
    const errors = await browserErrors();
    // As the server's ajv does, the branch that does not match (database is not false) is listed too.
    expect(errors).toEqual([
      'parameters.database: must be equal to constant',
      'parameters.databaseSize: is required',
      'parameters: must have property oncall when property alerts is present',
    ]);
    // The oncall field is now required (its dependency is present).
    expect(await page.$('[data-field="oncall"] .req')).not.toBeNull();
    const base = { name: 'planner', language: 'node', nodeVersion: 22, namespace: 'prod' };
    expect(await serverErrors({ ...base, database: true, alerts: '#alerts' })).toEqual(errors);
    expect(await serverErrors({ ...base, database: true, alerts: '#alerts', databaseSize: 'small', oncall: 'ab' })).toEqual([
      'parameters.oncall: must NOT have fewer than 3 characters',
    ]);

    await page.uncheck('#f1-database');
    await page.waitForSelector('[data-field="databaseSize"]', { state: 'detached' });
    await page.fill('#f1-oncall', 'ab');
    await next(1, 'same');
    expect(await browserErrors()).toEqual(['parameters.oncall: must NOT have fewer than 3 characters']);
    await page.fill('#f1-oncall', 'platform-oncall');
    await next(1, 2);
  });

  it('oneOf options: choosing one shows its fields, hidden values are dropped, and the task is created', async () => {
    await open();
    await page.fill('#f0-name', 'planner');
    await page.selectOption('#f0-language', 'java');
    await page.waitForSelector('[data-field="javaVersion"]');
    await page.selectOption('#f0-javaVersion', '21');
    await next(0, 1);
    await next(1, 2);
    expect(await shown(2)).toEqual(['(oneOf)', 'namespace']);
    await next(2, 'same');
    // When no option matches, both options' errors are listed, by the server and so by the browser.
    expect(await browserErrors()).toEqual(['parameters.namespace: is required', 'parameters.vmSize: is required']);
    expect(await page.textContent('[data-field="namespace"] .field-error')).toBe('is required');
    const base = { name: 'planner', language: 'java', javaVersion: '21', database: false };
    expect(await serverErrors(base)).toEqual(await browserErrors());
    await page.fill('#f2-namespace', 'ns');
    await page.selectOption('#f2-oneof', '1');
    await page.waitForSelector('[data-field="vmSize"]');
    expect(await shown(2)).toEqual(['(oneOf)', 'vmSize']);
    await page.selectOption('#f2-vmSize', 'm');
    await next(2, 'review');
    const review = await page.$$eval('dl.review dt', (dts) => dts.map((dt) => dt.textContent));
    expect(review).toEqual(expect.arrayContaining(['name', 'language', 'javaVersion', 'database', 'vmSize']));
    expect(review).not.toContain('namespace');
    expect(review).not.toContain('nodeVersion');
    await page.click('#create-button');
    await page.waitForSelector('#task-log');
    await page.waitForFunction(() => ['completed', 'failed'].includes(document.querySelector('#task-status')?.textContent ?? ''), null, { timeout: 60_000 });
    expect(await page.textContent('#task-status')).toBe('completed');
    expect(pageErrors).toEqual([]);
  });
});
