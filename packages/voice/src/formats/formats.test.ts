import { readFileSync } from 'node:fs';
import { type InboundEvent, inboundEventSchema } from '@omnithread/core';
import { describe, expect, it } from 'vitest';
import { parseTranscript } from './index.js';

// Payloads of this package, shaped after each provider's documented output (see test/fixtures).
const fixture = (name: string) =>
  readFileSync(new URL(`../../test/fixtures/${name}`, import.meta.url), 'utf8');
const startedAt = '2026-03-02T15:00:00.000Z';

function messageOf(events: InboundEvent[]) {
  expect(events).toHaveLength(1);
  const parsed = inboundEventSchema.parse(events[0]);
  if (parsed.type !== 'message') throw new Error('expected a message event');
  return parsed.message;
}

describe('Twilio Intelligence transcript', () => {
  it('orders sentences, maps channel participants to roles and numbers, takes the CallSid', () => {
    const message = messageOf(parseTranscript(fixture('twilio-intelligence-transcript.json')));
    expect(message.transcript!.source).toBe('twilio-transcript');
    expect(
      message.transcript!.turns.map((t) => [t.speaker, t.speakerLabel, t.startMs, t.endMs, t.confidence]),
    ).toEqual([
      ['agent', '2', 400, 3480, 0.97],
      ['customer', '1', 4120, 7900, 0.93],
      ['agent', '2', 8200, 12050, 0.95],
      ['customer', '1', 13000, 15500, 0.9],
    ]);
    expect(message.text).toBe(
      [
        'Agent: Thanks for calling Acme, this is Sam.',
        'Customer: Hi, my order 1182 never arrived.',
        'Agent: Sorry about that, let me look it up.',
        'Customer: Sure, my email is jane.doe@example.com.',
      ].join('\n'),
    );
    expect(message.from).toEqual({ kind: 'phone', value: '+14155550100' });
    expect(message.to).toEqual([{ kind: 'phone', value: '+14155550199' }]);
    expect(message.external.id).toBe('CA33333333333333333333333333333333');
    expect(message.sentAt).toBe('2026-03-02T15:00:00.000Z');
    expect(message.call).toMatchObject({ callId: 'CA33333333333333333333333333333333', durationMs: 21000 });
    expect(message.transcript!.language).toBe('en-US');
    expect(message.warnings).toEqual([]);
  });

  it('a bare sentence list leaves channel roles to the speakers option', () => {
    const { sentences } = JSON.parse(fixture('twilio-intelligence-transcript.json'));
    const message = messageOf(parseTranscript(sentences, { startedAt, speakers: { '1': 'customer' } }));
    expect(message.transcript!.turns.map((t) => t.speaker)).toEqual([
      'unknown',
      'customer',
      'unknown',
      'customer',
    ]);
    expect(message.warnings.some((w) => w.includes('"2"'))).toBe(true);
  });

  it('reads a <Record> transcription callback as the caller speaking', () => {
    const message = messageOf(
      parseTranscript(
        {
          TranscriptionText: 'Please call me back about my bill.',
          TranscriptionStatus: 'completed',
          CallSid: 'CA44444444444444444444444444444444',
          From: '+14155550100',
          To: '+14155550199',
          RecordingUrl: 'https://api.twilio.com/rec/RE1',
        },
        { startedAt },
      ),
    );
    expect(message.transcript!.turns).toEqual([
      {
        speaker: 'customer',
        speakerLabel: 'caller',
        text: 'Please call me back about my bill.',
        startMs: 0,
        endMs: 0,
      },
    ]);
    expect(message.external.id).toBe('CA44444444444444444444444444444444');
    expect(message.call!.recordingUrl).toBe('https://api.twilio.com/rec/RE1');
  });
});

describe('Amazon', () => {
  it('Transcribe with speaker labels: items grouped by speaker, punctuation attached', () => {
    const message = messageOf(
      parseTranscript(fixture('aws-transcribe-diarized.json'), {
        startedAt,
        speakers: { spk_0: 'customer', spk_1: 'agent' },
      }),
    );
    expect(message.transcript!.source).toBe('aws-transcribe');
    expect(
      message.transcript!.turns.map((t) => [t.speaker, t.speakerLabel, t.text, t.startMs, t.endMs]),
    ).toEqual([
      ['customer', 'spk_0', "I've been on hold for an hour.", 4870, 6880],
      ['agent', 'spk_1', 'Sorry about that.', 8490, 9240],
    ]);
    expect(message.transcript!.turns[1]!.confidence).toBeCloseTo((1 + 0.902 + 1) / 3, 6);
    expect(message.text).toBe("Customer: I've been on hold for an hour.\nAgent: Sorry about that.");
    expect(message.external.id).toBe('aws-transcribe:my-first-transcription-job');
  });

  it('Transcribe with only speaker_labels.segments (older output) finds each word its segment', () => {
    const raw = JSON.parse(fixture('aws-transcribe-diarized.json'));
    for (const item of raw.results.items) delete item.speaker_label;
    const message = messageOf(parseTranscript(raw, { startedAt }));
    expect(message.transcript!.turns.map((t) => t.speakerLabel)).toEqual(['spk_0', 'spk_1']);
  });

  it('Transcribe audio_segments are turns as they are', () => {
    const raw = {
      jobName: 'j',
      results: {
        transcripts: [{ transcript: 'x' }],
        items: [],
        audio_segments: [
          {
            id: 0,
            transcript: 'Hello there.',
            start_time: '0.5',
            end_time: '1.5',
            speaker_label: 'spk_0',
            items: [0, 1],
          },
          {
            id: 1,
            transcript: 'Hi.',
            start_time: '1.9',
            end_time: '2.2',
            speaker_label: 'spk_1',
            items: [2],
          },
        ],
      },
    };
    const message = messageOf(parseTranscript(raw, { startedAt }));
    expect(message.transcript!.turns.map((t) => [t.speakerLabel, t.text, t.startMs, t.endMs])).toEqual([
      ['spk_0', 'Hello there.', 500, 1500],
      ['spk_1', 'Hi.', 1900, 2200],
    ]);
  });

  it('Call Analytics: ParticipantRole gives the role, Sentiment is kept', () => {
    const message = messageOf(
      parseTranscript(fixture('aws-call-analytics.json'), { startedAt, from: '+14155550100' }),
    );
    expect(message.transcript!.source).toBe('aws-transcribe-call-analytics');
    expect(message.transcript!.turns.map((t) => [t.speaker, t.sentiment, t.startMs, t.endMs])).toEqual([
      ['agent', 'neutral', 300, 2900],
      ['customer', 'negative', 3100, 7000],
      ['agent', 'positive', 7400, 9800],
      ['customer', 'positive', 10100, 12400],
    ]);
    expect(message.transcript!.turns[0]!.confidence).toBeCloseTo(0.98, 6);
    expect(message.call!.durationMs).toBe(12400);
    expect(message.warnings).toEqual([]);
  });

  it('Connect Contact Lens: ParticipantId resolved through Participants, ContactId is the call id', () => {
    const message = messageOf(
      parseTranscript(fixture('connect-contact-lens.json'), { startedAt, from: '+14155550100' }),
    );
    expect(message.transcript!.source).toBe('amazon-connect-contact-lens');
    expect(message.transcript!.turns.map((t) => t.speaker)).toEqual([
      'agent',
      'customer',
      'agent',
      'customer',
      'agent',
      'customer',
    ]);
    expect(message.text.split('\n')[1]).toBe('Customer: Just hello. My name is Peter and help.');
    expect(message.external.id).toBe('c7d5f0c4-1f1e-4c55-9d2a-3a1b2c3d4e5f');
    expect(message.call).toMatchObject({
      durationMs: 32110,
      recordingUrl: 's3://connect-bucket/recordings/2026/03/02/c7d5f0c4.wav',
    });
  });
});

describe('WebVTT', () => {
  it('voice tags, cue settings, NOTE and STYLE blocks, multi-line cues, entities, two voices in one cue', () => {
    const message = messageOf(
      parseTranscript(fixture('call.vtt'), {
        startedAt,
        speakers: { 'Sam (Acme)': 'agent', 'Jane Doe': 'customer' },
      }),
    );
    expect(message.transcript!.source).toBe('vtt');
    expect(
      message.transcript!.turns.map((t) => [t.speaker, t.speakerLabel, t.text, t.startMs, t.endMs]),
    ).toEqual([
      ['agent', 'Sam (Acme)', 'Thanks for calling Acme, this is Sam.', 500, 3200],
      ['customer', 'Jane Doe', 'Hi! My order & refund <never> arrived.', 3400, 7000],
      ['agent', 'Sam (Acme)', 'Let me check.', 7100, 9000],
      ['customer', 'Jane Doe', 'Thanks.', 7100, 9000],
    ]);
    expect(message.text).toBe(
      'Agent: Thanks for calling Acme, this is Sam.\nCustomer: Hi! My order & refund <never> arrived.\nAgent: Let me check.\nCustomer: Thanks.',
    );
  });

  it('refuses text that is not WebVTT when asked for vtt', () => {
    expect(() => parseTranscript('hello', { format: 'vtt', startedAt })).toThrowError(/WEBVTT/);
  });
});

describe('SRT', () => {
  it('CRLF cues, bracketed speaker prefixes, inline tags; a cue without a speaker stays unlabeled', () => {
    const message = messageOf(
      parseTranscript(fixture('call.srt'), {
        startedAt,
        speakers: { SPEAKER_00: 'agent', SPEAKER_01: 'customer' },
      }),
    );
    expect(message.transcript!.source).toBe('srt');
    expect(message.transcript!.turns.map((t) => [t.speaker, t.text, t.startMs, t.endMs])).toEqual([
      ['agent', 'Thanks for calling Acme, this is Sam.', 500, 3200],
      ['customer', 'Hi, my order never arrived.', 3400, 7000],
      ['unknown', 'Let me check.', 7100, 9000],
    ]);
    expect(message.text.split('\n')[2]).toBe('Unknown: Let me check.');
  });
});

describe('generic voice JSON', () => {
  it('takes roles, numbers, times and call facts as given', () => {
    const message = messageOf(parseTranscript(fixture('call.voice.json')));
    expect(message.from).toEqual({ kind: 'phone', value: '+14155550100' });
    expect(message.to).toEqual([{ kind: 'phone', value: '+14155550199' }]);
    expect(message.endpoint).toBe('+14155550199');
    expect(message.direction).toBe('inbound');
    expect(message.external.id).toBe('call-2026-03-02-0042');
    expect(message.sentAt).toBe('2026-03-02T15:00:00.000Z');
    expect(message.call).toEqual({
      callId: 'call-2026-03-02-0042',
      startedAt: '2026-03-02T15:00:00.000Z',
      durationMs: 9000,
      recordingUrl: 'https://recordings.example.com/call-0042.wav',
    });
    expect(message.text).toBe(
      'Agent: Thanks for calling Acme, this is Sam.\nCustomer: Hi, my order never arrived.\nAgent: Let me check.',
    );
    expect(message.transcript!.turns[2]).toEqual({
      speaker: 'agent',
      speakerLabel: 'agent',
      text: 'Let me check.',
      startMs: 7100,
      endMs: 9000,
    });
  });

  it('an outbound call is from our number to the customer', () => {
    const raw = {
      ...JSON.parse(fixture('call.voice.json')),
      direction: 'outbound',
      from: '+14155550199',
      to: '+14155550100',
    };
    const message = messageOf(parseTranscript(raw, { from: '+14155550100', to: '+14155550199' }));
    expect(message.direction).toBe('outbound');
    expect(message.from).toEqual({ kind: 'phone', value: '+14155550199' });
    expect(message.to).toEqual([{ kind: 'phone', value: '+14155550100' }]);
  });

  it('an array holds several calls', () => {
    const one = JSON.parse(fixture('call.voice.json'));
    const events = parseTranscript([one, { ...one, callId: 'call-2' }]);
    expect(events.map((e) => (e.type === 'message' ? e.message.external.id : ''))).toEqual([
      'call-2026-03-02-0042',
      'call-2',
    ]);
  });

  it('with no number, the caller is an opaque per-call id and a warning says to pass `from`', () => {
    const message = messageOf(parseTranscript(fixture('call.vtt'), { startedAt }));
    expect(message.from.kind).toBe('voice-caller');
    expect(message.warnings.some((w) => w.includes('pass `from`'))).toBe(true);
  });
});

describe('Zoom-style "Name: text" captions', () => {
  it('reads the prefix as the speaker when most cues carry one', () => {
    const vtt =
      'WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nSam Lee: Acme support.\n\n2\n00:00:02.500 --> 00:00:04.000\nJane Doe: Hi, about my order.\n\n3\n00:00:04.500 --> 00:00:05.000\nSam Lee: Sure: which one?\n';
    const message = messageOf(
      parseTranscript(vtt, { startedAt, speakers: { 'Sam Lee': 'agent', 'Jane Doe': 'customer' } }),
    );
    expect(message.text).toBe('Agent: Acme support.\nCustomer: Hi, about my order.\nAgent: Sure: which one?');
  });

  it('leaves a lone "Note: …" line as text', () => {
    const srt =
      '1\n00:00:01,000 --> 00:00:02,000\nNote: this is text.\n\n2\n00:00:02,000 --> 00:00:03,000\nHello there.\n';
    const message = messageOf(parseTranscript(srt, { startedAt }));
    expect(message.transcript!.turns.map((t) => [t.speakerLabel, t.text])).toEqual([
      [undefined, 'Note: this is text.'],
      [undefined, 'Hello there.'],
    ]);
  });
});
