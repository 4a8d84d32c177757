import { inspect } from 'node:util';
import {
  createHub,
  isRateLimitedError,
  isSendFailedError,
  isValidationError,
  memoryStore,
} from '@omnithread/core';
import { describe, expect, it } from 'vitest';
import { createVoiceAdapter } from '../adapter.js';
import { AUTH_TOKEN, CALL_SID, callStatus, signed } from '../test-helpers.js';
import { fetchIntelligenceTranscript } from './intelligence.js';

// When Twilio's Intelligence API answers badly, the "transcript available" webhook fails with a
// typed error that says what was wrong (status, missing field), never the credentials, and the hub
// answers 500 so Twilio delivers the notification again.
const ACCOUNT = 'AC00000000000000000000000000000000';
const SID = 'GT11111111111111111111111111111111';
const BASIC = Buffer.from(`${ACCOUNT}:${AUTH_TOKEN}`).toString('base64');
const TRANSCRIPT = { sid: SID, customer_key: CALL_SID };
const SENTENCES = { sentences: [{ media_channel: 1, sentence_index: 0, transcript: 'Hi' }], meta: {} };

/** Answers the transcript, then the sentences page, with what each test gives. */
function twilio(answers: { transcript?: () => Response; sentences?: () => Response }) {
  return (async (input: string | URL | Request) => {
    const path = new URL(String(input)).pathname;
    if (path.endsWith('/Sentences')) return answers.sentences?.() ?? Response.json(SENTENCES);
    return answers.transcript?.() ?? Response.json(TRANSCRIPT);
  }) as typeof fetch;
}

const notification = {
  account_sid: ACCOUNT,
  transcript_sid: SID,
  event_type: 'voice_intelligence_transcript_available',
};

async function failure(answers: Parameters<typeof twilio>[0]): Promise<Error> {
  const adapter = createVoiceAdapter({ authToken: AUTH_TOKEN, accountSid: ACCOUNT, fetch: twilio(answers) });
  const error = await adapter.handle!(await signed(notification)).then(
    () => expect.fail('the webhook should fail'),
    (e: unknown) => e as Error,
  );
  const shown = inspect(error, { depth: 8 });
  expect(shown).not.toContain(AUTH_TOKEN);
  expect(shown).not.toContain(BASIC);
  return error;
}

describe('Intelligence API answers that cannot be used', () => {
  it('a non-2xx answer names the status, the resource and what Twilio said', async () => {
    const error = await failure({
      transcript: () =>
        Response.json(
          { code: 20404, message: 'The requested resource was not found', status: 404 },
          { status: 404 },
        ),
    });
    expect(isSendFailedError(error)).toBe(true);
    expect(error.message).toBe(
      `Twilio answered HTTP 404 for /v2/Transcripts/${SID}: 20404 The requested resource was not found`,
    );
    expect(error).toMatchObject({ providerCode: '20404', retryable: false });
  });

  it('a 5xx without a Twilio error body is retryable, coded by its status', async () => {
    const error = await failure({ sentences: () => new Response('upstream timeout', { status: 503 }) });
    expect(isSendFailedError(error)).toBe(true);
    expect(error.message).toBe(`Twilio answered HTTP 503 for /v2/Transcripts/${SID}/Sentences`);
    expect(error).toMatchObject({ providerCode: 'http-503', retryable: true });
  });

  it('429 is a RateLimitedError with Retry-After', async () => {
    const error = await failure({
      transcript: () => new Response('{}', { status: 429, headers: { 'retry-after': '30' } }),
    });
    expect(isRateLimitedError(error)).toBe(true);
    expect(error).toMatchObject({ retryAfterMs: 30_000 });
  });

  it('a 2xx answer that is not JSON says so, with its content type', async () => {
    const error = await failure({
      transcript: () =>
        new Response('<html><body>Gateway</body></html>', { headers: { 'content-type': 'text/html' } }),
    });
    expect(isSendFailedError(error)).toBe(true);
    expect(error.message).toBe(
      `Twilio answered HTTP 200 for /v2/Transcripts/${SID} with a body that is not JSON (text/html)`,
    );
  });

  it('a sentences page without its `sentences` list names the field', async () => {
    const error = await failure({ sentences: () => Response.json({ meta: {} }) });
    expect(isSendFailedError(error)).toBe(true);
    expect(error.message).toBe(
      `Twilio answered /v2/Transcripts/${SID}/Sentences (page 1) without a \`sentences\` list`,
    );
  });

  it('JSON that is not an object says so', async () => {
    const error = await failure({ transcript: () => Response.json([1, 2]) });
    expect(isSendFailedError(error)).toBe(true);
    expect(error.message).toMatch(/JSON that is not an object/);
  });

  it('a proxy that echoes the request headers in its error does not leak the credentials', async () => {
    const echo = { code: 1, message: `you sent authorization: Basic ${BASIC} (${AUTH_TOKEN})` };
    for (const status of [502, 429]) {
      const error = await failure({ transcript: () => Response.json(echo, { status }) });
      expect(error.message).toContain('[redacted]');
    }
  });

  it('an answer over 16 MiB is refused as it streams, not read whole', async () => {
    let pulled = 0;
    const huge = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (++pulled > 64) controller.close();
        else controller.enqueue(new Uint8Array(1024 * 1024).fill(0x20));
      },
    });
    const error = await failure({ sentences: () => new Response(huge) });
    expect(isSendFailedError(error)).toBe(true);
    expect(error.message).toContain('over 16777216 bytes');
    expect(pulled).toBeLessThan(20);
  });

  it('an unreachable API is a retryable SendFailedError', async () => {
    const adapter = createVoiceAdapter({
      authToken: AUTH_TOKEN,
      accountSid: ACCOUNT,
      fetch: (async () => {
        throw new TypeError('fetch failed');
      }) as typeof fetch,
    });
    const error = await adapter.handle!(await signed(notification)).catch((e: unknown) => e);
    expect(isSendFailedError(error)).toBe(true);
    expect(error).toMatchObject({ retryable: true, message: expect.stringContaining('fetch failed') });
  });

  it('through the hub each of these answers 500 (Twilio retries) and keeps nothing as rejected', async () => {
    const answers = [
      { transcript: () => new Response('nope', { status: 500 }) },
      { transcript: () => new Response('<html>') },
      { sentences: () => Response.json({}) },
    ];
    for (const answer of answers) {
      const hub = createHub({
        store: memoryStore(),
        adapters: [createVoiceAdapter({ authToken: AUTH_TOKEN, accountSid: ACCOUNT, fetch: twilio(answer) })],
      });
      const response = await hub.handle(await signed(notification));
      expect(response.status).toBe(500);
      expect(await response.text()).not.toContain(AUTH_TOKEN);
      expect((await hub.rejected.list()).items).toEqual([]);
    }
  });

  it('a good answer still gives the transcript (the same fetch, no error)', async () => {
    const fetched = await fetchIntelligenceTranscript(SID, {
      accountSid: ACCOUNT,
      authToken: AUTH_TOKEN,
      fetch: twilio({}),
    });
    expect(fetched).toMatchObject({ callSid: CALL_SID, sentences: SENTENCES.sentences });
  });

  it('fetchIntelligenceTranscript refuses a malformed sid with a ValidationError naming it', async () => {
    const error = await fetchIntelligenceTranscript('GT1/../x', {
      accountSid: ACCOUNT,
      authToken: AUTH_TOKEN,
      fetch: twilio({}),
    }).catch((e: unknown) => e);
    expect(isValidationError(error)).toBe(true);
    expect(error).toMatchObject({ path: 'transcriptSid' });
  });
});

describe('Intelligence transcripts that parse to nothing', () => {
  const hubWith = (answers: Parameters<typeof twilio>[0]) =>
    createHub({
      store: memoryStore(),
      adapters: [createVoiceAdapter({ authToken: AUTH_TOKEN, accountSid: ACCOUNT, fetch: twilio(answers) })],
    });

  it('a call nobody spoke in (no sentences) gets an empty transcript and a warning, not a 500 forever', async () => {
    const hub = hubWith({ sentences: () => Response.json({ sentences: [], meta: {} }) });
    expect((await hub.handle(await signed(callStatus))).status).toBe(200);
    const response = await hub.handle(await signed(notification));
    expect(response.status).toBe(200);
    const [conversation] = (await hub.conversations.list()).items;
    const [call] = (await hub.conversations.messages(conversation!.id)).items;
    expect(call).toMatchObject({ external: { id: CALL_SID }, transcript: { turns: [] } });
    expect(call!.warnings.join(' ')).toContain('no sentences');
    expect((await hub.rejected.list()).items).toEqual([]);
  });

  it('sentences Twilio answered that are not Intelligence sentences are kept as rejected (400), not retried', async () => {
    const hub = hubWith({
      sentences: () => Response.json({ sentences: [{ words: 'not a sentence' }], meta: {} }),
    });
    const response = await hub.handle(await signed(notification));
    expect(response.status).toBe(400);
    const [rejected] = (await hub.rejected.list()).items;
    expect(rejected).toMatchObject({ channel: 'voice', error: { code: 'WEBHOOK_PARSE' } });
    expect(rejected!.error.message).toContain(SID);
    expect(rejected!.raw).toMatchObject({ transcript: TRANSCRIPT, sentences: [{ words: 'not a sentence' }] });
    expect(JSON.stringify(rejected)).not.toContain(AUTH_TOKEN);
  });
});
