import { createHash } from 'node:crypto';
import {
  type CallInfo,
  type CountryCode,
  canonicalIso,
  type Direction,
  type Identity,
  type InboundEvent,
  type InboundMessage,
  normalizePhone,
  type Redaction,
  type Transcript,
  type TranscriptTurn,
} from '@omnithread/core';
import { redactionEnabled, redactText } from './redact.js';
import { assignRoles, speakerName } from './speakers.js';
import type { ParsedCall, RawTurn, TranscriptOptions } from './types.js';

export const CHANNEL = 'voice';

const finite = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);
const MESSY_SPACE = /\s{2}|[\t\n\r\f\v\u00a0]/;

/** Puts turns in time order with sane times: missing or negative times are repaired and reported. */
export function normalizeTurns(raw: readonly RawTurn[]): { turns: RawTurn[]; warnings: string[] } {
  const warnings: string[] = [];
  let missing = 0;
  let negative = 0;
  let reversed = 0;
  let previousEnd = 0;
  let sorted = true;
  const kept: Array<RawTurn & { startMs: number; endMs: number }> = [];
  for (const turn of raw) {
    // Most turns are already clean: only rewrite the ones with runs of whitespace or line breaks.
    const text = (MESSY_SPACE.test(turn.text) ? turn.text.replace(/\s+/g, ' ') : turn.text).trim();
    if (text.length === 0) continue;
    let startMs = turn.startMs;
    if (!finite(startMs)) {
      missing++;
      startMs = previousEnd;
    } else if (startMs < 0) {
      negative++;
      startMs = 0;
    }
    let endMs = turn.endMs;
    if (!finite(endMs)) {
      missing++;
      endMs = startMs;
    } else if (endMs < 0) {
      negative++;
      endMs = startMs;
    } else if (endMs < startMs) {
      reversed++;
      endMs = startMs;
    }
    const confidence = finite(turn.confidence) ? Math.min(1, Math.max(0, turn.confidence)) : undefined;
    const clean: RawTurn & { startMs: number; endMs: number } = {
      text,
      startMs: Math.round(startMs),
      endMs: Math.round(endMs),
    };
    if (turn.label !== undefined) clean.label = turn.label;
    if (turn.role !== undefined) clean.role = turn.role;
    if (confidence !== undefined) clean.confidence = confidence;
    if (turn.sentiment !== undefined) clean.sentiment = turn.sentiment;
    if (sorted && kept.length > 0 && clean.startMs < kept[kept.length - 1]!.startMs) sorted = false;
    kept.push(clean);
    previousEnd = endMs;
  }
  if (missing) warnings.push(`${missing} missing turn time(s) filled from the previous turn`);
  if (negative) warnings.push(`${negative} negative turn time(s) clamped to 0`);
  if (reversed) warnings.push(`${reversed} turn(s) ended before they started: end set to start`);
  // Array.prototype.sort is stable: turns that start together keep the source's order.
  if (!sorted) kept.sort((a, b) => a.startMs - b.startMs);
  return { turns: kept, warnings };
}

export interface BuiltTranscript {
  transcript: Transcript;
  text: string;
  redactions: Redaction[];
  warnings: string[];
}

/**
 * Turns the raw turns of a format into the model's transcript: time order, roles, optional PII
 * redaction, and the searchable text (`Customer: …\nAgent: …`).
 */
export function buildTranscript(parsed: ParsedCall, options: TranscriptOptions = {}): BuiltTranscript {
  const { turns: ordered, warnings } = normalizeTurns(parsed.turns);
  const direction: Direction = parsed.direction ?? options.direction ?? 'inbound';
  const { roles, warnings: roleWarnings } = assignRoles(ordered, {
    speakers: options.speakers,
    inferFromDirection: options.inferFromDirection,
    direction,
  });
  for (const w of roleWarnings) warnings.push(w);
  const redact = options.redact;
  const redactions: Redaction[] = [];
  const textRedactions: Redaction[] = [];
  const turns: TranscriptTurn[] = [];
  // The text is built from the already-redacted turns; its own spans are found where the placeholders landed.
  let joined = '';
  for (let i = 0; i < ordered.length; i++) {
    const turn = ordered[i]!;
    const { text, spans } = redactText(turn.text, redact);
    const out: TranscriptTurn = {
      speaker: roles[i]!,
      text,
      startMs: turn.startMs ?? 0,
      endMs: turn.endMs ?? 0,
    };
    if (turn.label !== undefined) out.speakerLabel = turn.label;
    if (turn.confidence !== undefined) out.confidence = turn.confidence;
    if (turn.sentiment !== undefined) out.sentiment = turn.sentiment;
    turns.push(out);
    const prefix = `${speakerName(out.speaker, out.speakerLabel)}: `;
    if (i > 0) joined += '\n';
    if (spans.length > 0) {
      const field = `transcript.turns[${i}].text`;
      const base = joined.length + prefix.length;
      for (const sp of spans) {
        redactions.push({ kind: sp.kind, field, start: sp.start, end: sp.end });
        textRedactions.push({ kind: sp.kind, field: 'text', start: base + sp.start, end: base + sp.end });
      }
    }
    joined += prefix + text;
  }
  const transcript: Transcript = { turns, source: parsed.source };
  if (parsed.language) transcript.language = parsed.language;
  // Turn redactions first in turn order, then the text's.
  for (const r of textRedactions) redactions.push(r);
  return { transcript, text: joined, redactions, warnings };
}

/** A phone identity when `value` is a number; otherwise an opaque caller id, with a warning. */
export function phoneIdentity(
  value: string | undefined,
  region: CountryCode | undefined,
  warnings: string[],
  role: string,
): Identity | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  try {
    return { kind: 'phone', value: normalizePhone(value, region) };
  } catch {
    warnings.push(
      `the ${role} ${JSON.stringify(value.slice(0, 64))} is not a phone number: kept as an opaque voice-caller id`,
    );
    return { kind: 'voice-caller', value: value.trim().slice(0, 512) };
  }
}

/** A start time as ISO 8601 (UTC, milliseconds), or undefined when it is not a date. */
export function toIso(value: string | Date | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') {
    const canonical = canonicalIso(value);
    if (canonical !== undefined) return canonical;
  }
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

/** A stable id for a transcript that names no call: the same file always gives the same message. */
function contentId(parsed: ParsedCall): string {
  const hash = createHash('sha256');
  for (const t of parsed.turns) hash.update(`${t.label ?? ''}\u0000${t.startMs ?? ''}\u0000${t.text}\u0001`);
  return `${parsed.source}:sha256:${hash.digest('hex').slice(0, 32)}`;
}

export function externalIdOf(parsed: ParsedCall, options: TranscriptOptions): string {
  return (
    options.callId ??
    parsed.callId ??
    (parsed.transcriptId ? `${parsed.source}:${parsed.transcriptId}` : contentId(parsed))
  );
}

export class MissingStartError extends Error {}

/** The call facts of a parsed transcript, for `message.call` and `enrich` events. */
export function callInfoOf(
  parsed: ParsedCall,
  options: TranscriptOptions,
  startedAt: string | undefined,
): CallInfo {
  const call: CallInfo = {};
  const callId = options.callId ?? parsed.callId;
  if (callId) call.callId = callId;
  if (startedAt) call.startedAt = startedAt;
  if (finite(parsed.durationMs) && parsed.durationMs >= 0) call.durationMs = Math.round(parsed.durationMs);
  if (parsed.recordingUrl) call.recordingUrl = parsed.recordingUrl;
  if (parsed.status) call.status = parsed.status;
  return call;
}

/**
 * One voice message event from a parsed transcript. `raw` is kept as the provider payload, except
 * when redaction is on: then only a digest of it is kept, since the original holds the PII.
 * Throws `MissingStartError` when no start time is known (the caller turns it into its typed error).
 */
export function toVoiceEvent(parsed: ParsedCall, options: TranscriptOptions, raw: unknown): InboundEvent {
  const built = buildTranscript(parsed, options);
  const warnings = [...parsed.warnings, ...built.warnings];
  const optionStart = toIso(options.startedAt);
  const startedAt = optionStart ?? toIso(parsed.startedAt);
  if (!startedAt)
    throw new MissingStartError(
      `the ${parsed.source} transcript carries no call start time: pass \`startedAt\``,
    );
  if (!optionStart && parsed.startedAtNote) warnings.push(parsed.startedAtNote);
  const direction: Direction = parsed.direction ?? options.direction ?? 'inbound';
  const externalId = externalIdOf(parsed, options);
  const region = options.defaultRegion;
  const customerNumber = phoneIdentity(options.from ?? parsed.from, region, warnings, 'caller');
  const businessNumber = phoneIdentity(options.to ?? parsed.to, region, warnings, 'called number');
  const customer = customerNumber ?? { kind: 'voice-caller', value: `unknown:${externalId}`.slice(0, 512) };
  if (!customerNumber)
    warnings.push(
      'the transcript names no caller number: pass `from` to join the contact of their SMS and WhatsApp',
    );
  const business = businessNumber ?? { kind: 'voice-endpoint', value: 'unknown' };
  const message: InboundMessage = {
    channel: CHANNEL,
    direction,
    from: direction === 'inbound' ? customer : business,
    to: direction === 'inbound' ? (businessNumber ? [businessNumber] : []) : [customer],
    sentAt: startedAt,
    text: built.text,
    external: { id: externalId },
    transcript: built.transcript,
    call: callInfoOf(parsed, options, startedAt),
    warnings,
    metadata: { transcriptSource: parsed.source },
    raw: redactionEnabled(options.redact) ? redactedRawReference(raw, parsed.source) : raw,
  };
  if (businessNumber?.kind === 'phone') message.endpoint = businessNumber.value;
  if (redactionEnabled(options.redact)) message.redactions = built.redactions;
  return { type: 'message', message };
}

/** What is kept of a payload whose content was redacted: where it came from and a digest to match it. */
export function redactedRawReference(
  raw: unknown,
  source: string,
): { redacted: true; source: string; sha256: string } {
  const text = typeof raw === 'string' ? raw : (JSON.stringify(raw) ?? '');
  return { redacted: true, source, sha256: createHash('sha256').update(text).digest('hex') };
}
