import type { CountryCode, Direction, SpeakerRole } from '@omnithread/core';

/** The PII kinds the redactor knows. */
export type RedactionKind = 'card' | 'cvv' | 'ssn' | 'email' | 'phone';
export const REDACTION_KINDS: readonly RedactionKind[] = ['card', 'cvv', 'ssn', 'email', 'phone'];

/** `true` redacts every kind; `{ kinds }` only those. */
export type RedactOption = boolean | { kinds: readonly RedactionKind[] };

/** Speaker label (as the format writes it: `"0"`, `"spk_1"`, `"A"`, `"Jane"`) → role. */
export type SpeakerMap = Readonly<Record<string, SpeakerRole>>;

/** How a transcript becomes a voice message. Every field is optional. */
export interface TranscriptOptions {
  /** Roles of speaker labels that the format does not tag itself (`{ '0': 'agent', A: 'customer' }`). */
  speakers?: SpeakerMap;
  /**
   * Infer roles from the call's direction when neither the format nor `speakers` says: on an
   * inbound call the business answers, so the first unmapped speaker is the agent and the second
   * the customer; on an outbound call the customer answers, so the first is the customer and the
   * second the agent. Further speakers stay `unknown`. Off by default: never guessed silently.
   */
  inferFromDirection?: boolean;
  /** The call's direction when the format does not say. Default `inbound`. */
  direction?: Direction;
  /** The caller (inbound) or the callee (outbound) as a phone number, for formats that carry none. */
  from?: string;
  /** Our number, for formats that carry none. */
  to?: string;
  /** The call id (Twilio CallSid, Connect ContactId) when the format carries none. */
  callId?: string;
  /** When the call started, for formats that carry no date (WebVTT, SRT, AssemblyAI). */
  startedAt?: string | Date;
  /** Redact PII from the turns and the text before the message is stored. */
  redact?: RedactOption;
  /** Region for numbers written without a country code. */
  defaultRegion?: CountryCode;
}

/** One turn as a format gives it, before roles are mapped and times are checked. */
export interface RawTurn {
  /** The format's speaker label (channel number, speaker id, voice name). */
  label?: string;
  /** A role the format itself states (AGENT/CUSTOMER fields, Twilio participants). */
  role?: SpeakerRole;
  text: string;
  startMs?: number;
  endMs?: number;
  confidence?: number;
  sentiment?: string;
}

/** What a format parser extracts: turns and whatever call metadata the format carries. */
export interface ParsedCall {
  /** The format name stored as `transcript.source`. */
  source: string;
  turns: RawTurn[];
  language?: string;
  callId?: string;
  /** A stable id of the transcript itself (Deepgram request id, AssemblyAI id), when there is no call id. */
  transcriptId?: string;
  startedAt?: string;
  /** Set when `startedAt` is a fallback (the transcription time), so a warning says so. */
  startedAtNote?: string;
  durationMs?: number;
  recordingUrl?: string;
  status?: string;
  from?: string;
  to?: string;
  direction?: Direction;
  warnings: string[];
}
