import { existsSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mailgunMimeRequest, type RunningInbox, SANDBOX, startSandboxInbox } from '@omnithread/cli/inbox';
import { memoryStore } from '@omnithread/core';
import type { FrameLocator, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium, skippedReason } from './chromium.js';

/**
 * An HTML email in headless Chromium: shown formatted (bold, a table, a list, an inline image) in the
 * sandboxed frame, while everything hostile in it (script, handlers, javascript: links, svg, a
 * tracking pixel) neither runs nor loads; links open in a new tab without a handle on the inbox; the
 * agent can switch to the text. Saves a screenshot of the formatted email.
 */
const SCREENSHOT = fileURLToPath(new URL('../../../docs/inbox-html-email.png', import.meta.url));
const PIXEL = 'http://example.invalid/pixel.gif';
const SHOP = 'https://shop.example.invalid/orders/5120';
/** A 16×16 blue PNG, the shop's logo as an inline (cid:) image. */
const LOGO =
  'iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAHklEQVR42mM0WPafgRTAxEAiGNUwqmFUw6iGoaMBAA8iAYHFOhg5AAAAAElFTkSuQmCC';
const TEXT_PART = 'Hello, my Ridgeline 2P arrived without its poles. Order 5120.';
const HTML_PART = [
  '<p>Hello, my <b>Ridgeline 2P</b> arrived <i>without its poles</i>.</p>',
  '<table border="1"><tr><th>Item</th><th>Qty</th></tr><tr><td>Pole set</td><td>1</td></tr></table>',
  `<ul><li>Order 5120</li><li><a href="${SHOP}">my order</a></li></ul>`,
  '<img src="cid:logo@shop.example" alt="logo" width="16" height="16">',
  // Each of these would change the page, set a global or open a dialog if it ran.
  `<img src="x" onerror="parent.document.title='pwned';top.pwned=1">`,
  '<script>top.pwned=1;parent.document.title="pwned"</script>',
  '<a href="javascript:top.pwned=1;parent.document.title=\'pwned\'">click me</a>',
  '<svg onload="top.pwned=1"><script>top.pwned=1</script></svg>',
  '<details open ontoggle="top.pwned=1"><summary>details</summary></details>',
  '<iframe srcdoc="<script>top.pwned=1</script>"></iframe>',
  '<form action="https://evil.example.invalid/"><button>Pay</button></form>',
  '<meta http-equiv="refresh" content="0;url=javascript:top.pwned=1">',
  `<img src="${PIXEL}" width="1" height="1">`,
  '<p>Thanks, Pat</p>',
].join('\n');

function hostileEmail(): string {
  return [
    'From: Pat Lee <pat.lee@example.org>',
    `To: <${SANDBOX.email.address}>`,
    'Subject: Order 5120 poles',
    `Date: ${new Date().toUTCString()}`,
    'Message-ID: <order-5120.html@mail.example.org>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/alternative; boundary="alt"',
    '',
    '--alt',
    'Content-Type: text/plain; charset=utf-8',
    '',
    TEXT_PART,
    '--alt',
    'Content-Type: multipart/related; boundary="rel"',
    '',
    '--rel',
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from(HTML_PART).toString('base64'),
    '--rel',
    'Content-Type: image/png',
    'Content-ID: <logo@shop.example>',
    'Content-Disposition: inline; filename="logo.png"',
    'Content-Transfer-Encoding: base64',
    '',
    LOGO,
    '--rel--',
    '--alt--',
    '',
  ].join('\r\n');
}

let inbox: RunningInbox;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;
let frame: FrameLocator;
const requests: Request[] = [];
const dialogs: string[] = [];
const pageErrors: string[] = [];
const email = () => page.locator('[data-testid="message"][data-channel="email"]');

describe.skipIf(!chromiumAvailable)(`an HTML email in headless Chromium${skippedReason}`, () => {
  beforeAll(async () => {
    inbox = await startSandboxInbox({ store: memoryStore() });
    const signed = mailgunMimeRequest(`${inbox.url}/webhooks/email/mailgun/mime`, hostileEmail(), {
      from: 'pat.lee@example.org',
      recipient: SANDBOX.email.address,
      subject: 'Order 5120 poles',
    });
    const posted = await fetch(signed.url, {
      method: 'POST',
      headers: signed.headers,
      body: await signed.text(),
    });
    expect(posted.status).toBe(200);

    browser = await launchChromium();
    const { context } = browser;
    context.on('request', (request) => void requests.push(request));
    // The shop the email links to, answered here: nothing leaves the machine.
    await context.route('https://shop.example.invalid/**', (route) =>
      route.fulfill({ contentType: 'text/html', body: '<title>Shop</title><p>order 5120</p>' }),
    );
    page = context.pages()[0] ?? (await context.newPage());
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('pageerror', (error) => void pageErrors.push(error.message));
    await page.goto(inbox.url);
    await page.waitForSelector('body[data-ready="true"]');
    await page.locator('[data-testid="conversation"]', { hasText: 'Order 5120 poles' }).click();
    frame = page.frameLocator('[data-testid="message-html"]');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await inbox?.close();
  });

  it('shows the email formatted by default, in a frame sandboxed without scripts or same origin', async () => {
    const iframe = email().getByTestId('message-html');
    await expect.poll(() => iframe.count()).toBe(1);
    expect(await iframe.getAttribute('sandbox')).toBe('allow-popups allow-popups-to-escape-sandbox');
    await expect.poll(() => frame.locator('b').first().textContent()).toBe('Ridgeline 2P');
    expect(
      await frame
        .locator('b')
        .first()
        .evaluate((b) => getComputedStyle(b).fontWeight),
    ).toBe('700');
    expect(await frame.locator('td').allTextContents()).toEqual(['Pole set', '1']);
    expect(await frame.locator('li').count()).toBe(2);
    // The inline image is drawn from the message's attachment.
    await expect
      .poll(() => frame.locator('img[alt="logo"]').evaluate((img: HTMLImageElement) => img.naturalWidth))
      .toBe(16);
    expect(await email().getByTestId('view-formatted').getAttribute('aria-pressed')).toBe('true');
  });

  it('runs nothing from the email and loads nothing from afar', async () => {
    await frame.locator('p', { hasText: 'Thanks, Pat' }).waitFor();
    // Clicking the javascript: link and toggling the details do nothing either.
    await frame.locator('a', { hasText: 'click me' }).click();
    expect(await page.title()).toBe('Omnithread inbox');
    expect(await page.evaluate(() => (window as { pwned?: unknown }).pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(await frame.locator('script, svg, iframe, form, meta[http-equiv], base[href]').count()).toBe(0);
    const remote = requests.map((r) => r.url()).filter((url) => !url.startsWith(inbox.url));
    expect(remote).toEqual([]);
    expect(requests.some((r) => r.url().includes('/html'))).toBe(true);
  });

  it('opens a link in a new tab, with no opener and no referrer', async () => {
    const [tab] = await Promise.all([
      page.context().waitForEvent('page'),
      frame.locator('a', { hasText: 'my order' }).click(),
    ]);
    await tab.waitForLoadState();
    expect(tab.url()).toBe(SHOP);
    expect(await tab.evaluate(() => window.opener)).toBeNull();
    const shopRequest = requests.find((r) => r.url() === SHOP);
    expect(await shopRequest?.headerValue('referer')).toBeNull();
    expect(page.url()).toBe(`${inbox.url}/`);
    await tab.close();
  });

  it('switches to the text view and back, and saves a screenshot of the formatted email', async () => {
    await email().getByTestId('view-text').click();
    await expect.poll(() => email().getByTestId('message-text').textContent()).toBe(TEXT_PART);
    expect(await email().getByTestId('message-html').count()).toBe(0);
    await email().getByTestId('view-formatted').click();
    await expect.poll(() => email().getByTestId('message-html').count()).toBe(1);
    expect(await email().getByTestId('message-text').count()).toBe(0);
    await frame.locator('td', { hasText: 'Pole set' }).waitFor();
    const shot = join(tmpdir(), `omnithread-inbox-html-${process.pid}.png`);
    await email().screenshot({ path: shot });
    if (!existsSync(SCREENSHOT) || process.env.OMNITHREAD_UPDATE_SCREENSHOT) {
      await mkdir(join(SCREENSHOT, '..'), { recursive: true });
      await copyFile(shot, SCREENSHOT);
    }
    expect(existsSync(shot)).toBe(true);
  });
});
