import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createHub, memoryStore, mutateJson, mutateText, twilioSignature } from '@omnithread/core';
import {
  expectHandledOrRejected,
  expectEventsOrTypedRefusal as refusesTyped,
} from '@omnithread/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createVoiceAdapter } from './adapter.js';
import { parseTranscript, TRANSCRIPT_FORMATS } from './formats/index.js';
import { AUTH_TOKEN, callStatus, transcription, URL_ } from './test-helpers.js';
import { parseVoiceWebhook } from './webhook/parse.js';

// Hostile transcripts and call webhooks never crash the voice package: every refusal is a typed
// error, and through the hub an authentic-but-unusable body answers 4xx with the raw body kept as
// rejected. Fixed seed, modest run count; `pnpm fuzz` raises OMNITHREAD_PROPERTY_RUNS.
const numRuns = Number(process.env.OMNITHREAD_PROPERTY_RUNS ?? 100);
const startedAt = '2026-03-02T15:00:00.000Z';
const shared = new URL('../../../../shared/fixtures/voice/deepgram-captions/', import.meta.url);
const own = new URL('../test/fixtures/', import.meta.url);
const TEXTS = [
  ...readdirSync(shared).map((f) => readFileSync(new URL(f, shared), 'utf8')),
  ...readdirSync(own).map((f) => readFileSync(new URL(f, own), 'utf8')),
];
const JSONS = TEXTS.filter((t) => t.trimStart().startsWith('{')).map((t) => JSON.parse(t) as unknown);
const FORMATS = ['auto', ...TRANSCRIPT_FORMATS] as const;

const anything = fc.anything({ maxDepth: 4, withNullPrototype: true, withMap: true, withDate: true });
const format = fc.constantFrom(...FORMATS);

describe('parseTranscript on hostile input, every format', () => {
  it(`${TEXTS.length} real transcripts, ${FORMATS.length} formats (auto included)`, () => {
    expect(TEXTS.length).toBeGreaterThanOrEqual(14);
    for (const text of TEXTS)
      for (const f of FORMATS) refusesTyped(() => parseTranscript(text, { format: f, startedAt }));
  });
  it('random values', () => {
    fc.assert(
      fc.property(anything, format, (raw, f) =>
        refusesTyped(() => parseTranscript(raw, { format: f, startedAt })),
      ),
      { seed: 401, numRuns },
    );
  });
  it('random text shaped like cues', () => {
    const cueish = fc
      .array(
        fc.oneof(
          fc.constantFrom(
            'WEBVTT',
            '\n',
            '\n\n',
            '-->',
            '00:00:01.000',
            '1',
            ':',
            '<v Agent>',
            '{',
            '"words"',
            '[',
          ),
          fc.string({ maxLength: 6 }),
        ),
        { maxLength: 40 },
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(cueish, format, (text, f) =>
        refusesTyped(() => parseTranscript(text, { format: f, startedAt })),
      ),
      { seed: 402, numRuns },
    );
  });
  it('real transcripts truncated, re-encoded, with NUL, lone surrogates, 10k-deep nesting, huge strings', () => {
    fc.assert(
      fc.property(fc.constantFrom(...TEXTS), fc.integer(), format, (text, seed, f) =>
        refusesTyped(() => parseTranscript(mutateText(text, seed), { format: f, startedAt })),
      ),
      { seed: 403, numRuns },
    );
  });
  it('real JSON transcripts with a wrong type at a random path, as values and as bytes', () => {
    fc.assert(
      fc.property(fc.constantFrom(...JSONS), fc.integer(), format, (json, seed, f) => {
        const mutated = mutateJson(json, seed);
        refusesTyped(() => parseTranscript(mutated, { format: f, startedAt }));
        refusesTyped(() =>
          parseTranscript(new TextEncoder().encode(JSON.stringify(mutated)), { format: f, startedAt }),
        );
      }),
      { seed: 404, numRuns },
    );
  });
});

describe('parseVoiceWebhook on hostile input', () => {
  it('random values and mutated real payloads', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          anything,
          fc
            .constantFrom(...[callStatus, transcription, ...JSONS])
            .chain((p) => fc.integer().map((s) => mutateJson(p, s))),
        ),
        (raw) => refusesTyped(() => parseVoiceWebhook(raw, { receivedAt: startedAt })),
      ),
      { seed: 405, numRuns },
    );
  });
});

const hubOf = () =>
  createHub({
    store: memoryStore(),
    adapters: [createVoiceAdapter({ authToken: AUTH_TOKEN, clock: () => new Date(startedAt) })],
  });

/** Twilio-signed over what the server reads: form posts over the params, JSON over the body's SHA-256. */
function signed(body: string, json: boolean): Request {
  const read = new TextDecoder().decode(new TextEncoder().encode(body));
  const url = json ? `${URL_}?bodySHA256=${createHash('sha256').update(read).digest('hex')}` : URL_;
  return new Request(url, {
    method: 'POST',
    headers: {
      'content-type': json ? 'application/json' : 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilioSignature(AUTH_TOKEN, url, json ? {} : new URLSearchParams(read)),
    },
    body,
  });
}

async function handledOrRejected(body: string, json: boolean): Promise<void> {
  await expectHandledOrRejected(hubOf(), signed(body, json), { channel: 'voice', body });
}

describe('handle() through the hub on hostile signed bodies', () => {
  it('mutated call-status and transcription form posts', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(callStatus, transcription), fc.integer(), (params, seed) =>
        handledOrRejected(mutateText(new URLSearchParams(params).toString(), seed), false),
      ),
      { seed: 406, numRuns },
    );
  });
  it('mutated JSON transcripts posted as JSON', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...JSONS), fc.integer(), fc.boolean(), (json, seed, asText) =>
        handledOrRejected(
          asText ? mutateText(JSON.stringify(json), seed) : JSON.stringify(mutateJson(json, seed)),
          true,
        ),
      ),
      { seed: 407, numRuns },
    );
  });
  it('a 10k-deep value inside a JSON transcript answers 400, kept as rejected (no stack overflow downstream)', async () => {
    const hub = hubOf();
    const body = `{"sentences":[],"deep":${'['.repeat(10_000) + ']'.repeat(10_000)}}`;
    expect((await hub.handle(signed(body, true))).status).toBe(400);
    expect((await hub.rejected.list()).items[0]!.raw).toBe(body);
  });
  it('a body over maxBodyBytes answers 413 and is kept as rejected', async () => {
    const hub = hubOf();
    const response = await hub.handle(signed(JSON.stringify({ pad: 'x'.repeat(1024 * 1024) }), true));
    expect(response.status).toBe(413);
    expect((await hub.rejected.list()).items[0]!.error.code).toBe('PAYLOAD_TOO_LARGE');
  });
  it('missing or wrong signatures answer 401; a replayed signed call ingests nothing new', async () => {
    const hub = hubOf();
    const body = new URLSearchParams(transcription).toString();
    const base = { 'content-type': 'application/x-www-form-urlencoded' };
    for (const headers of [
      base,
      { ...base, 'x-twilio-signature': 'AAAA' },
      { ...base, 'x-twilio-signature': twilioSignature('x'.repeat(32), URL_, transcription) },
    ]) {
      expect((await hub.handle(new Request(URL_, { method: 'POST', headers, body }))).status).toBe(401);
    }
    expect((await hub.rejected.list()).items).toHaveLength(0);
    // Twilio's signature has no timestamp: a replay verifies, and dedup on the call makes it a no-op.
    const call = new URLSearchParams(callStatus).toString();
    for (let i = 0; i < 3; i++) {
      expect((await hub.handle(signed(call, false))).status).toBe(200);
      expect((await hub.handle(signed(body, false))).status).toBe(200);
    }
    const conversations = (await hub.conversations.list()).items;
    expect(conversations).toHaveLength(1);
    expect((await hub.conversations.messages(conversations[0]!.id)).items).toHaveLength(1);
  });
});

describe('Twilio signature over repeated form keys', () => {
  it('a signed post with a repeated key verifies (every value is signed, none collapsed)', async () => {
    // Found by the fuzz suite: verification used to collapse repeated keys to the last value.
    const body = `${new URLSearchParams(callStatus).toString()}&CallerName=Second+Value`;
    const response = await hubOf().handle(signed(body, false));
    expect(response.status).toBe(200);
  });
});
