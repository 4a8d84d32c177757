import {
  type ChannelAdapter,
  createHub,
  memoryStore,
  metaSignature,
  mutateJson,
  mutateText,
} from '@omnithread/core';
import {
  expectHandledOrRejected,
  expectEventsOrTypedRefusal as refusesTyped,
} from '@omnithread/core/testing';
import { createInstagramAdapter, createMessengerAdapter, parseMetaWebhook } from '@omnithread/social';
import { createXAdapter, parseXPayload, xWebhookSignature } from '@omnithread/social/x';
import fc from 'fast-check';
import { TwitterApi } from 'twitter-api-v2';
import { describe, expect, it } from 'vitest';
import { APP_SECRET, CONSUMER_SECRET, fixture } from './helpers.js';

// Hostile X Account Activity and Meta (Messenger, Instagram) webhooks never crash the adapters:
// every refusal is a typed error, and through the hub an authentic-but-unusable body answers 4xx
// with the raw body kept as rejected. Fixed seed, modest run count; `pnpm fuzz` raises it.
const numRuns = Number(process.env.OMNITHREAD_PROPERTY_RUNS ?? 100);
const BRAND = '3001';
const PAGE = '104000000000001';
const IG = '17841400000000001';

const X_FIXTURES = ['aaa-activity', 'aaa-dm-echo', 'aaa-dm', 'aaa-tweet-mention', 'aaa-tweet-reply'].map(
  (n) => fixture(`x/${n}.json`),
);
const X_POLLED = ['dm-events-page-1', 'dm-events-page-2', 'mentions-page'].map((n) => fixture(`x/${n}.json`));
const MESSENGER = ['text', 'attachments', 'echo', 'postback', 'reaction', 'delivery-read', 'edit'].map((n) =>
  fixture(`meta/messenger-${n}.json`),
);
const INSTAGRAM = ['text', 'story', 'unsend-echo'].map((n) => fixture(`meta/instagram-${n}.json`));

const anything = fc.anything({ maxDepth: 4, withNullPrototype: true, withMap: true, withDate: true });

describe('parsers on hostile input', () => {
  const parsers = [
    ['parseXPayload', (raw: unknown) => parseXPayload(raw, BRAND), [...X_FIXTURES, ...X_POLLED]],
    ['parseMetaWebhook (messenger)', (raw: unknown) => parseMetaWebhook(raw, { object: 'page' }), MESSENGER],
    [
      'parseMetaWebhook (instagram)',
      (raw: unknown) => parseMetaWebhook(raw, { object: 'instagram' }),
      INSTAGRAM,
    ],
  ] as const;
  for (const [name, parse, fixtures] of parsers) {
    it(`${name}: random values`, () => {
      fc.assert(
        fc.property(anything, (raw) => refusesTyped(() => parse(raw))),
        { seed: 301, numRuns },
      );
    });
    it(`${name}: real payloads with a wrong type, a huge string or deep nesting at a random path`, () => {
      fc.assert(
        fc.property(fc.constantFrom(...fixtures), fc.integer(), (payload, seed) =>
          refusesTyped(() => parse(mutateJson(payload, seed))),
        ),
        { seed: 302, numRuns: numRuns * 2 },
      );
    });
  }
});

interface Channel {
  name: string;
  adapter: () => ChannelAdapter;
  url: string;
  fixtures: unknown[];
  sign: (body: string) => Record<string, string>;
  replayed: unknown;
}

const CHANNELS: Channel[] = [
  {
    name: 'x',
    adapter: () =>
      createXAdapter({
        client: new TwitterApi('test-bearer'),
        userId: BRAND,
        consumerSecret: CONSUMER_SECRET,
      }),
    url: 'https://example.com/webhooks/x',
    fixtures: X_FIXTURES,
    sign: (body) => ({ 'x-twitter-webhooks-signature': xWebhookSignature(CONSUMER_SECRET, body) }),
    replayed: fixture('x/aaa-dm.json'),
  },
  {
    name: 'messenger',
    adapter: () =>
      createMessengerAdapter({
        appSecret: APP_SECRET,
        verifyToken: 'verify-me',
        pageAccessToken: 'EAAG-token',
        pageId: PAGE,
      }),
    url: 'https://example.com/webhooks/messenger',
    fixtures: MESSENGER,
    sign: (body) => ({ 'x-hub-signature-256': metaSignature(APP_SECRET, body) }),
    replayed: fixture('meta/messenger-text.json'),
  },
  {
    name: 'instagram',
    adapter: () =>
      createInstagramAdapter({
        appSecret: APP_SECRET,
        verifyToken: 'verify-me',
        pageAccessToken: 'EAAG-token',
        pageId: PAGE,
        igUserId: IG,
      }),
    url: 'https://example.com/webhooks/instagram',
    fixtures: INSTAGRAM,
    sign: (body) => ({ 'x-hub-signature-256': metaSignature(APP_SECRET, body) }),
    replayed: fixture('meta/instagram-text.json'),
  },
];

for (const channel of CHANNELS) {
  /** Signed over the bytes the server reads: authentic, whatever it holds. */
  const signed = (body: string, headers?: Record<string, string>) => {
    const read = new TextDecoder().decode(new TextEncoder().encode(body));
    return new Request(channel.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(headers ?? channel.sign(read)) },
      body,
    });
  };
  const hubOf = () => createHub({ store: memoryStore(), adapters: [channel.adapter()] });
  const handledOrRejected = async (body: string) => {
    const hub = hubOf();
    const [adapter] = hub.adapters.values();
    await expectHandledOrRejected(hub, signed(body), { channel: adapter!.channel, body });
  };

  describe(`${channel.name} handle() through the hub on hostile signed bodies`, () => {
    it('mutated real payloads: truncated, re-encoded, NUL, lone surrogates, 10k-deep nesting, huge strings', async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...channel.fixtures), fc.integer(), (payload, seed) =>
          handledOrRejected(mutateText(JSON.stringify(payload), seed)),
        ),
        { seed: 303, numRuns },
      );
    });
    it('real payloads with wrong types at random paths', async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...channel.fixtures), fc.integer(), (payload, seed) =>
          handledOrRejected(JSON.stringify(mutateJson(payload, seed))),
        ),
        { seed: 304, numRuns },
      );
    });
    it('a 10k-deep value inside a valid payload answers 400, kept as rejected (no stack overflow downstream)', async () => {
      const hub = hubOf();
      const payload = JSON.stringify(channel.replayed);
      const body = `${payload.slice(0, -1)},"deep":${'['.repeat(10_000) + ']'.repeat(10_000)}}`;
      expect((await hub.handle(signed(body))).status).toBe(400);
      expect((await hub.rejected.list()).items[0]!.raw).toBe(body);
    });
    it('a body over maxBodyBytes answers 413 and is kept as rejected', async () => {
      const hub = hubOf();
      const response = await hub.handle(signed(JSON.stringify({ pad: 'x'.repeat(1024 * 1024) })));
      expect(response.status).toBe(413);
      expect((await hub.rejected.list()).items[0]!.error.code).toBe('PAYLOAD_TOO_LARGE');
    });
    it('missing, malformed or foreign signatures answer 401, ingest nothing and keep nothing', async () => {
      const hub = hubOf();
      const body = JSON.stringify(channel.replayed);
      const header = Object.keys(channel.sign(body))[0]!;
      for (const value of [undefined, '', 'sha256=', 'sha256=00', 'garbage']) {
        expect((await hub.handle(signed(body, value === undefined ? {} : { [header]: value }))).status).toBe(
          401,
        );
      }
      const foreign =
        channel.name === 'x' ? xWebhookSignature('not-the-secret', body) : metaSignature('nope', body);
      expect((await hub.handle(signed(body, { [header]: foreign }))).status).toBe(401);
      expect((await hub.conversations.list()).items).toHaveLength(0);
      expect((await hub.rejected.list()).items).toHaveLength(0);
    });
    it('a replayed signed body ingests nothing new: dedup on the provider message id', async () => {
      // Neither X's nor Meta's signature carries a timestamp: a captured request verifies again, and
      // the hub's dedup on the external message id makes the replay a no-op.
      const hub = hubOf();
      const body = JSON.stringify(channel.replayed);
      for (let i = 0; i < 3; i++) expect((await hub.handle(signed(body))).status).toBe(200);
      const conversations = (await hub.conversations.list()).items;
      expect(conversations).toHaveLength(1);
      expect((await hub.conversations.messages(conversations[0]!.id)).items).toHaveLength(1);
    });
  });
}
