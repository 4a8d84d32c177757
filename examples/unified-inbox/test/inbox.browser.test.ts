import { existsSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DemoReady, runCli } from '@omnithread/cli';
import { SANDBOX, TRANSCRIPT_WORD, twilioFormRequest } from '@omnithread/cli/inbox';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium, skippedReason } from './chromium.js';

/**
 * The demo in a real headless Chromium (Debian's `chromium`, driven by playwright-core): the
 * journey's conversation with every channel in one timeline, a placement reason, a reply that lands
 * in the outbox, a search for a word only the call transcript says, a merge. Saves a screenshot.
 */
const SCREENSHOT = fileURLToPath(new URL('../../../docs/inbox.png', import.meta.url));

let stop: AbortController;
let demo: Promise<number>;
let ready: DemoReady;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;
const output: string[] = [];

describe.skipIf(!chromiumAvailable)(`the inbox in headless Chromium${skippedReason}`, () => {
  beforeAll(async () => {
    stop = new AbortController();
    // `omnithread demo` itself: a fresh embedded PostgreSQL, the signed journey, a free port.
    ready = await new Promise<DemoReady>((resolve, reject) => {
      demo = runCli(['demo', '--port', '0', '--json'], {
        stdout: (line) => void output.push(line),
        stderr: (line) => void output.push(line),
        isTTY: false,
        signal: stop.signal,
        onDemoReady: resolve,
      });
      demo.then((code) => reject(new Error(`demo exited with ${code}: ${output.join('\n')}`)), reject);
    });
    browser = await launchChromium();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(ready.url);
    await page.waitForSelector('body[data-ready="true"]');
    expect(errors).toEqual([]);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    stop?.abort();
    expect(await demo).toBe(0);
  });

  it("shows the journey's conversation with every channel in one timeline", async () => {
    await page.locator('[data-testid="conversation"]', { hasText: 'Order #2291' }).click();
    const timeline = page.getByTestId('timeline');
    await expect.poll(() => timeline.locator('[data-testid="message"]').count()).toBeGreaterThan(10);
    const channels = await timeline
      .locator('[data-testid="message"]')
      .evaluateAll((els) => [...new Set(els.map((el) => el.getAttribute('data-channel')))]);
    expect(channels).toEqual(['email', 'sms', 'whatsapp', 'voice', 'x', 'messenger']);
    await expect.poll(() => timeline.getByTestId('transcript').locator('li').count()).toBe(5);
    expect(await timeline.getByTestId('channel-switch').first().textContent()).toContain(
      'switched from Email to SMS',
    );
    expect(await timeline.getByTestId('attachments').first().textContent()).toContain('order-2291.pdf');
    expect(
      await timeline.locator('[data-channel="whatsapp"] [data-testid="delivery-status"]').allTextContents(),
    ).toContain('read');
  });

  it('opens the placement reason of a message', async () => {
    const sms = page.locator('[data-testid="message"][data-channel="sms"]').first();
    expect(await sms.getAttribute('title')).toMatch(
      /^Placed by cross-channel-continuation: customer switched from email to sms/,
    );
    await sms.getByTestId('placement-toggle').click();
    const reason = page
      .locator('[data-testid="message"][data-channel="sms"]')
      .first()
      .getByTestId('placement');
    await expect
      .poll(() => reason.textContent())
      .toMatch(
        /cross-channel-continuation: customer switched from email to sms: known by phone \+14155550173/,
      );
  });

  it("shows the SMS opt-out and WhatsApp's window, and sends a reply to the outbox", async () => {
    await expect.poll(() => page.getByTestId('reply-state-sms').textContent()).toContain('opted out (STOP)');
    expect(await page.getByTestId('reply-state-whatsapp').textContent()).toContain('window open until');
    expect(await page.getByTestId('reply-channel').inputValue()).toBe('whatsapp');
    expect(await page.locator('[data-testid="reply-channel"] option[value="sms"]').isDisabled()).toBe(true);
    await page
      .getByTestId('reply-text')
      .fill('A replacement pole section and the guylines ship today, Maya.');
    await page.getByTestId('reply-send').click();
    const entry = page.getByTestId('outbox-entry').first();
    await expect
      .poll(() => entry.textContent())
      .toContain('A replacement pole section and the guylines ship today');
    expect(await entry.getAttribute('data-channel')).toBe('whatsapp');
    await expect
      .poll(() => page.locator('[data-testid="message"].outbound').last().textContent())
      .toContain('A replacement pole section');
    expect(await page.getByTestId('reply-error').textContent()).toBe('');
  });

  it('finds the call by a word of its transcript', async () => {
    await page.getByTestId('search-input').fill(TRANSCRIPT_WORD);
    await page.getByTestId('search-input').press('Enter');
    const hits = page.getByTestId('search-hit');
    await expect.poll(() => hits.count()).toBeGreaterThan(0);
    expect(await hits.evaluateAll((els) => els.map((el) => el.getAttribute('data-channel')))).toContain(
      'voice',
    );
    await hits
      .locator('[data-channel="voice"]')
      .first()
      .click()
      .catch(() => hits.first().click());
    await expect.poll(() => page.locator('.msg.highlight').getAttribute('data-channel')).toBe('voice');
    expect(
      await page.locator('.msg.highlight mark, [data-testid="search-results"] mark').first().textContent(),
    ).toBe(TRANSCRIPT_WORD);
  });

  it('merges the Instagram account into the customer, then its conversation, and saves a screenshot', async () => {
    const select = page.getByTestId('merge-select');
    const option = select.locator('option', { hasText: 'instagram' });
    await select.selectOption((await option.getAttribute('value'))!);
    await page.getByTestId('merge-button').click();
    await expect.poll(() => page.getByTestId('identities').textContent()).toContain('5300000000000173');
    await page.getByTestId('merge-conversation').click();
    await expect.poll(() => page.getByTestId('thread-channels').locator('[data-channel]').count()).toBe(7);
    await page.getByTestId('search-results').locator('button', { hasText: 'clear' }).click();
    // The call and its transcript in the middle of the picture.
    await page.locator('.msg[data-channel="voice"]').evaluate((el) => el.scrollIntoView({ block: 'center' }));
    const shot = join(tmpdir(), `omnithread-inbox-${process.pid}.png`);
    await page.screenshot({ path: shot });
    if (!existsSync(SCREENSHOT) || process.env.OMNITHREAD_UPDATE_SCREENSHOT) {
      await mkdir(join(SCREENSHOT, '..'), { recursive: true });
      await copyFile(shot, SCREENSHOT);
    }
    expect(existsSync(shot)).toBe(true);
  });

  it('shows what a customer wrote as text, never as markup, and live as it arrives', async () => {
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    const hostile = '<img src=x onerror="alert(1)"><script>alert(2)</script> **bold**';
    const params = {
      MessageSid: 'SM5c1f0e2d3b4a59687766554433221100',
      SmsSid: 'SM5c1f0e2d3b4a59687766554433221100',
      AccountSid: SANDBOX.twilio.accountSid,
      From: '+14155550166',
      To: SANDBOX.twilio.number,
      Body: hostile,
      NumMedia: '0',
      ApiVersion: '2010-04-01',
    };
    const signed = twilioFormRequest(`${ready.url}/webhooks/sms`, params);
    const posted = await fetch(signed.url, {
      method: 'POST',
      headers: signed.headers,
      body: new URLSearchParams(params),
    });
    expect(posted.status).toBe(200);
    // Server-sent events bring the new conversation to the list without a reload.
    const item = page.locator('[data-testid="conversation"]', { hasText: '+14155550166' });
    await expect.poll(() => item.count()).toBe(1);
    await item.click();
    const text = page.getByTestId('timeline').getByTestId('message-text').first();
    await expect.poll(() => text.textContent()).toBe(hostile);
    expect(await page.getByTestId('timeline').locator('img, script').count()).toBe(0);
    expect(dialogs).toEqual([]);
  });
});
