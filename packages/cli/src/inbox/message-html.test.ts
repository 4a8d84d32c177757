import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { type Attachment, memoryStore } from '@omnithread/core';
import { expectWithinHangBound, makeMessage, XSS_VECTORS } from '@omnithread/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningInbox, startSandboxInbox } from './inbox.js';
import { MAX_INLINE_IMAGE_BYTES, messageHtmlDocument } from './message-html.js';
import { SANDBOX } from './sandbox-config.js';
import { mailgunMimeRequest, twilioFormRequest } from './signed.js';
import { messageView } from './views.js';

/** A 1×1 PNG. */
const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const BENIGN =
  '<p>Hello, my <b>Ridgeline 2P</b> arrived <i>without poles</i>.</p>' +
  '<table border="1"><tr><th>Item</th><th>Qty</th></tr><tr><td>Pole set</td><td>1</td></tr></table>' +
  '<ul><li>order #2291</li></ul><a href="https://shop.example.com/orders/2291">my order</a>' +
  '<img src="cid:logo@acme.example" alt="logo">';
/**
 * One of each kind, each closed so that none swallows the next (the sanitizer drops an unclosed
 * `<svg>` with the rest of the input): every OWASP vector alone goes through `messageHtmlDocument` below.
 */
const HOSTILE = [
  '<script>parent.document.title="pwned"</script>',
  '<img src=x onerror="parent.document.title=1"><p onclick="alert(1)">click</p>',
  '<a href="javascript:alert(1)">js</a><a href="jav&#x09;ascript:alert(1)">tab</a>',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
  '<base href="https://evil.example/"><meta http-equiv="refresh" content="0;url=https://evil.example">',
  '<form action="https://evil.example"><input name="card"><button>Pay</button></form>',
  '<iframe src="https://evil.example"></iframe><iframe srcdoc="<script>alert(1)</script>"></iframe>',
  '<object data="https://evil.example/x.swf"></object><embed src="https://evil.example/x.swf">',
  '<svg><script>alert(1)</script></svg><svg onload="alert(1)"/>',
  '<div style="width: expression(alert(1))">css</div>',
  '<div style="background-image: url(javascript:alert(1))">url</div>',
  '<style>body{background:url("https://tracker.example.net/css.gif")}</style>',
  '<p>the end</p>',
].join('\n');
/** Tracking pixels: absolute, protocol-relative and relative. */
const REMOTE_IMAGES =
  '<img src="https://tracker.example.net/open.gif" alt="pixel"><img src="//tracker.example.net/p.gif"><img src="x">';

let inbox: RunningInbox;
let htmlEmailId: string;
let smsId: string;

/** Delivers a signed webhook and answers the id of the message it stored. */
async function deliver(request: Request): Promise<string> {
  const stored = new Promise<string>((resolve) => {
    const off = inbox.hub.on('message', ({ message }) => {
      off();
      resolve(message.id);
    });
  });
  const response = await fetch(request.url, {
    method: 'POST',
    headers: request.headers,
    body: await request.text(),
  });
  expect(response.status).toBe(200);
  return stored;
}

function emailWithInlineLogo(html: string): string {
  return [
    'From: Maya Okafor <maya.okafor@example.org>',
    `To: <${SANDBOX.email.address}>`,
    'Subject: Order #2291',
    'Date: Tue, 06 Oct 2026 09:00:00 +0000',
    'Message-ID: <html-view-2291@mail.example.org>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/related; boundary="rel"',
    '',
    '--rel',
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from(html).toString('base64'),
    '--rel',
    'Content-Type: image/png; name="logo.png"',
    'Content-ID: <logo@acme.example>',
    'Content-Disposition: inline; filename="logo.png"',
    'Content-Transfer-Encoding: base64',
    '',
    PNG,
    '--rel--',
    '',
  ].join('\r\n');
}

beforeAll(async () => {
  inbox = await startSandboxInbox({ store: memoryStore() });
  htmlEmailId = await deliver(
    mailgunMimeRequest(
      `${inbox.url}/webhooks/email/mailgun/mime`,
      emailWithInlineLogo(BENIGN + REMOTE_IMAGES + HOSTILE),
      { from: 'maya.okafor@example.org', recipient: SANDBOX.email.address, subject: 'Order #2291' },
    ),
  );
  smsId = await deliver(
    twilioFormRequest(`${inbox.url}/webhooks/sms`, {
      MessageSid: 'SM0a0b0c0d0e0f00112233445566778899',
      SmsSid: 'SM0a0b0c0d0e0f00112233445566778899',
      AccountSid: SANDBOX.twilio.accountSid,
      From: '+14155550123',
      To: SANDBOX.twilio.number,
      Body: '<b>not html</b>',
      NumMedia: '0',
      ApiVersion: '2010-04-01',
    }),
  );
});
afterAll(async () => {
  await inbox?.close();
});

const htmlPath = (id: string) => `/api/messages/${encodeURIComponent(id)}/html`;
const bodyOf = (doc: string) => doc.slice(doc.indexOf('<body>') + 6, doc.lastIndexOf('</body>'));
const tagsOf = (html: string) => html.match(/<[^>]*>/g) ?? [];

/** Only allowlisted tags, no handler, style or script-capable URL: nothing in it can run. */
function expectInert(body: string): void {
  expect(body).not.toMatch(
    /<\/?(script|style|iframe|object|embed|form|svg|math|base|meta|link|frame|frameset|input|button|body|head|noscript|textarea|title)\b/i,
  );
  for (const tag of tagsOf(body)) {
    expect(tag).toMatch(/^<\/?[a-z][a-z0-9]*(\s[a-z-]+="[^"<>]*")*>$/);
    for (const [, name, value] of tag.matchAll(/\s([a-z-]+)="([^"]*)"/g)) {
      expect(name).not.toMatch(/^on|^style$|^srcdoc$|^formaction$|^background$|^dynsrc$|^lowsrc$/);
      expect(value!.replace(/\s/g, '').toLowerCase()).not.toMatch(
        /^(javascript|vbscript|data:text|data:image\/svg)|expression\(/,
      );
    }
  }
}

describe('GET /api/messages/:id/html', () => {
  it('keeps the formatting and leaves nothing that could run', async () => {
    const response = await fetch(`${inbox.url}${htmlPath(htmlEmailId)}`);
    expect(response.status).toBe(200);
    const body = bodyOf(await response.text());
    expect(body).toContain('<p>Hello, my <b>Ridgeline 2P</b> arrived <i>without poles</i>.</p>');
    expect(body).toContain('<table border="1"><tr><th>Item</th>');
    expect(body).toContain(
      '<a href="https://shop.example.com/orders/2291" rel="noopener noreferrer nofollow">my order</a>',
    );
    // Text after every vector is still there: nothing swallowed the rest.
    expect(body).toContain('<p>the end</p>');
    expectInert(body);
  });

  it('loads no remote image: tracking pixels lose their src, their alt text stays', async () => {
    const body = bodyOf(await (await fetch(`${inbox.url}${htmlPath(htmlEmailId)}`)).text());
    const images = tagsOf(body).filter((tag) => tag.startsWith('<img'));
    expect(images).toContain('<img alt="pixel">');
    for (const image of images) {
      const src = / src="([^"]*)"/.exec(image)?.[1];
      if (src !== undefined) expect(src).toMatch(/^data:image\/(png|gif|jpe?g|webp|bmp);base64,/);
    }
  });

  it('inlines a cid: image from the attachments as a data: URL', async () => {
    const body = bodyOf(await (await fetch(`${inbox.url}${htmlPath(htmlEmailId)}`)).text());
    expect(body).toContain(`<img src="data:image/png;base64,${PNG}" alt="logo">`);
  });

  it('answers with its own strict headers: CSP with sandbox and no script, nosniff, no referrer', async () => {
    const response = await fetch(`${inbox.url}${htmlPath(htmlEmailId)}`);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    const csp = new Map(
      (response.headers.get('content-security-policy') ?? '').split(';').map((directive) => {
        const [name, ...values] = directive.trim().split(/\s+/);
        return [name!, values.join(' ')] as const;
      }),
    );
    const style = /<style>(.*?)<\/style>/s.exec(await response.text())?.[1] ?? '';
    const styleHash = createHash('sha256').update(style).digest('base64');
    expect(Object.fromEntries(csp)).toEqual({
      'default-src': "'none'",
      // Only the frame's own style block: no 'unsafe-inline'.
      'style-src': `'sha256-${styleHash}'`,
      'img-src': 'data:',
      'base-uri': "'none'",
      'form-action': "'none'",
      'frame-ancestors': "'self'",
      sandbox: 'allow-popups allow-popups-to-escape-sandbox',
    });
  });

  it('refuses cross-origin requests and foreign Host names like the rest of the API', async () => {
    const crossSite = await fetch(`${inbox.url}${htmlPath(htmlEmailId)}`, {
      headers: { origin: 'https://evil.example' },
    });
    expect(crossSite.status).toBe(403);
    const rebound = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        `${inbox.url}${htmlPath(htmlEmailId)}`,
        { headers: { host: 'rebound.evil.example' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(rebound).toBe(403);
  });

  it('answers 404 for an unknown message and for one without HTML', async () => {
    const unknown = await fetch(`${inbox.url}${htmlPath('msg_missing')}`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    const sms = await fetch(`${inbox.url}${htmlPath(smsId)}`);
    expect(sms.status).toBe(404);
    expect(await sms.text()).not.toContain('<b>');
  });
});

describe('messageHtmlDocument', () => {
  const image = (overrides: Partial<Attachment>): Attachment => ({
    id: 'att_1',
    contentType: 'image/png',
    size: 68,
    contentId: 'logo@acme.example',
    content: PNG,
    ...overrides,
  });
  it.each(XSS_VECTORS.map((v, i) => [i, v] as const))('leaves OWASP vector %i inert', (_i, vector) => {
    expectInert(bodyOf(messageHtmlDocument(vector)));
  });

  const srcOf = (html: string, attachments: Attachment[]) =>
    / src="([^"]*)"/.exec(bodyOf(messageHtmlDocument(html, attachments)))?.[1];

  it('inlines a cid: image only when it is a raster image with content under the cap', () => {
    const logo = '<img src="cid:logo@acme.example" alt="logo">';
    expect(srcOf(logo, [image({})])).toBe(`data:image/png;base64,${PNG}`);
    expect(srcOf('<img src="cid:logo%40acme.example">', [image({})])).toBe(`data:image/png;base64,${PNG}`);
    expect(srcOf(logo, [image({ contentType: 'image/svg+xml' })])).toBeUndefined();
    expect(srcOf(logo, [image({ contentType: 'text/html' })])).toBeUndefined();
    expect(
      srcOf(logo, [image({ content: undefined, url: 'https://files.example/logo.png' })]),
    ).toBeUndefined();
    expect(srcOf(logo, [image({ content: '"><script>x</script>' })])).toBeUndefined();
    const big = 'A'.repeat(Math.ceil(((MAX_INLINE_IMAGE_BYTES + 3) * 4) / 3));
    expect(srcOf(logo, [image({ content: big })])).toBeUndefined();
    expect(srcOf(logo, [image({ contentId: 'other@acme.example' })])).toBeUndefined();
    expect(srcOf('<img src="cid:logo@acme.example">', [])).toBeUndefined();
  });

  it('inlines base64 broken into MIME lines, and refuses a long run of line breaks before a bad character in bounded time', async () => {
    const lines = PNG.match(/.{1,20}/g)!.join('\r\n');
    const logo = '<img src="cid:logo@acme.example">';
    expect(srcOf(logo, [image({ content: `${lines}\r\n` })])).toBe(`data:image/png;base64,${PNG}`);
    // 256 KiB of line breaks and one bad character: a pattern holding the breaks backtracked for 25 s.
    const hostile = `A${'\r\n'.repeat(128 * 1024)}!`;
    await expectWithinHangBound(() => expect(srcOf(logo, [image({ content: hostile })])).toBeUndefined());
  });

  it('stops inlining once the images of one message pass the total cap', () => {
    const near = 'A'.repeat(Math.floor((MAX_INLINE_IMAGE_BYTES * 4) / 3) - 4);
    const doc = messageHtmlDocument('<img src="cid:logo@acme.example">'.repeat(8), [
      image({ content: near }),
    ]);
    const inlined = (doc.match(/src="data:/g) ?? []).length;
    expect(inlined).toBeGreaterThan(0);
    expect(inlined).toBeLessThan(8);
  });

  it('a blank HTML part is no HTML: the page offers no formatted view', () => {
    const at = { conversationId: 'cv_1', contactId: 'ct_1' };
    expect(messageView(makeMessage({ ...at, html: ' \n ' })).hasHtml).toBe(false);
    expect(messageView(makeMessage({ ...at, html: '<p>hi</p>' })).hasHtml).toBe(true);
  });
});
