import { createHub, memoryStore } from '@omnithread/core';
import { expectWithinHangBound } from '@omnithread/core/testing';
import { createWhatsAppCloudAdapter } from '@omnithread/whatsapp/cloud';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  amid,
  encoded,
  hostileText,
  metaSubscriptionCheck,
  partOf,
  queryString,
  separators,
  valuesOf,
} from '../../../test-support/hostile-query.js';
import { APP_SECRET, VERIFY_TOKEN } from './helpers.js';

// Meta's GET subscription check on hostile query strings (missing, repeated, huge or badly escaped
// parameters, wrong mode, near-miss tokens, markup and newlines in the challenge): never a crash, a
// hang or a 5xx; the challenge is echoed only for the exact verify token, as text/plain, and a
// refusal reflects nothing. Fixed seeds, modest run counts; `pnpm fuzz` raises OMNITHREAD_PROPERTY_RUNS.
const numRuns = Number(process.env.OMNITHREAD_PROPERTY_RUNS ?? 100);
const URL_ = 'https://example.com/webhooks/whatsapp';
const hub = createHub({
  store: memoryStore(),
  adapters: [
    createWhatsAppCloudAdapter({
      appSecret: APP_SECRET,
      verifyToken: VERIFY_TOKEN,
      accessToken: 'EAAtoken',
      phoneNumberId: '1122334455667',
      fetch: async () => new Response('{}', { status: 500 }),
    }),
  ],
});

async function get(query: string): Promise<{ response: Response; body: string }> {
  const response = await expectWithinHangBound(() => hub.handle(new Request(`${URL_}?${query}`)));
  // Response.text() drops a leading BOM; the echo must be exact, so read the bytes.
  const body = Buffer.from(await response.arrayBuffer()).toString('utf8');
  expect(response.status, body.slice(0, 200)).toBeLessThan(500);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain\b/);
  return { response, body };
}

const {
  keys: KEYS,
  nearMissTokens: NEAR_MISS_TOKENS,
  wrongModes: WRONG_MODES,
  rightQuery,
  value,
} = metaSubscriptionCheck(VERIFY_TOKEN);

describe("WhatsApp Cloud: Meta's hub.* subscription check on hostile queries", () => {
  it('random queries: 2xx only with the exact token and mode, echoing a challenge that was sent', async () => {
    await fc.assert(
      fc.asyncProperty(amid(rightQuery, partOf(KEYS, value)), separators, async (parts, seps) => {
        const { response, body } = await get(queryString(parts, seps));
        if (response.ok) {
          expect(valuesOf(parts, 'hub.verify_token')).toContain(VERIFY_TOKEN);
          expect(valuesOf(parts, 'hub.mode')).toContain('subscribe');
          expect(valuesOf(parts, 'hub.challenge')).toContain(body);
        } else {
          expect(response.status).toBe(403);
          expect(body).toBe('verification failed');
        }
      }),
      { seed: 501, numRuns },
    );
  });

  it('the exact token: 200 with the challenge echoed byte for byte, whatever it holds', async () => {
    await fc.assert(
      fc.asyncProperty(rightQuery, fc.shuffledSubarray([0, 1, 2], { minLength: 3 }), async (parts, order) => {
        const { response, body } = await get(queryString(order.map((i) => parts[i]!)));
        expect(response.status).toBe(200);
        expect(body).toBe(valuesOf(parts, 'hub.challenge')[0]);
      }),
      { seed: 502, numRuns },
    );
  });

  it('a near-miss token (case, whitespace, NUL, lookalike, prefix) or a wrong mode is a 403 that echoes nothing', async () => {
    const miss = fc.oneof(
      fc.record({ mode: fc.constant('subscribe'), token: fc.constantFrom(...NEAR_MISS_TOKENS) }),
      fc.record({ mode: fc.constant('subscribe'), token: hostileText.filter((t) => t !== VERIFY_TOKEN) }),
      fc.record({ mode: fc.constantFrom(...WRONG_MODES), token: fc.constant(VERIFY_TOKEN) }),
    );
    await fc.assert(
      fc.asyncProperty(miss, hostileText, async ({ mode, token }, challenge) => {
        const { response, body } = await get(
          `hub.mode=${encoded(mode)}&hub.verify_token=${encoded(token)}&hub.challenge=${encoded(`<b>${challenge}`)}`,
        );
        expect(response.status).toBe(403);
        expect(body).not.toContain('<b>');
      }),
      { seed: 503, numRuns },
    );
  });

  it('a missing mode, token or challenge is a 403', async () => {
    for (const query of [
      '',
      `hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`,
      'hub.mode=subscribe&hub.challenge=1',
      `hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}`,
      `hub.mode&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`,
    ]) {
      expect((await get(query)).response.status, query).toBe(403);
    }
  });
});
