import {
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type ImportProblem,
  type InboundEvent,
  inboundEventSchema,
  isPayloadTooLargeError,
  isWebhookParseError,
} from '@omnithread/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createVoiceImporters, importers } from './importers.js';

const shared = fileURLToPath(
  new URL('../../../../shared/fixtures/voice/deepgram-captions/', import.meta.url),
);
const own = fileURLToPath(new URL('../test/fixtures/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'omnithread-voice-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const byFormat = (format: string) => importers.find((i) => i.format === format)!;

async function collect(iterable: AsyncIterable<InboundEvent | ImportProblem>) {
  const out: Array<InboundEvent | ImportProblem> = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** What `--format auto` would pick: the one importer whose detect claims the file. */
function detect(path: string): string[] {
  const head = readFileSync(path).subarray(0, 4096);
  return importers.filter((i) => i.detect?.(path, head)).map((i) => i.format);
}

describe('importers', () => {
  it('exports one importer per format', () => {
    expect(importers.map((i) => i.format)).toEqual([
      'twilio-transcript',
      'aws-transcribe',
      'deepgram',
      'assemblyai',
      'whisper',
      'vtt',
      'srt',
      'voice-json',
    ]);
  });

  it('detect: exactly one importer claims each fixture, the right one, from its first 4 KB', () => {
    const expected: Record<string, string> = {
      'assemblyai_transcription.json': 'assemblyai',
      'assemblyai_utterances.json': 'assemblyai',
      'dg_speakers.json': 'deepgram',
      'dg_speakers_no_utterances.json': 'deepgram',
      'dg_transcription.json': 'deepgram',
      'dg_utterances.json': 'deepgram',
      'dg_whisper_transcription.json': 'deepgram',
      'whisper_timestamped.json': 'whisper',
      'twilio-intelligence-transcript.json': 'twilio-transcript',
      'aws-transcribe-diarized.json': 'aws-transcribe',
      'aws-call-analytics.json': 'aws-transcribe',
      'connect-contact-lens.json': 'aws-transcribe',
      'call.vtt': 'vtt',
      'call.srt': 'srt',
      'call.voice.json': 'voice-json',
    };
    const files = [
      ...readdirSync(shared).map((f) => join(shared, f)),
      ...readdirSync(own).map((f) => join(own, f)),
    ];
    expect(files).toHaveLength(Object.keys(expected).length);
    for (const file of files)
      expect([file, detect(file)]).toEqual([file, [expected[file.split('/').at(-1)!]]]);
  });

  it('reads a Deepgram file with --from/--to overrides into one phone-identified voice message', async () => {
    const items = await collect(
      byFormat('deepgram').read(join(shared, 'dg_speakers.json'), {
        from: '+14155550100',
        to: '+14155550199',
      }),
    );
    expect(items).toHaveLength(1);
    const event = inboundEventSchema.parse(items[0]);
    if (event.type !== 'message') throw new Error('expected a message');
    expect(event.message.from).toEqual({ kind: 'phone', value: '+14155550100' });
    expect(event.message.to).toEqual([{ kind: 'phone', value: '+14155550199' }]);
    expect(event.message.transcript!.turns).toHaveLength(22);
  });

  it('a file without a date takes its modification time, and says so', async () => {
    const path = join(tmp, 'call.vtt');
    copyFileSync(join(own, 'call.vtt'), path);
    const mtime = new Date('2026-02-01T10:00:00.000Z');
    utimesSync(path, mtime, mtime);
    const [item] = await collect(byFormat('vtt').read(path, { from: '+14155550100' }));
    const event = inboundEventSchema.parse(item);
    if (event.type !== 'message') throw new Error('expected a message');
    expect(event.message.sentAt).toBe('2026-02-01T10:00:00.000Z');
    expect(event.message.warnings.at(-1)).toBe(
      "call start unknown: the file's modification time (2026-02-01T10:00:00.000Z) is used",
    );
  });

  it('speakers and redaction configured once apply to every file', async () => {
    const [configured] = createVoiceImporters({
      speakers: { SPEAKER_00: 'agent', SPEAKER_01: 'customer' },
      redact: true,
    }).filter((i) => i.format === 'srt');
    const path = join(tmp, 'pii.srt');
    writeFileSync(path, '1\n00:00:00,000 --> 00:00:02,000\n[SPEAKER_01]: my card is 4111 1111 1111 1111\n');
    const [item] = await collect(configured!.read(path, {}));
    expect(item).toMatchObject({
      type: 'message',
      message: { transcript: { turns: [{ speaker: 'customer', text: 'my card is [REDACTED:card]' }] } },
    });
  });

  it('a broken file is a rejected item, with the typed error and the raw text; too large files are not read', async () => {
    const broken = join(tmp, 'broken.json');
    writeFileSync(
      broken,
      '{"metadata":{"request_id":"x"},"results":{"channels":[{"alternatives":[{"words":[',
    );
    const [problem] = await collect(byFormat('deepgram').read(broken));
    expect(problem).toMatchObject({ type: 'rejected', source: 'broken.json' });
    expect(isWebhookParseError((problem as ImportProblem).error)).toBe(true);
    expect((problem as ImportProblem).raw).toBe(readFileSync(broken, 'utf8'));

    const [small] = createVoiceImporters({ maxBytes: 10 }).filter((i) => i.format === 'deepgram');
    const [tooBig] = await collect(small!.read(join(shared, 'dg_utterances.json')));
    expect(isPayloadTooLargeError((tooBig as ImportProblem).error)).toBe(true);
  });
});
