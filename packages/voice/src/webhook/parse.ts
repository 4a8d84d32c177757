import { type InboundEvent, type InboundMessage, parseJson, WebhookParseError } from '@omnithread/core';
import { buildTranscript, CHANNEL, callInfoOf, phoneIdentity, redactedRawReference } from '../build.js';
import {
  looksLikeTwilioRecordingTranscription,
  looksLikeTwilioTranscript,
  parseTwilioRecordingTranscription,
  parseTwilioTranscript,
} from '../formats/twilio-transcript.js';
import { FormatError, isObj, num, type Obj, str } from '../formats/util.js';
import { redactionEnabled } from '../redact.js';
import type { ParsedCall, TranscriptOptions } from '../types.js';

/**
 * Twilio voice webhooks, parsed purely:
 * - call-status callbacks (form params with `CallSid`, `CallStatus`, `From`, `To`, `Direction`) →
 *   the call as a voice message (external id = CallSid) plus an `enrich` with its latest status,
 *   duration and recording, since the message itself is stored once and retries are ignored;
 * - `<Record transcribe>` callbacks (`TranscriptionText`) → an `enrich` with the transcript;
 * - Intelligence transcripts posted with their sentences (`{ transcript, sentences }`) → an `enrich`;
 * - the Intelligence "transcript available" webhook (`transcript_sid`) → a `notice`: its sentences
 *   must be fetched, which `handle()` does.
 */

export interface WebhookParseOptions extends TranscriptOptions {
  /** When the request arrived; used when the payload carries no `Timestamp`. */
  receivedAt?: string;
}

const CALL_SID = /^CA[0-9a-fA-F]{32}$/;

/** Form params as a plain object; repeated keys keep their last value (Twilio sends none). */
export function formParams(input: URLSearchParams | string): Record<string, string> {
  const params = typeof input === 'string' ? new URLSearchParams(input) : input;
  const out: Record<string, string> = {};
  for (const [k, v] of params) out[k] = v;
  return out;
}

function toPayload(raw: unknown): unknown {
  if (raw instanceof URLSearchParams) return formParams(raw);
  if (typeof raw === 'string') {
    const text = raw.trim();
    if (text.startsWith('{') || text.startsWith('[')) {
      try {
        return parseJson(text);
      } catch (cause) {
        throw new WebhookParseError('invalid JSON body', { raw, cause });
      }
    }
    return formParams(text);
  }
  return raw;
}

function rfc2822ToIso(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

export function isIntelligenceNotification(payload: unknown): payload is Obj {
  return isObj(payload) && typeof payload.transcript_sid === 'string' && !('sentences' in payload);
}

/** The `enrich` event that attaches a parsed transcript to the call it belongs to. */
export function transcriptEnrichEvent(
  parsed: ParsedCall,
  options: TranscriptOptions,
  at: string,
  raw: unknown,
): InboundEvent {
  const callId = options.callId ?? parsed.callId;
  if (!callId)
    throw new WebhookParseError(
      'the transcript names no call (no CallSid / customer_key): it cannot be attached to a call',
      { raw },
    );
  const built = buildTranscript(parsed, options);
  const event: InboundEvent = {
    type: 'enrich',
    channel: CHANNEL,
    targetExternalId: callId,
    at,
    text: built.text,
    transcript: built.transcript,
    call: callInfoOf(parsed, options, undefined),
    raw: redactionEnabled(options.redact) ? redactedRawReference(raw, parsed.source) : raw,
  };
  if (redactionEnabled(options.redact)) event.redactions = built.redactions;
  const warnings = [...parsed.warnings, ...built.warnings];
  if (warnings.length > 0) event.warnings = warnings;
  return event;
}

function callEvents(p: Record<string, unknown>, options: WebhookParseOptions, raw: unknown): InboundEvent[] {
  const callSid = str(p.CallSid)!;
  const at = rfc2822ToIso(str(p.Timestamp)) ?? options.receivedAt;
  if (!at)
    throw new WebhookParseError('call webhook without a Timestamp, and no receive time given', {
      raw,
      path: 'Timestamp',
    });
  const twilioDirection = str(p.Direction) ?? 'inbound';
  const direction = twilioDirection.startsWith('outbound') ? 'outbound' : 'inbound';
  const warnings: string[] = [];
  const from = phoneIdentity(str(p.From) ?? str(p.Caller), options.defaultRegion, warnings, 'caller');
  const to = phoneIdentity(str(p.To) ?? str(p.Called), options.defaultRegion, warnings, 'called number');
  const customer = direction === 'inbound' ? from : to;
  if (!customer)
    throw new WebhookParseError(
      `call ${callSid} names no ${direction === 'inbound' ? 'From' : 'To'} number`,
      { raw, path: direction === 'inbound' ? 'From' : 'To' },
    );
  const business = direction === 'inbound' ? to : from;
  const status = str(p.CallStatus);
  // CallDuration (seconds) comes with the `completed` status only.
  const durationSeconds = num(p.CallDuration);
  const recordingUrl = str(p.RecordingUrl);
  const call = {
    callId: callSid,
    startedAt: at,
    ...(status ? { status } : {}),
    ...(durationSeconds !== undefined && durationSeconds >= 0 ? { durationMs: durationSeconds * 1000 } : {}),
    ...(recordingUrl ? { recordingUrl } : {}),
  };
  const metadata: Record<string, string> = { twilioDirection };
  for (const key of ['AccountSid', 'ParentCallSid', 'ForwardedFrom', 'CallerName'] as const) {
    const value = str(p[key]);
    if (value) metadata[key.charAt(0).toLowerCase() + key.slice(1)] = value;
  }
  const message: InboundMessage = {
    channel: CHANNEL,
    direction,
    from: direction === 'inbound' ? customer : (business ?? { kind: 'voice-endpoint', value: 'unknown' }),
    to: direction === 'inbound' ? (business ? [business] : []) : [customer],
    sentAt: at,
    text: '',
    external: { id: callSid },
    call,
    warnings,
    metadata,
    raw,
  };
  const callerName = str(p.CallerName);
  if (callerName && direction === 'inbound') message.fromName = callerName;
  if (business?.kind === 'phone') message.endpoint = business.value;
  // The message is stored once (retries are deduplicated); later statuses reach it as an enrich.
  const { startedAt: _first, ...latest } = call;
  return [
    { type: 'message', message },
    { type: 'enrich', channel: CHANNEL, targetExternalId: callSid, at, call: latest, raw },
  ];
}

/**
 * Parses a Twilio voice webhook payload (form params as an object, `URLSearchParams`, the raw body
 * text, or a parsed JSON body). Throws `WebhookParseError` keeping `raw` for anything else.
 */
export function parseVoiceWebhook(raw: unknown, options: WebhookParseOptions = {}): InboundEvent[] {
  const payload = toPayload(raw);
  try {
    if (isIntelligenceNotification(payload)) {
      const at = options.receivedAt ?? rfc2822ToIso(str(payload.date_created));
      if (!at) throw new WebhookParseError('Intelligence notification without a time', { raw });
      return [
        {
          type: 'notice',
          channel: CHANNEL,
          name: 'twilio-intelligence-transcript-available',
          at,
          raw: payload,
        },
      ];
    }
    if (looksLikeTwilioTranscript(payload)) {
      const parsed = parseTwilioTranscript(payload);
      const at = options.receivedAt ?? parsed.startedAt;
      if (!at) throw new WebhookParseError('transcript without a time, and no receive time given', { raw });
      return [transcriptEnrichEvent(parsed, options, at, payload)];
    }
    if (looksLikeTwilioRecordingTranscription(payload)) {
      const p = payload as Obj;
      const at = options.receivedAt ?? rfc2822ToIso(str(p.Timestamp));
      if (!at)
        throw new WebhookParseError('transcription callback without a time, and no receive time given', {
          raw,
        });
      return [transcriptEnrichEvent(parseTwilioRecordingTranscription(payload), options, at, payload)];
    }
    if (isObj(payload) && typeof payload.CallSid === 'string' && CALL_SID.test(payload.CallSid)) {
      return callEvents(payload, options, raw);
    }
  } catch (error) {
    if (error instanceof FormatError)
      throw new WebhookParseError(error.message, {
        raw,
        cause: error,
        ...(error.path ? { path: error.path } : {}),
      });
    throw error;
  }
  throw new WebhookParseError(
    'not a Twilio voice webhook: no CallSid, TranscriptionText or Intelligence transcript',
    { raw },
  );
}
