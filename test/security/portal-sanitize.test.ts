// The example portal's client-side defences (public/js/sanitize.js and dom.js) run in a real
// Chromium against hostile docs HTML and entity fields; skipped with a message without Chromium.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = process.env.PORTALKIT_CHROMIUM ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`skipping portal sanitising tests: ${CHROMIUM} is missing (run bash scripts/ensure-chromium.sh)`);
const jsDir = fileURLToPath(new URL('../../examples/portal/public/js/', import.meta.url));

const hostileHtml = [
  '<img src=x onerror="window.__pwned=1">',
  '<svg><script>window.__pwned=1</script></svg>',
  '<svg onload="window.__pwned=1"></svg>',
  '<a href="javascript:window.__pwned=1">x</a>',
  '<a href="&#x6A;avascript:window.__pwned=1">x</a>',
  '<a href=" java\tscript:window.__pwned=1">x</a>',
  '<a href="JaVaScRiPt&colon;window.__pwned=1">x</a>',
  '<a href="vbscript:msgbox(1)">x</a>',
  '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
  '<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>',
  '<details open ontoggle="window.__pwned=1">x</details>',
  '<form><button formaction="javascript:window.__pwned=1">x</button></form>',
  '<noscript><p title="</noscript><img src=x onerror=window.__pwned=1>"></p></noscript>',
  '<math><mtext><table><mglyph><style><img src=x onerror=window.__pwned=1></style></mglyph></table></mtext></math>',
  '<template><img src=x onerror=window.__pwned=1></template>',
  '<object data="javascript:window.__pwned=1"></object>',
  '<base href="javascript:/a/">',
  '<div style="background:url(javascript:window.__pwned=1)">s</div>',
  '<p><a href="#ok" onclick="window.__pwned=1">safe link</a></p>',
  '<meta http-equiv="refresh" content="0;url=javascript:window.__pwned=1">',
].join('\n');

describe.skipIf(!hasChromium)('example portal sanitising in a browser', () => {
  let server: Server;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    server = createServer(async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname.startsWith('/js/') && /^[a-z-]+\.js$/.test(path.basename(url.pathname))) {
        res.setHeader('content-type', 'text/javascript');
        res.end(await readFile(path.join(jsDir, path.basename(url.pathname))));
        return;
      }
      res.setHeader('content-type', 'text/html');
      res.end(
        '<!doctype html><html><body><main id="out"></main><script type="module">' +
          "import * as sanitize from '/js/sanitize.js'; import * as dom from '/js/dom.js'; window.portal = { ...sanitize, ...dom };" +
          '</script></body></html>',
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.waitForFunction(() => 'portal' in window);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('sanitize() keeps content but drops scripts, handlers and dangerous URLs', async () => {
    const result = await page.evaluate(async (html) => {
      const { sanitize } = (window as unknown as { portal: { sanitize(node: Node): DocumentFragment } }).portal;
      const parsed = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html');
      const out = document.getElementById('out')!;
      out.replaceChildren(sanitize(parsed.body));
      // Let image errors and toggle events fire if anything survived.
      await new Promise((r) => setTimeout(r, 300));
      for (const a of out.querySelectorAll('a')) a.click();
      const attributes = [...out.querySelectorAll('*')].flatMap((el) => [...el.attributes].map((a) => `${el.localName}[${a.name}=${a.value}]`));
      return {
        pwned: (window as unknown as { __pwned?: number }).__pwned ?? null,
        tags: [...new Set([...out.querySelectorAll('*')].map((el) => el.localName))].sort(),
        attributes,
        text: out.textContent ?? '',
      };
    }, hostileHtml);
    expect(result.pwned).toBeNull();
    expect(result.tags.filter((t) => ['script', 'iframe', 'svg', 'math', 'object', 'embed', 'form', 'button', 'base', 'meta', 'style', 'template', 'noscript'].includes(t))).toEqual([]);
    for (const attribute of result.attributes) {
      expect(attribute).not.toMatch(/\[on|\[style=|\[formaction=|\[srcdoc=/i);
      expect(attribute).not.toMatch(/\[(href|src)=\s*(javascript|vbscript|data):/i);
    }
    expect(result.text).toContain('safe link');
  });

  it('dom.js renders hostile entity fields as text and neutralises link URLs', async () => {
    const result = await page.evaluate(async () => {
      type H = (tag: string, props: Record<string, unknown> | null, ...children: unknown[]) => HTMLElement;
      const { h, safeUrl } = (window as unknown as { portal: { h: H; safeUrl(url: string): string } }).portal;
      const entity = {
        title: '<img src=x onerror="window.__pwned=2">',
        description: '"><script>window.__pwned=2</script>',
        links: ['javascript:window.__pwned=2', ' JAVASCRIPT:window.__pwned=2', '\u0001javascript:window.__pwned=2', 'java\nscript:window.__pwned=2', 'data:text/html,<script>1</script>', 'https://example.com/ok', 'mailto:a@example.com'],
      };
      const out = document.getElementById('out')!;
      out.replaceChildren(
        h('h1', { title: entity.description }, entity.title),
        h('p', null, entity.description),
        h('ul', null, entity.links.map((url) => h('li', null, h('a', { href: url }, url)))),
      );
      await new Promise((r) => setTimeout(r, 200));
      for (const a of out.querySelectorAll('a')) a.click();
      return {
        pwned: (window as unknown as { __pwned?: number }).__pwned ?? null,
        images: out.querySelectorAll('img, script').length,
        hrefs: [...out.querySelectorAll('a')].map((a) => a.getAttribute('href')),
        direct: ['javascript:alert(1)', 'vbscript:x', 'https://ok.example'].map((u) => safeUrl(u)),
      };
    });
    expect(result.pwned).toBeNull();
    expect(result.images).toBe(0);
    expect(result.hrefs).toEqual(['#', '#', '#', '#', '#', 'https://example.com/ok', 'mailto:a@example.com']);
    expect(result.direct).toEqual(['#', '#', 'https://ok.example']);
  });
});
