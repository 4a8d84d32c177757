import { isConfigurationError, isNotSupportedError } from '@omnithread/core';
import { adapterConformanceCases } from '@omnithread/core/testing';
import { describe, expect, it } from 'vitest';
import { createVoiceAdapter } from './adapter.js';
import { AUTH_TOKEN, CALL_SID, callStatus, signed, transcription, URL_ } from './test-helpers.js';
import { parseVoiceWebhook } from './webhook/parse.js';

const clock = () => new Date('2026-03-02T15:10:00.000Z');
const create = () => createVoiceAdapter({ authToken: AUTH_TOKEN, clock });

describe('voice adapter conformance', () => {
  const bundle = {
    transcript: {
      sid: 'GT11111111111111111111111111111111',
      customer_key: CALL_SID,
      channel: { participants: [{ channel_participant: 1, role: 'Customer' }] },
      media_start_time: '2026-03-02T15:00:00Z',
    },
    sentences: [
      {
        media_channel: 1,
        sentence_index: 0,
        start_time: 0.5,
        end_time: 2,
        transcript: 'Hello?',
        confidence: 0.9,
      },
    ],
  };
  for (const c of adapterConformanceCases({
    create,
    validPayloads: [callStatus, { ...transcription, Timestamp: 'Mon, 02 Mar 2026 15:02:00 +0000' }, bundle],
    invalidPayloads: [
      { hello: 'world' },
      { CallSid: 'not-a-sid' },
      'Body=hi',
      { ...transcription, TranscriptionStatus: 'failed' },
      { ...callStatus, From: '' },
    ],
    signedRequest: (p) => signed(p),
    unsignedRequest: (p) => signed(p, { signature: null }),
    badlySignedRequest: (p) => signed(p, { token: 'wrong-token-wrong-token-wrong-tok' }),
  })) {
    it(c.name, c.run);
  }
});

describe('createVoiceAdapter', () => {
  it('validates its config at once, naming the setting', () => {
    for (const [config, setting] of [
      [{}, 'authToken'],
      [{ authToken: 'x', webhookUrl: '/relative' }, 'webhookUrl'],
      [{ authToken: 'x', redact: { kinds: ['card', 'dna'] } }, 'redact'],
      [{ authToken: 'x', speakers: { '0': 'boss' } }, 'speakers'],
    ] as const) {
      expect(() => createVoiceAdapter(config as never)).toThrow(expect.objectContaining({ setting }));
    }
    expect(isConfigurationError(catchError(() => createVoiceAdapter({} as never)))).toBe(true);
  });

  it('send() is not supported: the adapter records calls, it does not place them', async () => {
    await expect(create().send({} as never, {} as never)).rejects.toSatisfy(isNotSupportedError);
  });

  it('declares an unthreaded channel reached by phone', () => {
    const adapter = create();
    expect(adapter.channel).toBe('voice');
    expect(adapter.capabilities).toMatchObject({ threaded: false, identityKinds: ['phone'], media: false });
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('signatures', () => {
  it('accepts a valid signature, also against the configured public URL behind a proxy', async () => {
    await expect(create().handle!(await signed(callStatus))).resolves.toMatchObject({
      response: { status: 200 },
    });
    const proxied = createVoiceAdapter({ authToken: AUTH_TOKEN, webhookUrl: URL_, clock });
    const request = await signed(callStatus);
    const internal = new Request('http://10.0.0.5:8080/webhooks/voice', {
      method: 'POST',
      headers: request.headers,
      body: await request.text(),
    });
    await expect(proxied.handle!(internal)).resolves.toMatchObject({ response: { status: 200 } });
  });

  it('refuses a missing, a wrong, or a tampered signature before parsing', async () => {
    const adapter = create();
    await expect(adapter.handle!(await signed(callStatus, { signature: null }))).rejects.toThrow(
      /missing X-Twilio-Signature/,
    );
    await expect(adapter.handle!(await signed(callStatus, { signature: 'AAAA' }))).rejects.toThrow(
      /does not match/,
    );
    const good = await signed(callStatus);
    const tampered = new Request(URL_, {
      method: 'POST',
      headers: good.headers,
      body: (await good.text()).replace('%2B14155550100', '%2B19995550100'),
    });
    await expect(adapter.handle!(tampered)).rejects.toThrow(/does not match/);
    // A garbage body with a wrong signature is refused for its signature, not parsed.
    const junk = new Request(URL_, {
      method: 'POST',
      headers: { 'x-twilio-signature': 'x', 'content-type': 'application/json' },
      body: '{',
    });
    await expect(adapter.handle!(junk)).rejects.toThrow(/does not match/);
  });

  it('with verification off, unsigned requests are parsed', async () => {
    const adapter = createVoiceAdapter({ authToken: AUTH_TOKEN, verifySignature: false, clock });
    const { events } = await adapter.handle!(await signed(callStatus, { signature: null }));
    expect(events[0]!.type).toBe('message');
  });
});

describe('Twilio webhooks', () => {
  it('a call-status callback is the call (keyed by CallSid) and an enrich with its latest status', () => {
    const [message, enrich] = parseVoiceWebhook(callStatus);
    expect(message).toMatchObject({
      type: 'message',
      message: {
        channel: 'voice',
        direction: 'inbound',
        from: { kind: 'phone', value: '+14155550100' },
        to: [{ kind: 'phone', value: '+14155550199' }],
        fromName: 'Jane Doe',
        endpoint: '+14155550199',
        sentAt: '2026-03-02T15:00:00.000Z',
        external: { id: CALL_SID },
        call: {
          callId: CALL_SID,
          startedAt: '2026-03-02T15:00:00.000Z',
          status: 'completed',
          durationMs: 42000,
        },
      },
    });
    expect(enrich).toEqual({
      type: 'enrich',
      channel: 'voice',
      targetExternalId: CALL_SID,
      at: '2026-03-02T15:00:00.000Z',
      call: { callId: CALL_SID, status: 'completed', durationMs: 42000 },
      raw: callStatus,
    });
  });

  it('an outbound-api call is from our number to the customer', () => {
    const [event] = parseVoiceWebhook({
      ...callStatus,
      Direction: 'outbound-api',
      From: '+14155550199',
      To: '+14155550100',
    });
    expect(event).toMatchObject({
      message: { direction: 'outbound', from: { value: '+14155550199' }, to: [{ value: '+14155550100' }] },
    });
  });

  it('a <Record> transcription callback enriches the call, redacted when asked', async () => {
    const adapter = createVoiceAdapter({ authToken: AUTH_TOKEN, clock, redact: true });
    const { events } = await adapter.handle!(await signed(transcription));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'enrich',
      targetExternalId: CALL_SID,
      at: '2026-03-02T15:10:00.000Z',
      transcript: {
        source: 'twilio-recording-transcription',
        turns: [
          { speaker: 'customer', text: 'Hi, my order never arrived, call me back on [REDACTED:phone].' },
        ],
      },
      call: { callId: CALL_SID, recordingUrl: transcription.RecordingUrl },
      redactions: [
        { kind: 'phone', field: 'transcript.turns[0].text' },
        { kind: 'phone', field: 'text' },
      ],
      raw: { redacted: true },
    });
  });

  it('the Intelligence "transcript available" webhook fetches the transcript, its sentences and the call it belongs to', async () => {
    const calls: Array<{ url: string; auth: string | null }> = [];
    const responses: Record<string, unknown> = {
      '/v2/Transcripts/GT11111111111111111111111111111111': {
        sid: 'GT11111111111111111111111111111111',
        customer_key: 'order-1182',
        channel: {
          media_properties: { source_sid: 'RE22222222222222222222222222222222' },
          participants: [
            { channel_participant: 1, role: 'Customer', media_participant_id: '+14155550100' },
            { channel_participant: 2, role: 'Agent', media_participant_id: '+14155550199' },
          ],
        },
      },
      '/v2/Transcripts/GT11111111111111111111111111111111/Sentences': {
        sentences: [
          {
            media_channel: 2,
            sentence_index: 0,
            start_time: 0.4,
            end_time: 2.5,
            transcript: 'Acme, Sam speaking.',
            confidence: 0.97,
          },
        ],
        meta: {
          next_page_url:
            'https://intelligence.test/v2/Transcripts/GT11111111111111111111111111111111/Sentences?PageToken=p2',
        },
      },
      '/v2/Transcripts/GT11111111111111111111111111111111/Sentences?PageToken=p2': {
        sentences: [
          {
            media_channel: 1,
            sentence_index: 1,
            start_time: 3.1,
            end_time: 5.0,
            transcript: 'Hi, it is Jane.',
            confidence: 0.92,
          },
        ],
        meta: { next_page_url: null },
      },
      '/2010-04-01/Accounts/AC00000000000000000000000000000000/Recordings/RE22222222222222222222222222222222.json':
        { sid: 'RE22222222222222222222222222222222', call_sid: CALL_SID },
    };
    const fakeFetch = (async (input: string | URL | Request, init?: RequestInit) => {
      const url = new URL(String(input));
      calls.push({ url: url.toString(), auth: new Headers(init?.headers).get('authorization') });
      const key =
        url.pathname +
        (url.searchParams.get('PageToken') ? `?PageToken=${url.searchParams.get('PageToken')}` : '');
      const body = responses[key];
      return body ? Response.json(body) : new Response('not found', { status: 404 });
    }) as typeof fetch;
    const adapter = createVoiceAdapter({
      authToken: AUTH_TOKEN,
      accountSid: 'AC00000000000000000000000000000000',
      fetch: fakeFetch,
      intelligenceBaseUrl: 'https://intelligence.test',
      apiBaseUrl: 'https://api.test',
      clock,
    });
    const notification = {
      account_sid: 'AC00000000000000000000000000000000',
      service_sid: 'GA0',
      transcript_sid: 'GT11111111111111111111111111111111',
      customer_key: 'order-1182',
      event_type: 'voice_intelligence_transcript_available',
    };
    const { events } = await adapter.handle!(await signed(notification));
    expect(calls.map((c) => new URL(c.url).host)).toEqual([
      'intelligence.test',
      'intelligence.test',
      'intelligence.test',
      'api.test',
    ]);
    expect(
      calls.every(
        (c) =>
          c.auth ===
          `Basic ${Buffer.from(`AC00000000000000000000000000000000:${AUTH_TOKEN}`).toString('base64')}`,
      ),
    ).toBe(true);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'enrich',
        targetExternalId: CALL_SID,
        transcript: {
          source: 'twilio-transcript',
          turns: [
            {
              speaker: 'agent',
              speakerLabel: '2',
              text: 'Acme, Sam speaking.',
              startMs: 400,
              endMs: 2500,
              confidence: 0.97,
            },
            {
              speaker: 'customer',
              speakerLabel: '1',
              text: 'Hi, it is Jane.',
              startMs: 3100,
              endMs: 5000,
              confidence: 0.92,
            },
          ],
        },
      }),
    ]);
  });

  it('the Intelligence webhook without accountSid is a configuration error, said plainly', async () => {
    const notification = {
      transcript_sid: 'GT11111111111111111111111111111111',
      event_type: 'voice_intelligence_transcript_available',
    };
    await expect(create().handle!(await signed(notification))).rejects.toSatisfy(isConfigurationError);
  });
});
