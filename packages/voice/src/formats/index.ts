import { type InboundEvent, parseJson, WebhookParseError } from '@omnithread/core';
import { MissingStartError, toVoiceEvent } from '../build.js';
import type { ParsedCall, TranscriptOptions } from '../types.js';
import { looksLikeAssemblyAi, parseAssemblyAi } from './assemblyai.js';
import { looksLikeAwsTranscribe, parseAwsTranscribe } from './aws-transcribe.js';
import { looksLikeDeepgram, parseDeepgram } from './deepgram.js';
import { looksLikeSrt, parseSrt } from './srt.js';
import {
  looksLikeTwilioRecordingTranscription,
  looksLikeTwilioTranscript,
  parseTwilioRecordingTranscription,
  parseTwilioTranscript,
} from './twilio-transcript.js';
import { FormatError } from './util.js';
import { looksLikeVoiceJson, parseVoiceJson } from './voice-json.js';
import { looksLikeVtt, parseVtt } from './vtt.js';
import { looksLikeWhisper, parseWhisper } from './whisper.js';

/** The `--format` names of the transcript formats. */
export const TRANSCRIPT_FORMATS = [
  'twilio-transcript',
  'aws-transcribe',
  'deepgram',
  'assemblyai',
  'whisper',
  'vtt',
  'srt',
  'voice-json',
] as const;
export type TranscriptFormat = (typeof TRANSCRIPT_FORMATS)[number];

interface FormatSpec {
  /** Text formats take the file's text; JSON formats take the parsed value. */
  kind: 'text' | 'json';
  matches(value: unknown): boolean;
  parse(value: unknown): ParsedCall;
}

const FORMATS: Record<TranscriptFormat, FormatSpec> = {
  'twilio-transcript': {
    kind: 'json',
    matches: (v) => looksLikeTwilioTranscript(v) || looksLikeTwilioRecordingTranscription(v),
    parse: (v) =>
      looksLikeTwilioRecordingTranscription(v)
        ? parseTwilioRecordingTranscription(v)
        : parseTwilioTranscript(v),
  },
  'aws-transcribe': { kind: 'json', matches: looksLikeAwsTranscribe, parse: parseAwsTranscribe },
  deepgram: { kind: 'json', matches: looksLikeDeepgram, parse: parseDeepgram },
  assemblyai: { kind: 'json', matches: looksLikeAssemblyAi, parse: parseAssemblyAi },
  whisper: { kind: 'json', matches: looksLikeWhisper, parse: parseWhisper },
  vtt: {
    kind: 'text',
    matches: (v) => typeof v === 'string' && looksLikeVtt(v),
    parse: (v) => parseVtt(v as string),
  },
  srt: {
    kind: 'text',
    matches: (v) => typeof v === 'string' && looksLikeSrt(v),
    parse: (v) => parseSrt(v as string),
  },
  'voice-json': { kind: 'json', matches: looksLikeVoiceJson, parse: parseVoiceJson },
};

// Most specific first: Whisper's `segments` also appear beside other shapes.
const DETECT_ORDER: readonly TranscriptFormat[] = [
  'voice-json',
  'twilio-transcript',
  'aws-transcribe',
  'deepgram',
  'assemblyai',
  'whisper',
  'vtt',
  'srt',
];

export function isTranscriptFormat(name: string): name is TranscriptFormat {
  return (TRANSCRIPT_FORMATS as readonly string[]).includes(name);
}

/** Which format a parsed JSON value or a text is, or undefined. */
export function detectTranscriptFormat(input: unknown): TranscriptFormat | undefined {
  return DETECT_ORDER.find((name) => FORMATS[name].matches(input));
}

export interface ParseTranscriptOptions extends TranscriptOptions {
  /** The format; `auto` (default) detects it. */
  format?: TranscriptFormat | 'auto';
}

function parseError(message: string, raw: unknown, cause?: unknown, path?: string): WebhookParseError {
  return new WebhookParseError(message, { raw, cause, ...(path ? { path } : {}) });
}

const JSON_START = /^\s*[[{]/;
/** parseJson's default nesting bound. */
const MAX_JSON_DEPTH = 64;

/** Reads JSON text; a truncated or invalid file is a typed error that keeps the text. */
function readJson(text: string, raw: unknown): unknown {
  const body = text.replace(/^\uFEFF/, '');
  try {
    return parseJson(body, { maxDepth: MAX_JSON_DEPTH });
  } catch (cause) {
    throw parseError(
      `invalid JSON transcript: ${cause instanceof Error ? cause.message : String(cause)}`,
      raw,
      cause,
    );
  }
}

/**
 * Parses one transcript file or payload into voice message events (one per call; the generic JSON
 * form may hold several). `input` is the file's text or an already-parsed JSON value. Pure: no I/O.
 * Throws `WebhookParseError` (keeping `raw`) for anything that is not a transcript it can read.
 *
 * @example
 * ```ts
 * const [event] = parseTranscript(readFileSync('call.json', 'utf8'), { format: 'deepgram', from: '+14155550100', speakers: { '0': 'agent', '1': 'customer' } });
 * await hub.ingest(event);
 * ```
 */
export function parseTranscript(input: unknown, options: ParseTranscriptOptions = {}): InboundEvent[] {
  const requested = options.format ?? 'auto';
  const text = input instanceof Uint8Array ? new TextDecoder().decode(input) : input;
  let value: unknown = text;
  if (typeof text === 'string') {
    // `\s` is the set trimStart removes, a byte order mark included.
    const textual =
      requested === 'vtt' || requested === 'srt' || (requested === 'auto' && !JSON_START.test(text));
    if (!textual) value = readJson(text, input);
  }
  const items =
    Array.isArray(value) && value.length > 0 && value.every((v) => looksLikeVoiceJson(v)) ? value : [value];
  const events: InboundEvent[] = [];
  for (const item of items) {
    const format = requested === 'auto' ? detectTranscriptFormat(item) : requested;
    if (!format)
      throw parseError(
        'not a transcript format this package reads (twilio-transcript, aws-transcribe, deepgram, assemblyai, whisper, vtt, srt, voice-json)',
        input,
      );
    const spec = FORMATS[format];
    if (!spec) throw parseError(`unknown transcript format ${JSON.stringify(String(format))}`, input);
    if (spec.kind === 'text' && typeof item !== 'string')
      throw parseError(`${format} is a text format: pass the file's text`, input);
    try {
      events.push(toVoiceEvent(spec.parse(item), options, item));
    } catch (error) {
      if (error instanceof FormatError) throw parseError(error.message, input, error, error.path);
      if (error instanceof MissingStartError) throw parseError(error.message, input, error, 'startedAt');
      throw error;
    }
  }
  return events;
}

/** The raw parse of a format, before roles, redaction and the event: for tools that want only the turns. */
export function parseCall(input: unknown, format: TranscriptFormat): ParsedCall {
  const spec = FORMATS[format];
  if (!spec) throw parseError(`unknown transcript format ${JSON.stringify(String(format))}`, input);
  try {
    return spec.parse(input);
  } catch (error) {
    if (error instanceof FormatError) throw parseError(error.message, input, error, error.path);
    throw error;
  }
}
