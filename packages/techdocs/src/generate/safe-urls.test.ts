import type { Element, Root } from 'hast';
import { describe, expect, it } from 'vitest';
import { rehypeSafeUrls, urlScheme } from './safe-urls.js';

const el = (tagName: string, properties: Element['properties']): Element => ({ type: 'element', tagName, properties, children: [] });

describe('rehypeSafeUrls', () => {
  it('reads schemes the way a browser does', () => {
    expect(urlScheme('javascript:alert(1)')).toBe('javascript');
    expect(urlScheme('JaVaScRiPt:x')).toBe('javascript');
    expect(urlScheme(' \u0001java\tscr\nipt:x ')).toBe('javascript');
    expect(urlScheme('./javascript:x')).toBeUndefined();
    expect(urlScheme('%6Aavascript:x')).toBeUndefined();
    expect(urlScheme('java script:x')).toBeUndefined();
    expect(urlScheme('#a:b')).toBeUndefined();
    expect(urlScheme('HTTPS://x')).toBe('https');
  });

  it('reads a URL padded inside with a long run of spaces in linear time', () => {
    const spaces = ' '.repeat(100_000);
    expect(urlScheme(`x${spaces}javascript:x${spaces}y`)).toBeUndefined();
    expect(urlScheme(`${spaces}java\tscript:x${spaces}`)).toBe('javascript');
    const tree: Root = { type: 'root', children: [el('img', { src: `a${spaces}b`, srcSet: `a${spaces}b 1x` })] };
    rehypeSafeUrls()(tree);
    expect((tree.children[0] as Element).properties.src).toBe(`a${spaces}b`);
  });

  it('removes every URL property whose scheme the schema does not allow', () => {
    const tree: Root = {
      type: 'root',
      children: [
        el('a', { href: ' JAVASCRIPT:x', ping: ['https://ok', 'vbscript:x'], title: 'javascript:x' }),
        el('img', { src: 'https://ok/a.png', srcSet: 'ok.png 1x, data:image/png;base64,AA 2x', longDesc: 'javascript:x' }),
        el('form', { action: 'javascript:x' }),
        el('button', { formAction: 'data:text/html,x' }),
        el('a', { xLinkHref: 'javascript:x', href: 'mailto:a@b' }),
        el('video', { poster: 'javascript:x', src: 'ok.mp4' }),
        el('blockquote', { cite: 'mailto:a@b' }),
        // Inside <svg> attributes keep their lowercase names; animations can retarget a link.
        el('image', { longdesc: 'javascript:x', XLINKHREF: 'data:x', width: 1 }),
        el('animate', { attributeName: 'href', to: 'javascript:x', values: 'https://a;javascript:x' }),
        el('set', { attributeName: 'href', from: 'vbscript:x', to: 'https://ok' }),
      ],
    };
    rehypeSafeUrls()(tree);
    expect(tree.children.map((node) => (node as Element).properties)).toEqual([
      { title: 'javascript:x' },
      { src: 'https://ok/a.png' },
      {},
      {},
      { href: 'mailto:a@b' },
      { src: 'ok.mp4' },
      {}, // cite allows http(s) only
      { width: 1 },
      { attributeName: 'href' },
      { attributeName: 'href', to: 'https://ok' },
    ]);
  });

  it("uses the schema's protocols, and the defaults when it has none", () => {
    const tree = (): Root => ({ type: 'root', children: [el('a', { href: 'jira:ABC-1' }), el('img', { src: 'javascript:x' })] });
    const custom = tree();
    rehypeSafeUrls({ protocols: { href: ['jira', 'https'] } })(custom);
    // That schema has no list for `src`: only relative image URLs pass.
    expect(custom.children.map((node) => (node as Element).properties)).toEqual([{ href: 'jira:ABC-1' }, {}]);
    const none = tree();
    rehypeSafeUrls({ protocols: null })(none);
    expect(none.children.map((node) => (node as Element).properties)).toEqual([{}, {}]);
  });
});
