import { readdirSync, readFileSync } from 'node:fs';
import { type InboundEvent, inboundEventSchema, type TranscriptTurn } from '@omnithread/core';
import { describe, expect, it } from 'vitest';
import { parseTranscript } from './index.js';

// Real transcripts from deepgram/deepgram-python-captions (see ../shared/fixtures/SOURCES.md).
const dir = new URL('../../../../../shared/fixtures/voice/deepgram-captions/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, dir), 'utf8');
const json = (name: string) => JSON.parse(read(name));
const startedAt = '2026-03-02T15:00:00.000Z';

function messageOf(events: InboundEvent[]) {
  expect(events).toHaveLength(1);
  const parsed = inboundEventSchema.parse(events[0]);
  if (parsed.type !== 'message') throw new Error('expected a message event');
  return parsed.message;
}

function expectOrderedMs(turns: TranscriptTurn[]) {
  for (const [i, t] of turns.entries()) {
    expect(Number.isInteger(t.startMs) && Number.isInteger(t.endMs)).toBe(true);
    expect(t.endMs).toBeGreaterThanOrEqual(t.startMs);
    if (i > 0) expect(t.startMs).toBeGreaterThanOrEqual(turns[i - 1]!.startMs);
  }
}

const joined = (turns: TranscriptTurn[]) =>
  turns
    .map(
      (t) =>
        `${t.speaker === 'unknown' ? (t.speakerLabel !== undefined ? `Speaker ${t.speakerLabel}` : 'Unknown') : t.speaker[0]!.toUpperCase() + t.speaker.slice(1)}: ${t.text}`,
    )
    .join('\n');

describe('every voice fixture parses into one valid voice message', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  it('covers all eight files', () => expect(files).toHaveLength(8));
  for (const file of files) {
    it(file, () => {
      const message = messageOf(parseTranscript(read(file), { startedAt, from: '+14155550100' }));
      expect(message.channel).toBe('voice');
      expect(message.from).toEqual({ kind: 'phone', value: '+14155550100' });
      expect(message.transcript!.turns.length).toBeGreaterThan(0);
      expectOrderedMs(message.transcript!.turns);
      expect(message.text).toBe(joined(message.transcript!.turns));
      expect(message.raw).toEqual(JSON.parse(read(file)));
    });
  }
});

describe('Deepgram', () => {
  it('dg_speakers.json: 22 utterances, speakers 0-2 mapped by config, seconds → ms', () => {
    const raw = json('dg_speakers.json');
    const message = messageOf(
      parseTranscript(raw, { startedAt, speakers: { '0': 'agent', '1': 'customer' } }),
    );
    const turns = message.transcript!.turns;
    expect(message.transcript!.source).toBe('deepgram');
    expect(turns).toHaveLength(22);
    expect(turns.map((t) => t.speakerLabel)).toEqual(
      raw.results.utterances.map((u: { speaker: number }) => String(u.speaker)),
    );
    expect(turns[0]).toMatchObject({
      speaker: 'agent',
      speakerLabel: '0',
      text: 'And,',
      startMs: 3040,
      endMs: 3540,
    });
    expect(turns[4]).toMatchObject({ speaker: 'customer', speakerLabel: '1', startMs: 17660, endMs: 23360 });
    // Speaker 2 is not mapped: it stays unknown and the message says so.
    expect(turns.filter((t) => t.speakerLabel === '2').every((t) => t.speaker === 'unknown')).toBe(true);
    expect(message.warnings.some((w) => w.includes('"2"'))).toBe(true);
    expect(message.text.split('\n')[0]).toBe('Agent: And,');
    expect(message.text.split('\n')).toHaveLength(22);
    expect(message.external.id).toBe('deepgram:e4ac910d-2bd6-4e54-b656-4cb971284bad');
    expect(message.call!.durationMs).toBe(169802);
  });

  it('dg_speakers_no_utterances.json: diarized words grouped by speaker into turns', () => {
    const raw = json('dg_speakers_no_utterances.json');
    const words = raw.results.channels[0].alternatives[0].words as Array<{
      speaker: number;
      punctuated_word: string;
      start: number;
      end: number;
    }>;
    const message = messageOf(parseTranscript(raw, { startedAt }));
    const turns = message.transcript!.turns;
    // One turn per run of one speaker's words.
    const runs = words.filter((w, i) => i === 0 || w.speaker !== words[i - 1]!.speaker);
    expect(turns).toHaveLength(runs.length);
    expect(turns).toHaveLength(10);
    expect(turns.map((t) => t.speakerLabel)).toEqual(runs.map((w) => String(w.speaker)));
    expect(turns.map((t) => t.text).join(' ')).toBe(words.map((w) => w.punctuated_word).join(' '));
    expect(turns[0]!.startMs).toBe(3040);
    expect(turns[0]!.text.startsWith('And, Jessica, Christina, we are so proud of you.')).toBe(true);
    expect(turns.at(-1)!.endMs).toBe(Math.round(words.at(-1)!.end * 1000));
  });

  it('dg_utterances.json: utterances without diarization are turns of an unknown speaker', () => {
    const raw = json('dg_utterances.json');
    const message = messageOf(parseTranscript(raw, { startedAt }));
    const turns = message.transcript!.turns;
    expect(turns).toHaveLength(6);
    expect(turns.every((t) => t.speaker === 'unknown' && t.speakerLabel === undefined)).toBe(true);
    expect(turns.map((t) => [t.startMs, t.endMs])).toEqual(
      raw.results.utterances.map((u: { start: number; end: number }) => [
        Math.round(u.start * 1000),
        Math.round(u.end * 1000),
      ]),
    );
    expect(message.text).toBe(
      raw.results.utterances.map((u: { transcript: string }) => `Unknown: ${u.transcript}`).join('\n'),
    );
  });

  it('dg_transcription.json and dg_whisper_transcription.json: no speakers → one turn of the whole transcript', () => {
    for (const file of ['dg_transcription.json', 'dg_whisper_transcription.json']) {
      const raw = json(file);
      const alternative = raw.results.channels[0].alternatives[0];
      const message = messageOf(parseTranscript(raw, { startedAt }));
      expect(message.transcript!.turns).toHaveLength(1);
      expect(message.transcript!.turns[0]!.text).toBe(alternative.transcript);
      expect(message.transcript!.turns[0]!.startMs).toBe(Math.round(alternative.words[0].start * 1000));
      expect(message.text).toBe(`Unknown: ${alternative.transcript}`);
    }
  });

  it('falls back to the transcription time as the call start, with a warning', () => {
    const message = messageOf(parseTranscript(read('dg_utterances.json')));
    expect(message.sentAt).toBe('2023-10-27T15:35:56.637Z');
    expect(message.warnings.some((w) => w.includes('metadata.created'))).toBe(true);
  });
});

describe('AssemblyAI', () => {
  it('assemblyai_utterances.json: utterance of speaker A, times already in ms', () => {
    const raw = json('assemblyai_utterances.json');
    const message = messageOf(parseTranscript(raw, { startedAt, speakers: { A: 'customer' } }));
    expect(message.transcript!.source).toBe('assemblyai');
    expect(message.transcript!.language).toBe('en');
    expect(message.transcript!.turns).toEqual([
      {
        speaker: 'customer',
        speakerLabel: 'A',
        text: raw.utterances[0].text,
        startMs: 170,
        endMs: 25140,
        confidence: raw.utterances[0].confidence,
      },
    ]);
    expect(message.text).toBe(`Customer: ${raw.utterances[0].text}`);
    expect(message.external.id).toBe(`assemblyai:${raw.id}`);
    expect(message.call).toMatchObject({ durationMs: 25000, recordingUrl: raw.audio_url });
  });

  it('assemblyai_transcription.json: no utterances → words grouped by speaker', () => {
    const raw = json('assemblyai_transcription.json');
    const message = messageOf(parseTranscript(raw, { startedAt }));
    expect(message.transcript!.turns).toHaveLength(1);
    expect(message.transcript!.turns[0]).toMatchObject({
      speakerLabel: 'A',
      startMs: 170,
      endMs: raw.words.at(-1).end,
    });
    expect(message.transcript!.turns[0]!.text).toBe(raw.words.map((w: { text: string }) => w.text).join(' '));
  });

  it('refuses a transcript without a start time with a typed error', () => {
    expect(() => parseTranscript(read('assemblyai_utterances.json'))).toThrowError(/no call start time/);
  });
});

describe('Whisper (supported as its own format)', () => {
  it('whisper_timestamped.json: one turn per segment, no speaker', () => {
    const raw = json('whisper_timestamped.json');
    const message = messageOf(parseTranscript(raw, { startedAt }));
    expect(message.transcript!.source).toBe('whisper');
    expect(message.transcript!.turns).toHaveLength(4);
    expect(message.transcript!.turns.map((t) => t.text)).toEqual(
      raw.segments.map((s: { text: string }) => s.text.trim()),
    );
    expect(message.transcript!.turns[0]).toMatchObject({
      startMs: 120,
      endMs: 7620,
      confidence: 0.89,
      speaker: 'unknown',
    });
    expect(message.transcript!.language).toBe('en');
  });
});
