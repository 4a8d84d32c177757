import { hmacSha256 } from '@omnithread/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { BridgeOptions } from '../src/bridge.js';
import { helpdeskSignature } from '../src/signature.js';
import { bareBridge, NOW, replyBody, SECRET, webhookRequest } from './webhook-request.js';

const opened: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of opened.splice(0)) await close();
});

/**
 * Posts the reply webhook with the given headers; answers the status and how many replies reached
 * the hub. A delivery that passes verification answers 404 (the empty hub has no such conversation).
 */
function poster(options: Partial<BridgeOptions> = {}) {
  const { bridge, replies, close } = bareBridge(options);
  opened.push(close);
  const body = replyBody();
  return {
    body,
    replies,
    async post(headers: Record<string, string>) {
      const response = await bridge.handleWebhook(webhookRequest(body, headers));
      return { status: response.status, answer: (await response.json()) as { error?: unknown } };
    },
  };
}

const signedAt = (timestamp: number | string, body: string, secret = SECRET) => ({
  'x-helpdesk-timestamp': String(timestamp),
  'x-helpdesk-signature': helpdeskSignature(secret, timestamp, body),
});

describe('the helpdesk webhook signature', () => {
  it('signs the timestamp and the body: sha256=<hex HMAC of "<timestamp>.<body>">', () => {
    const body = replyBody();
    expect(helpdeskSignature(SECRET, 1717243200, body)).toBe(
      `sha256=${hmacSha256(SECRET, `1717243200.${body}`, 'hex')}`,
    );
  });

  it('refuses a request without a timestamp, such as one signed over the body alone', async () => {
    const { body, post, replies } = poster();
    const { 'x-helpdesk-timestamp': _, ...noTimestamp } = signedAt(NOW, body);
    expect((await post(noTimestamp)).status).toBe(401);
    // The scheme before timestamps: the body alone, no timestamp header.
    const bodyOnly = await post({ 'x-helpdesk-signature': `sha256=${hmacSha256(SECRET, body, 'hex')}` });
    expect(bodyOnly.status).toBe(401);
    expect(JSON.stringify(bodyOnly.answer)).toContain('Missing X-Helpdesk-Timestamp');
    expect(replies).toEqual([]);
    expect((await post(signedAt(NOW, body))).status).toBe(404);
    expect(replies).toHaveLength(1);
  });

  it('refuses a timestamp that is not unix seconds', async () => {
    const { body, post, replies } = poster();
    for (const timestamp of ['', 'abc', '1e9', '-5', '0x10', `${NOW}.5`, `+${NOW}`, `${NOW}0000000`])
      expect({ timestamp, status: (await post(signedAt(timestamp, body))).status }).toEqual({
        timestamp,
        status: 401,
      });
    expect(replies).toEqual([]);
  });

  it('refuses a timestamp older than the tolerance (5 minutes by default)', async () => {
    const { body, post, replies } = poster();
    expect((await post(signedAt(NOW - 300, body))).status).toBe(404);
    const stale = await post(signedAt(NOW - 301, body));
    expect(stale.status).toBe(401);
    expect(JSON.stringify(stale.answer)).toMatch(/301 s from our clock, over the 300 s tolerance/);
    expect((await post(signedAt(NOW - 86_400, body))).status).toBe(401);
    expect(replies).toHaveLength(1);
  });

  it('refuses a timestamp further in the future than the tolerance', async () => {
    const { body, post, replies } = poster();
    expect((await post(signedAt(NOW + 300, body))).status).toBe(404);
    expect((await post(signedAt(NOW + 301, body))).status).toBe(401);
    expect((await post(signedAt(NOW + 86_400, body))).status).toBe(401);
    expect(replies).toHaveLength(1);
  });

  it('takes the tolerance from the options', async () => {
    const { body, post, replies } = poster({ toleranceSeconds: 30 });
    expect((await post(signedAt(NOW - 30, body))).status).toBe(404);
    expect((await post(signedAt(NOW - 31, body))).status).toBe(401);
    expect((await post(signedAt(NOW + 31, body))).status).toBe(401);
    expect(replies).toHaveLength(1);
  });

  it('refuses a missing or wrong signature', async () => {
    const { body, post, replies } = poster();
    expect((await post({ 'x-helpdesk-timestamp': String(NOW) })).status).toBe(401);
    expect((await post(signedAt(NOW, body, 'wrong secret'))).status).toBe(401);
    const tampered = signedAt(NOW, body);
    tampered['x-helpdesk-signature'] = tampered['x-helpdesk-signature'].replace(/.$/, (c) =>
      c === '0' ? '1' : '0',
    );
    expect((await post(tampered)).status).toBe(401);
    expect(replies).toEqual([]);
  });

  it("refuses a signature made for another timestamp (a captured request's, given a fresh timestamp)", async () => {
    const { body, post, replies } = poster();
    const captured = signedAt(NOW - 3600, body);
    expect((await post({ ...captured, 'x-helpdesk-timestamp': String(NOW) })).status).toBe(401);
    // Even within the window: the signature binds its own timestamp only.
    const recent = signedAt(NOW - 10, body);
    expect((await post({ ...recent, 'x-helpdesk-timestamp': String(NOW - 9) })).status).toBe(401);
    expect(replies).toEqual([]);
    expect((await post(recent)).status).toBe(404);
  });
});
