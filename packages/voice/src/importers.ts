import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  type Importer,
  type ImportOptions,
  type ImportProblem,
  type InboundEvent,
  isWebhookParseError,
  PayloadTooLargeError,
} from '@omnithread/core';
import { detectFromHead } from './detect.js';
import { parseTranscript, type TranscriptFormat } from './formats/index.js';
import type { TranscriptOptions } from './types.js';

/** A transcript is one call, so one message: it is read whole, up to this size. */
export const MAX_TRANSCRIPT_BYTES = 64 * 1024 * 1024;

const DESCRIPTIONS: Record<TranscriptFormat, string> = {
  'twilio-transcript': 'Twilio Intelligence transcript sentences (JSON) or <Record> transcription callbacks',
  'aws-transcribe':
    'Amazon Transcribe, Transcribe Call Analytics or Amazon Connect Contact Lens output (JSON)',
  deepgram: 'Deepgram pre-recorded results (JSON: utterances or diarized words)',
  assemblyai: 'AssemblyAI transcripts (JSON: utterances or words with speakers)',
  whisper: 'OpenAI Whisper / whisper-timestamped / WhisperX output (JSON segments)',
  vtt: 'WebVTT captions with <v Speaker> voice tags',
  srt: 'SubRip (SRT) captions',
  'voice-json': "Omnithread's generic call JSON ({ callId, from, to, startedAt, direction, turns })",
};

export interface VoiceImporterOptions
  extends Omit<TranscriptOptions, 'from' | 'to' | 'startedAt' | 'callId'> {
  /** Largest file read; bigger ones are reported as rejected. Default `MAX_TRANSCRIPT_BYTES`. */
  maxBytes?: number;
}

async function* readOne(
  format: TranscriptFormat,
  path: string,
  options: ImportOptions,
  base: VoiceImporterOptions,
): AsyncGenerator<InboundEvent | ImportProblem> {
  const source = basename(path);
  const info = await stat(path);
  const { maxBytes = MAX_TRANSCRIPT_BYTES, ...transcriptOptions } = base;
  if (info.size > maxBytes) {
    yield {
      type: 'rejected',
      source,
      raw: { path, size: info.size },
      error: new PayloadTooLargeError(
        `${source} is ${info.size} bytes; transcripts over ${maxBytes} bytes are not read`,
        { limit: maxBytes },
      ),
    };
    return;
  }
  const text = await readFile(path, 'utf8');
  options.onProgress?.(info.size, info.size);
  const parseOptions = {
    ...transcriptOptions,
    format,
    ...(options.from ? { from: options.from } : {}),
    ...(options.to ? { to: options.to } : {}),
  };
  let events: InboundEvent[];
  try {
    events = parseTranscript(text, parseOptions);
  } catch (error) {
    if (isWebhookParseError(error) && error.path === 'startedAt') {
      // A file format without dates (WebVTT, SRT, AssemblyAI): the file's time stands in, and says so.
      events = parseTranscript(text, { ...parseOptions, startedAt: info.mtime }).map((event) => {
        if (event.type === 'message') {
          event.message.warnings = [
            ...(event.message.warnings ?? []),
            `call start unknown: the file's modification time (${info.mtime.toISOString()}) is used`,
          ];
        }
        return event;
      });
    } else {
      yield { type: 'rejected', source, raw: text, error };
      return;
    }
  }
  yield* events;
}

function importerFor(format: TranscriptFormat, base: VoiceImporterOptions): Importer {
  return {
    format,
    description: DESCRIPTIONS[format],
    detect: (path, head) => detectFromHead(path, head) === format,
    read: (path, options = {}) => readOne(format, path, options, base),
  };
}

/**
 * Importers for `omnithread import --format <name>`, one per format. `--from` / `--to` supply the
 * numbers that formats without them lack; speakers and redaction come from `options`.
 */
export function createVoiceImporters(options: VoiceImporterOptions = {}): Importer[] {
  return (
    [
      'twilio-transcript',
      'aws-transcribe',
      'deepgram',
      'assemblyai',
      'whisper',
      'vtt',
      'srt',
      'voice-json',
    ] as const
  ).map((f) => importerFor(f, options));
}

/** The importers with default options (no speaker map, no redaction). */
export const importers: Importer[] = createVoiceImporters();
