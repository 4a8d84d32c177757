import {
  type AdapterResult,
  type Capabilities,
  type ChannelAdapter,
  ConfigurationError,
  type InboundEvent,
  NotSupportedError,
  readBody,
  WebhookParseError,
} from '@omnithread/core';
import { CHANNEL } from './build.js';
import { parseTwilioTranscript } from './formats/twilio-transcript.js';
import { FormatError } from './formats/util.js';
import { type ParsedCall, REDACTION_KINDS, type TranscriptOptions } from './types.js';
import { fetchIntelligenceTranscript } from './webhook/intelligence.js';
import { isIntelligenceNotification, parseVoiceWebhook, transcriptEnrichEvent } from './webhook/parse.js';
import { verifyVoiceRequest } from './webhook/verify.js';

export interface VoiceAdapterConfig
  extends Pick<TranscriptOptions, 'speakers' | 'inferFromDirection' | 'redact' | 'defaultRegion'> {
  /** The Twilio auth token that signs webhooks (and, with `accountSid`, authenticates API reads). */
  authToken: string;
  /** The public URL Twilio calls, when the request's own URL differs (behind a proxy). */
  webhookUrl?: string;
  /** Signature checks are on by default; `false` is for local tools only and is loud about it. */
  verifySignature?: boolean;
  /** Needed to fetch Intelligence transcripts when their "transcript available" webhook arrives. */
  accountSid?: string;
  /** Injectable `fetch` for the Intelligence API (tests, proxies). */
  fetch?: typeof fetch;
  intelligenceBaseUrl?: string;
  apiBaseUrl?: string;
  /** Largest webhook body accepted. Default 1 MiB. */
  maxBodyBytes?: number;
  /** The current time, for payloads without one; inject a fixed clock in tests. */
  clock?: () => Date;
}

const CAPABILITIES: Capabilities = {
  media: false,
  templates: false,
  reactions: false,
  edits: false,
  readReceipts: false,
  // A call has no thread evidence: it continues the caller's session or open conversation.
  threaded: false,
  identityKinds: ['phone'],
};

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

function validate(config: VoiceAdapterConfig): void {
  if (!config || typeof config.authToken !== 'string' || config.authToken.length === 0) {
    throw new ConfigurationError(
      'authToken',
      'createVoiceAdapter needs `authToken` (the Twilio auth token that signs webhooks)',
    );
  }
  if (config.webhookUrl !== undefined && !URL.canParse(config.webhookUrl)) {
    throw new ConfigurationError(
      'webhookUrl',
      `webhookUrl ${JSON.stringify(config.webhookUrl)} is not an absolute URL`,
    );
  }
  if (config.redact !== undefined && typeof config.redact === 'object') {
    const unknown = (config.redact.kinds ?? []).filter((k) => !REDACTION_KINDS.includes(k));
    if (unknown.length > 0)
      throw new ConfigurationError(
        'redact',
        `unknown redaction kind(s) ${unknown.join(', ')}; known: ${REDACTION_KINDS.join(', ')}`,
      );
  }
  for (const [label, role] of Object.entries(config.speakers ?? {})) {
    if (!['customer', 'agent', 'bot', 'unknown'].includes(role)) {
      throw new ConfigurationError(
        'speakers',
        `speakers[${JSON.stringify(label)}] is ${JSON.stringify(role)}; use customer, agent, bot or unknown`,
      );
    }
  }
}

/**
 * The voice channel: Twilio call webhooks (signed with X-Twilio-Signature) create the call as a
 * voice message keyed by CallSid, and transcript callbacks attach the transcript to it as an
 * `enrich` event (the hub keeps it pending when the call is not stored yet). Calls are not placed
 * by this adapter, so `send` throws `NotSupportedError`.
 *
 * @example
 * ```ts
 * const voice = createVoiceAdapter({ authToken: process.env.TWILIO_AUTH_TOKEN!, redact: true });
 * const hub = createHub({ store: memoryStore(), adapters: [voice] });
 * // Point the number's status callback and transcription callback at https://example.com/webhooks/voice
 * ```
 */
export function createVoiceAdapter(config: VoiceAdapterConfig): ChannelAdapter {
  validate(config);
  const verify = config.verifySignature ?? true;
  if (!verify)
    console.warn('[omnithread/voice] X-Twilio-Signature verification is OFF: anyone can post fake calls');
  const clock = config.clock ?? (() => new Date());
  const transcriptOptions: TranscriptOptions = {
    ...(config.speakers ? { speakers: config.speakers } : {}),
    ...(config.inferFromDirection ? { inferFromDirection: true } : {}),
    ...(config.redact !== undefined ? { redact: config.redact } : {}),
    ...(config.defaultRegion ? { defaultRegion: config.defaultRegion } : {}),
  };

  async function fetchTranscript(notification: Record<string, unknown>, at: string): Promise<InboundEvent> {
    if (!config.accountSid) {
      throw new ConfigurationError(
        'accountSid',
        'an Intelligence "transcript available" webhook arrived: set `accountSid` so the adapter can fetch its sentences',
      );
    }
    const sid = String(notification.transcript_sid);
    // An authentic notification with a malformed sid is a bad payload (400, kept), not a crash (500).
    if (!/^GT[0-9a-fA-F]{32}$/.test(sid))
      throw new WebhookParseError('transcript_sid is not a Twilio transcript sid (GT + 32 hex)', {
        raw: notification,
        path: 'transcript_sid',
      });
    const fetched = await fetchIntelligenceTranscript(sid, {
      accountSid: config.accountSid,
      authToken: config.authToken,
      ...(config.fetch ? { fetch: config.fetch } : {}),
      ...(config.intelligenceBaseUrl ? { intelligenceBaseUrl: config.intelligenceBaseUrl } : {}),
      ...(config.apiBaseUrl ? { apiBaseUrl: config.apiBaseUrl } : {}),
    });
    const bundle = { transcript: fetched.transcript, sentences: fetched.sentences };
    let parsed: ParsedCall;
    try {
      parsed = parseTwilioTranscript(bundle);
    } catch (error) {
      // Twilio's own answer, fetched after the notification was verified: authentic but unusable.
      // A 400 keeps it as rejected; a 500 would have Twilio redeliver a notification that can never work.
      if (error instanceof FormatError)
        throw new WebhookParseError(`the fetched Intelligence transcript ${sid}: ${error.message}`, {
          raw: bundle,
          cause: error,
          ...(error.path ? { path: error.path } : {}),
        });
      throw error;
    }
    if (fetched.callSid) parsed.callId = fetched.callSid;
    return transcriptEnrichEvent(parsed, transcriptOptions, at, bundle);
  }

  return {
    channel: CHANNEL,
    capabilities: CAPABILITIES,
    parse(raw: unknown): InboundEvent[] {
      return parseVoiceWebhook(raw, transcriptOptions);
    },
    async handle(request: Request): Promise<AdapterResult> {
      const body = await readBody(request, { maxBytes: config.maxBodyBytes ?? 1024 * 1024 });
      const contentType = request.headers.get('content-type') ?? '';
      if (verify) {
        verifyVoiceRequest({
          authToken: config.authToken,
          url: config.webhookUrl ?? request.url,
          signature: request.headers.get('x-twilio-signature'),
          contentType,
          body,
        });
      }
      const at = clock().toISOString();
      const events = parseVoiceWebhook(body, { ...transcriptOptions, receivedAt: at });
      const out: InboundEvent[] = [];
      for (const event of events) {
        if (event.type === 'notice' && isIntelligenceNotification(event.raw))
          out.push(await fetchTranscript(event.raw, at));
        else out.push(event);
      }
      return {
        response: new Response(EMPTY_TWIML, { status: 200, headers: { 'content-type': 'text/xml' } }),
        events: out,
      };
    },
    async send(): Promise<never> {
      throw new NotSupportedError(
        'send',
        'the voice adapter records calls and transcripts; it does not place calls or send messages',
      );
    },
  };
}
