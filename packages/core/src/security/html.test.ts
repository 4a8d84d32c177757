import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { XSS_VECTORS as VECTORS } from '../testing/xss-vectors.js';
import { sanitizeHtml } from './html.js';

const numRuns = Number(process.env.OMNITHREAD_PROPERTY_RUNS ?? 100);

const ATTRS = /\s([a-z-]+)="([^"]*)"/g;

/** Every tag in the output is allowlisted, with only safe attributes and URLs. */
function assertInert(out: string): void {
  expect(out).not.toMatch(
    /<\/?(script|style|iframe|object|embed|form|svg|math|base|meta|link|frame|input|button|body|noscript|textarea|title)\b/i,
  );
  for (const tag of out.match(/<[^>]*>/g) ?? []) {
    expect(tag).toMatch(/^<\/?[a-z][a-z0-9]*(\s[a-z-]+="[^"<>]*")*>$/);
    for (const [, name, value] of tag.matchAll(ATTRS)) {
      expect(name).not.toMatch(/^on|^style$|^srcdoc$|^formaction$|^background$|^dynsrc$|^lowsrc$/);
      const compact = (value ?? '')
        .replace(/&#(\d+);/g, (_, d) => String.fromCharCode(Number(d)))
        // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
        .replace(/[\s\u0000-\u001f]/g, '');
      expect(compact.toLowerCase()).not.toMatch(/^(javascript|vbscript|data:text|data:image\/svg)/);
    }
  }
}

describe('sanitizeHtml against known XSS vectors', () => {
  it.each(VECTORS.map((v, i) => [i, v] as const))('vector %i is inert', (_i, vector) => {
    const out = sanitizeHtml(vector);
    assertInert(out);
    expect(sanitizeHtml(out)).toBe(out);
  });
  it('the cheat-sheet vectors, all at once, leave nothing that runs', () => {
    assertInert(sanitizeHtml(VECTORS.join('\n')));
  });
});

describe('sanitizeHtml keeps what an inbox shows', () => {
  it('text, links, formatting, lists, tables and images', () => {
    const html =
      '<html><head><title>x</title><style>p{}</style></head><body><p>Hello <b>Jane</b>, <i>thanks</i> &amp; see ' +
      '<a href="https://example.com/orders?id=1&amp;x=2" target="_blank">your order</a>.</p>' +
      '<ul><li>one</li><li>two</li></ul><table border="1"><tr><td colspan="2">cell</td></tr></table>' +
      '<img src="cid:logo@example.com" alt="logo"><img src="data:image/png;base64,iVBORw0KGgo=" alt="px">' +
      '<a href="mailto:help@example.com">mail</a></body></html>';
    expect(sanitizeHtml(html)).toBe(
      '<p>Hello <b>Jane</b>, <i>thanks</i> &amp; see <a href="https://example.com/orders?id=1&amp;x=2" ' +
        'target="_blank" rel="noopener noreferrer nofollow">your order</a>.</p><ul><li>one</li><li>two</li></ul>' +
        '<table border="1"><tr><td colspan="2">cell</td></tr></table><img src="cid:logo@example.com" alt="logo">' +
        '<img src="data:image/png;base64,iVBORw0KGgo=" alt="px"><a href="mailto:help@example.com" ' +
        'rel="noopener noreferrer nofollow">mail</a>',
    );
  });
  it('drops dangerous elements with their content, keeps text of unknown ones, closes what is open', () => {
    expect(sanitizeHtml('<div>a<script>alert(1)</script>b<custom-el>c</custom-el><p>d')).toBe(
      '<div>abc<p>d</p></div>',
    );
    expect(sanitizeHtml('<svg><svg></svg><script>x</script></svg>after')).toBe('after');
    expect(sanitizeHtml('1 < 2 > 0')).toBe('1 &lt; 2 &gt; 0');
    expect(sanitizeHtml('<p>unterminated <!-- comment')).toBe('<p>unterminated </p>');
    expect(sanitizeHtml(123 as unknown as string)).toBe('');
  });
  it('a self-closed <svg/> or <math/> drops only itself, as the browser parses it; <form/> stays open', () => {
    expect(sanitizeHtml('<svg onload="alert(1)"/><p>kept</p>')).toBe('<p>kept</p>');
    expect(sanitizeHtml('<MATH/>after')).toBe('after');
    expect(sanitizeHtml('<svg><svg/><script>x</script></svg>after')).toBe('after');
    expect(sanitizeHtml('<svg><svg a="</svg>"><p>in</p></svg></svg>after')).toBe('after');
    // An unquoted value keeps its slash, and HTML elements ignore `/>`: both stay open to the end.
    expect(sanitizeHtml('<svg x=y/><p>inside</p>')).toBe('');
    expect(sanitizeHtml('<form/><p>inside</p>')).toBe('');
  });
  it('relative links stay; a scheme hidden behind an entity does not', () => {
    expect(sanitizeHtml('<a href="/orders/1">o</a>')).toContain('href="/orders/1"');
    expect(sanitizeHtml('<a href="javascript&colon;alert(1)">o</a>')).toBe('<a>o</a>');
  });
});

describe('sanitizeHtml on random input', () => {
  const htmlish = fc
    .array(
      fc.oneof(
        fc.constantFrom(
          '<',
          '>',
          '</',
          '<!--',
          '-->',
          '"',
          "'",
          '=',
          ' ',
          '&#',
          ';',
          'script',
          'img',
          'a',
          'onerror',
          'href',
          'javascript:',
          'src',
          'svg',
          'style',
          '/',
          'p',
          'b',
          '\u0000',
          '\t',
        ),
        fc.string({ maxLength: 8 }),
      ),
      { maxLength: 60 },
    )
    .map((parts) => parts.join(''));
  it('output is always inert and sanitizing twice changes nothing', () => {
    fc.assert(
      fc.property(htmlish, (html) => {
        const out = sanitizeHtml(html);
        assertInert(out);
        expect(sanitizeHtml(out)).toBe(out);
      }),
      { seed: 1010, numRuns },
    );
  });
  it('deep nesting and huge input stay linear', () => {
    const deep = '<div>'.repeat(20_000) + 'x' + '</div>'.repeat(20_000);
    expect(sanitizeHtml(deep).length).toBe(deep.length);
    const scripts = '<script>'.repeat(20_000);
    expect(sanitizeHtml(scripts)).toBe('');
    const svgs = '<svg>'.repeat(20_000);
    expect(sanitizeHtml(svgs)).toBe('');
    expect(sanitizeHtml(`<svg>${'<svg '.repeat(20_000)}`)).toBe('');
    expect(sanitizeHtml(`<svg>${'<svg/>'.repeat(20_000)}`)).toBe('');
  });
});
