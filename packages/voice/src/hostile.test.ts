import { readdirSync, readFileSync } from 'node:fs';
import { inboundEventSchema, isWebhookParseError, WebhookParseError } from '@omnithread/core';
import { describe, expect, it } from 'vitest';
import { parseTranscript, TRANSCRIPT_FORMATS } from './formats/index.js';

const startedAt = '2026-03-02T15:00:00.000Z';
const shared = new URL('../../../../shared/fixtures/voice/deepgram-captions/', import.meta.url);
const own = new URL('../test/fixtures/', import.meta.url);
const MB = 1024 * 1024;

function message(input: unknown, options = {}) {
  const events = parseTranscript(input, { startedAt, ...options });
  const event = inboundEventSchema.parse(events[0]);
  if (event.type !== 'message') throw new Error('expected a message');
  return event.message;
}

/** Either valid events or a WebhookParseError that keeps the input: never anything else. */
function typedOrValid(input: unknown, options = {}) {
  try {
    for (const e of parseTranscript(input, { startedAt, ...options })) inboundEventSchema.parse(e);
    return 'parsed';
  } catch (error) {
    expect(isWebhookParseError(error), String(error)).toBe(true);
    expect((error as WebhookParseError).raw).toBe(input);
    return 'refused';
  }
}

describe('truncated and malformed input', () => {
  const files = [
    ...readdirSync(shared).map((f) => new URL(f, shared)),
    ...readdirSync(own).map((f) => new URL(f, own)),
  ];
  it('every fixture cut at 1/3 and 2/3 is refused with a typed error or read best effort', () => {
    let refused = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const cut of [Math.floor(text.length / 3), Math.floor((2 * text.length) / 3)]) {
        if (typedOrValid(text.slice(0, cut)) === 'refused') refused++;
      }
    }
    // Every JSON file cut in half is invalid JSON; the text formats are read up to the cut.
    expect(refused).toBeGreaterThanOrEqual(2 * files.filter((f) => f.pathname.endsWith('.json')).length);
  });

  it('junk of every kind, for every format, never crashes', () => {
    const junk: unknown[] = [
      null,
      undefined,
      0,
      '',
      ' ',
      '{',
      '[]',
      '{}',
      'WEBVTT',
      '-->',
      [],
      {},
      { results: 5 },
      { results: { channels: [null, 3] } },
      { Transcript: [null, { Content: 5 }] },
      { turns: [null, 'x', { text: 5, startMs: 'x' }] },
      { sentences: [{ media_channel: {} }] },
      new Uint8Array([0xff, 0xfe]),
    ];
    for (const input of junk) {
      typedOrValid(input);
      for (const format of TRANSCRIPT_FORMATS) typedOrValid(input, { format });
    }
  });

  it('a file of no known format is refused, naming the formats it knows', () => {
    expect(() => parseTranscript('{"hello":"world"}', { startedAt })).toThrowError(/not a transcript format/);
  });
});

describe('times', () => {
  it('overlapping WebVTT cues are kept, ordered by start time', () => {
    const vtt =
      'WEBVTT\n\n00:00:05.000 --> 00:00:09.000\n<v B>second\n\n00:00:01.000 --> 00:00:08.000\n<v A>first, overlapping\n\n00:00:05.000 --> 00:00:06.000\n<v C>same start as second\n';
    const m = message(vtt);
    expect(m.transcript!.turns.map((t) => [t.speakerLabel, t.startMs, t.endMs])).toEqual([
      ['A', 1000, 8000],
      ['B', 5000, 9000],
      ['C', 5000, 6000],
    ]);
  });

  it('negative, missing, reversed and non-numeric times are repaired and reported', () => {
    const m = message({
      callId: 'c',
      turns: [
        { speaker: 'agent', text: 'one', startMs: -500, endMs: 1000 },
        { speaker: 'customer', text: 'two' },
        { speaker: 'agent', text: 'three', startMs: 4000, endMs: 2000 },
        { speaker: 'agent', text: 'four', startMs: 'soon', endMs: Number.NaN },
      ],
    });
    expect(m.transcript!.turns.map((t) => [t.text, t.startMs, t.endMs])).toEqual([
      ['one', 0, 1000],
      ['two', 1000, 1000],
      ['three', 4000, 4000],
      ['four', 4000, 4000],
    ]);
    expect(m.warnings).toEqual(
      expect.arrayContaining([
        '4 missing turn time(s) filled from the previous turn',
        '1 negative turn time(s) clamped to 0',
        '1 turn(s) ended before they started: end set to start',
      ]),
    );
  });

  it('malformed WebVTT timings skip the cue and say so', () => {
    const m = message(
      'WEBVTT\n\n00:99:00.000 --> 00:00:01.000\n<v A>bad minutes\n\nno timing here\n\n00:00:02.000 --> 00:00:03.000\n<v A>good\n',
    );
    expect(m.transcript!.turns.map((t) => t.text)).toEqual(['bad minutes', 'good']);
    expect(m.transcript!.turns[0]!.startMs).toBe(0);
    expect(m.warnings.some((w) => w.includes('without a valid timing line'))).toBe(true);
  });
});

describe('10 MB transcripts (linear parsers: these finish, whatever the machine)', () => {
  it('a 10 MB WebVTT file with 100k+ cues', () => {
    const cue = (i: number) =>
      `${i}\n${Math.floor(i / 3600)}:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.000 --> 999:00:00.000\n<v Speaker ${i % 2}>hello there, how are you today</v>\n`;
    const parts = ['WEBVTT\n'];
    let size = 0;
    for (let i = 0; size < 10 * MB; i++) {
      const c = cue(i);
      parts.push(c);
      size += c.length + 1;
    }
    const m = message(parts.join('\n'), { speakers: { 'Speaker 0': 'agent', 'Speaker 1': 'customer' } });
    expect(m.transcript!.turns.length).toBe(parts.length - 1);
    expect(m.transcript!.turns[1]!.speaker).toBe('customer');
  });

  it('a 10 MB Deepgram result of diarized words', () => {
    const words = [];
    for (let i = 0; i < 120_000; i++)
      words.push({
        word: 'word',
        punctuated_word: 'word',
        start: i / 4,
        end: i / 4 + 0.2,
        confidence: 0.9,
        speaker: Math.floor(i / 7) % 2,
      });
    const raw = JSON.stringify({
      metadata: { request_id: 'big', created: startedAt },
      results: { channels: [{ alternatives: [{ transcript: '', words }] }] },
    });
    expect(raw.length).toBeGreaterThan(10 * MB);
    expect(message(raw).transcript!.turns.length).toBe(Math.ceil(120_000 / 7));
  });

  it('10 MB of hostile single-line content: a cue of "<", and redaction over letters, digits and "@"', () => {
    const lt = `WEBVTT\n\n00:00.000 --> 00:01.000\n${'<'.repeat(10 * MB)}\n`;
    expect(message(lt).transcript!.turns).toHaveLength(1);
    for (const text of ['a'.repeat(10 * MB), '1'.repeat(10 * MB), 'a@'.repeat(5 * MB)]) {
      const m = message(
        { callId: 'x', turns: [{ speaker: 'customer', text, startMs: 0, endMs: 1 }] },
        { redact: true },
      );
      expect(m.transcript!.turns).toHaveLength(1);
    }
  });

  it('10 MB of truncated JSON is a typed error', () => {
    const raw = JSON.stringify({
      callId: 'x',
      turns: Array.from({ length: 200_000 }, (_, i) => ({
        speaker: 'agent',
        text: 'hello world',
        startMs: i,
        endMs: i + 1,
      })),
    });
    expect(raw.length).toBeGreaterThan(10 * MB);
    expect(() => parseTranscript(raw.slice(0, raw.length - 10), { startedAt })).toThrowError(
      WebhookParseError,
    );
  });
});
