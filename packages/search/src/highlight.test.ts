import { describe, expect, it } from 'vitest';
import { escapeHtml, highlightText, markEscaped } from './highlight.js';

const tags = { preTag: '<mark>', postTag: '</mark>' };

describe('highlightText', () => {
  it('escapes the text around and inside the tags', () => {
    expect(highlightText(`<img src=x onerror=alert(1)> a & "b" 'c' pay`, (w) => w === 'pay', tags)).toBe(
      '&lt;img src=x onerror=alert(1)&gt; a &amp; &quot;b&quot; &#39;c&#39; <mark>pay</mark>',
    );
  });

  it('escapes a fragment cut from long text', () => {
    const text = `${'word '.repeat(50)}<b>hit</b> ${'<i>x</i> '.repeat(50)}`;
    const out = highlightText(text, (w) => w === 'hit', { ...tags, maxWords: 10 })!;
    expect(out).toContain('&lt;b&gt;<mark>hit</mark>&lt;/b&gt;');
    expect(out.replaceAll('<mark>', '').replaceAll('</mark>', '')).not.toMatch(/[<>]/);
  });

  it('returns undefined when nothing matched', () => {
    expect(highlightText('<p>none</p>', () => false, tags)).toBeUndefined();
  });
});

describe('markEscaped', () => {
  it('escapes first, then swaps the sentinels for the tags', () => {
    const sentinels = { start: 'S1x', stop: 'S2x' };
    expect(markEscaped('<s>S1xpayS2x & S1x<b>S2x', sentinels, tags)).toBe('&lt;s&gt;<mark>pay</mark> &amp; <mark>&lt;b&gt;</mark>');
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });
});
