import { createHmac } from 'node:crypto';
import { createHub, type Hub, memoryStore } from '@omnithread/core';
import { expectWithinHangBound } from '@omnithread/core/testing';
import { createInstagramAdapter, createMessengerAdapter } from '@omnithread/social';
import { createXAdapter } from '@omnithread/social/x';
import fc from 'fast-check';
import { TwitterApi } from 'twitter-api-v2';
import { describe, expect, it } from 'vitest';
import {
  amid,
  encoded,
  hostileText,
  metaSubscriptionCheck,
  partOf,
  type QueryPart,
  queryString,
  rawValueOf,
  separators,
  valuesOf,
} from '../../../test-support/hostile-query.js';
import { APP_SECRET, CONSUMER_SECRET } from './helpers.js';

// The GET verification endpoints on hostile query strings (missing, repeated, huge or badly escaped
// parameters, wrong mode, near-miss tokens, markup and newlines in the challenge): never a crash, a
// hang or a 5xx. Meta's check echoes the challenge only for the exact verify token, as text/plain;
// X's CRC always answers the HMAC of the given token, as `{ "response_token": "sha256=…" }` JSON.
// Fixed seeds, modest run counts; `pnpm fuzz` raises OMNITHREAD_PROPERTY_RUNS.
const numRuns = Number(process.env.OMNITHREAD_PROPERTY_RUNS ?? 100);
const VERIFY_TOKEN = 'verify-me';
const BASE = 'https://example.com/webhooks';

async function get(hub: Hub, route: string, query: string): Promise<Response> {
  const response = await expectWithinHangBound(() => hub.handle(new Request(`${BASE}/${route}?${query}`)));
  expect(response.status, await response.clone().text()).toBeLessThan(500);
  expect(response.headers.get('content-type') ?? '').not.toMatch(/html|xml/i);
  return response;
}

/** The three parameters of a check that must pass (any challenge), and values near them that must not. */
const {
  keys: META_KEYS,
  nearMissTokens: NEAR_MISS_TOKENS,
  wrongModes: WRONG_MODES,
  rightQuery: rightMetaQuery,
  value: metaValue,
} = metaSubscriptionCheck(VERIFY_TOKEN);

// Response.text() drops a leading BOM; the echo must be exact, so read the bytes.
const bodyText = async (response: Response) => Buffer.from(await response.arrayBuffer()).toString('utf8');

const metaHubs = () => [
  {
    route: 'messenger',
    hub: createHub({
      store: memoryStore(),
      adapters: [
        createMessengerAdapter({
          appSecret: APP_SECRET,
          verifyToken: VERIFY_TOKEN,
          pageAccessToken: 'EAAG-token',
          pageId: '104000000000001',
        }),
      ],
    }),
  },
  {
    route: 'instagram',
    hub: createHub({
      store: memoryStore(),
      adapters: [
        createInstagramAdapter({
          appSecret: APP_SECRET,
          verifyToken: VERIFY_TOKEN,
          pageAccessToken: 'EAAG-token',
          igUserId: '17841400000000001',
        }),
      ],
    }),
  },
];

for (const { route, hub } of metaHubs()) {
  describe(`${route}: Meta's hub.* subscription check on hostile queries`, () => {
    it('random queries: 2xx only with the exact token and mode, echoing a challenge that was sent, as text/plain', async () => {
      await fc.assert(
        fc.asyncProperty(
          amid(rightMetaQuery, partOf(META_KEYS, metaValue)),
          separators,
          async (parts, seps) => {
            const response = await get(hub, route, queryString(parts, seps));
            const body = await bodyText(response);
            if (response.ok) {
              expect(valuesOf(parts, 'hub.verify_token')).toContain(VERIFY_TOKEN);
              expect(valuesOf(parts, 'hub.mode')).toContain('subscribe');
              expect(valuesOf(parts, 'hub.challenge')).toContain(body);
              expect(response.headers.get('content-type')).toMatch(/^text\/plain\b/);
            } else {
              // A refusal never reflects what was sent.
              expect(body).not.toContain('<');
            }
          },
        ),
        { seed: 401, numRuns },
      );
    });

    it('the exact token: 200 with the challenge echoed byte for byte, as text/plain, whatever it holds', async () => {
      await fc.assert(
        fc.asyncProperty(
          hostileText,
          fc.shuffledSubarray([0, 1, 2], { minLength: 3 }),
          async (challenge, order) => {
            const parts: QueryPart[] = [
              { rawKey: 'hub.mode', rawValue: 'subscribe' },
              { rawKey: 'hub.verify_token', rawValue: encoded(VERIFY_TOKEN) },
              { rawKey: 'hub.challenge', rawValue: encoded(challenge) },
            ];
            const response = await get(hub, route, queryString(order.map((i) => parts[i]!)));
            expect(response.status).toBe(200);
            expect(response.headers.get('content-type')).toMatch(/^text\/plain\b/);
            expect(await bodyText(response)).toBe(valuesOf(parts, 'hub.challenge')[0]);
          },
        ),
        { seed: 402, numRuns },
      );
    });

    it('a near-miss token (case, whitespace, NUL, lookalike, prefix) or a wrong mode is refused, never echoed', async () => {
      const miss = fc.oneof(
        fc.record({ mode: fc.constant('subscribe'), token: fc.constantFrom(...NEAR_MISS_TOKENS) }),
        fc.record({ mode: fc.constant('subscribe'), token: hostileText.filter((t) => t !== VERIFY_TOKEN) }),
        fc.record({ mode: fc.constantFrom(...WRONG_MODES), token: fc.constant(VERIFY_TOKEN) }),
      );
      await fc.assert(
        fc.asyncProperty(miss, hostileText, async ({ mode, token }, challenge) => {
          const query = `hub.mode=${encoded(mode)}&hub.verify_token=${encoded(token)}&hub.challenge=${encoded(`<b>${challenge}`)}`;
          const response = await get(hub, route, query);
          expect(response.ok).toBe(false);
          expect(await bodyText(response)).not.toContain('<b>');
        }),
        { seed: 403, numRuns },
      );
    });

    it('a missing mode, token or challenge is refused', async () => {
      for (const query of [
        '',
        `hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`,
        'hub.mode=subscribe&hub.challenge=1',
        `hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}`,
        `hub.mode&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`,
      ]) {
        expect((await get(hub, route, query)).ok, query).toBe(false);
      }
    });
  });
}

describe("X's CRC check on hostile queries", () => {
  const hub = createHub({
    store: memoryStore(),
    adapters: [
      createXAdapter({
        client: new TwitterApi('test-bearer'),
        userId: '3001',
        consumerSecret: CONSUMER_SECRET,
      }),
    ],
  });
  // Computed here with node:crypto, as X's documentation describes it, not with the adapter's helper.
  const expected = (token: string) =>
    `sha256=${createHmac('sha256', CONSUMER_SECRET).update(token, 'utf8').digest('base64')}`;
  const crcValue = fc.oneof(fc.constantFrom('crc-token-1', 'ABC=='), hostileText);

  it('random queries: a 200 is always the JSON HMAC of a crc_token sent; anything else is a JSON 400', async () => {
    await fc.assert(
      fc.asyncProperty(
        amid(
          crcValue.map((token) => [{ rawKey: 'crc_token', rawValue: encoded(token) }]),
          partOf(['crc_token', 'nonce'], crcValue),
        ),
        separators,
        async (parts, seps) => {
          const response = await get(hub, 'x', queryString(parts, seps));
          expect(response.headers.get('content-type')).toMatch(/^application\/json\b/);
          const body = (await response.json()) as Record<string, unknown>;
          if (response.ok) {
            expect(Object.keys(body)).toEqual(['response_token']);
            const tokens = valuesOf(parts, 'crc_token').filter((t) => t !== '');
            expect(tokens.map(expected)).toContain(body.response_token);
          } else {
            expect(response.status).toBe(400);
          }
        },
      ),
      { seed: 404, numRuns },
    );
  });

  it('one crc_token, any value (raw or encoded): 200 with exactly its HMAC', async () => {
    await fc.assert(
      fc.asyncProperty(rawValueOf(crcValue), async (raw) => {
        const part: QueryPart = { rawKey: 'crc_token', rawValue: raw };
        const token = valuesOf([part], 'crc_token')[0]!;
        fc.pre(token !== '');
        const response = await get(hub, 'x', queryString([part]));
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual({ response_token: expected(token) });
      }),
      { seed: 405, numRuns },
    );
  });

  it('a missing or empty crc_token is a JSON 400', async () => {
    for (const query of ['', 'crc_token', 'crc_token=', 'CRC_TOKEN=abc', 'crc_token%00=abc']) {
      const response = await get(hub, 'x', query);
      expect(response.status, query).toBe(400);
      expect(await response.json()).toEqual({ error: 'crc_token is missing' });
    }
  });
});
