import {
  type AdapterResult,
  type Attachment,
  type Capabilities,
  type ChannelAdapter,
  type Conversation,
  type InboundEvent,
  isWebhookParseError,
  type Message,
  type OutboundMessage,
  type ReplyWindowState,
  type SendContext,
  type SendResult,
  WebhookParseError,
} from '@omnithread/core';
import { resolveConfig, type SmsAdapterConfig } from './config.js';
import { type FetchedMedia, fetchTwilioMedia } from './media.js';
import { countSegments, type SegmentCount } from './segments.js';
import { createDefaultClient, type TwilioMessagingClient } from './send/client.js';
import { memoryIdempotencyStore } from './send/idempotency.js';
import { sendMessage } from './send/send.js';
import { parseTwilioWebhook } from './webhook/parse.js';
import { readVerifiedWebhook } from './webhook/verify.js';

/** Valid empty TwiML: Twilio reads it as "no reply", and logs no 12300 (invalid content type) warning. */
export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

const WHATSAPP_WINDOW_MS = 24 * 3_600_000;

export const SMS_CAPABILITIES: Capabilities = {
  // Twilio's limit on a message body; longer texts are refused (21617).
  maxTextLength: 1600,
  // What MMS and WhatsApp via Twilio accept; Twilio fetches each from a public URL.
  media: ['image/*', 'video/*', 'audio/*', 'application/pdf', 'text/vcard', 'text/x-vcard', 'text/calendar'],
  templates: false,
  reactions: false,
  edits: false,
  readReceipts: false,
  threaded: false,
  identityKinds: ['phone', 'whatsapp'],
  subject: false,
};

export interface SmsAdapter extends ChannelAdapter {
  readonly channel: 'sms';
  readonly alsoSends: readonly ['whatsapp'];
  /** Verifies X-Twilio-Signature, then parses the message or status callback; answers empty TwiML. */
  handle(request: Request): Promise<AdapterResult>;
  /** Counts the segments a text will be sent as, so an app can warn before sending a long message. */
  countSegments(text: string): SegmentCount;
  /** Downloads an attachment of an incoming MMS/WhatsApp message with the account's credentials. */
  fetchMedia(attachment: Pick<Attachment, 'id' | 'url' | 'contentType'>): Promise<FetchedMedia>;
}

/** Form parameters as a plain object (the first value of a repeated key, as Twilio sends none). */
function firstValues(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of params) if (!(k in out)) out[k] = v;
  return out;
}

/**
 * Creates the Twilio Programmable Messaging adapter: SMS/MMS and Twilio's `whatsapp:` senders in by
 * signed webhook (messages and status callbacks on one route), out through `client.messages.create`.
 *
 * @example
 * ```ts
 * const sms = createSmsAdapter({
 *   accountSid: process.env.TWILIO_ACCOUNT_SID!,
 *   authToken: process.env.TWILIO_AUTH_TOKEN!,
 *   from: '+15005550006',
 *   publicBaseUrl: 'https://support.example.com',
 *   statusCallbackUrl: 'https://support.example.com/webhooks/sms',
 * });
 * const hub = createHub({ store: memoryStore(), adapters: [sms] });
 * ```
 */
export function createSmsAdapter(input: SmsAdapterConfig): SmsAdapter {
  const config = resolveConfig(input);
  if (!config.verifySignature) {
    // Loud on purpose, once per adapter: an unsigned webhook accepts forged messages.
    console.warn(
      '[omnithread/sms] verifySignature is OFF: anyone who finds the webhook URL can post fake messages and statuses. Use this only in tests.',
    );
  }
  const idempotency = config.idempotencyStore ?? memoryIdempotencyStore();
  const inflight = new Map<string, Promise<SendResult>>();
  let clientPromise: Promise<TwilioMessagingClient> | undefined = config.client
    ? Promise.resolve(config.client)
    : undefined;
  const client = () => {
    clientPromise ??= createDefaultClient(config.accountSid, config.authToken).catch((error) => {
      clientPromise = undefined;
      throw error;
    });
    return clientPromise;
  };

  return {
    channel: 'sms',
    alsoSends: ['whatsapp'] as const,
    capabilities: SMS_CAPABILITIES,
    route: config.route ?? 'sms',

    async handle(request: Request): Promise<AdapterResult> {
      const { params, body } = await readVerifiedWebhook(request, {
        authToken: config.authToken,
        verifySignature: config.verifySignature,
        maxBodyBytes: config.maxBodyBytes,
        ...(config.webhookUrl !== undefined ? { webhookUrl: config.webhookUrl } : {}),
        ...(config.publicBaseUrl !== undefined ? { publicBaseUrl: config.publicBaseUrl } : {}),
        ...(config.trustForwardedHeaders !== undefined
          ? { trustForwardedHeaders: config.trustForwardedHeaders }
          : {}),
      });
      const plain = params instanceof URLSearchParams ? firstValues(params) : params;
      let events: InboundEvent[];
      try {
        events = parseTwilioWebhook({ params: plain, receivedAt: config.clock().toISOString() });
      } catch (error) {
        // Keep the body exactly as received for the rejected-payload record.
        if (isWebhookParseError(error)) {
          throw new WebhookParseError(error.message, {
            raw: body,
            cause: error,
            ...(error.path ? { path: error.path } : {}),
          });
        }
        throw error;
      }
      const response = new Response(EMPTY_TWIML, {
        status: 200,
        headers: { 'content-type': 'text/xml; charset=utf-8' },
      });
      return { response, events };
    },

    parse(raw: unknown) {
      return parseTwilioWebhook(raw, config.clock);
    },

    send(message: OutboundMessage, _context: SendContext): Promise<SendResult> {
      return sendMessage(message, { config, client, idempotency, inflight });
    },

    replyWindow(_conversation: Conversation, lastInbound: Message | undefined, now: Date): ReplyWindowState {
      // WhatsApp via Twilio has Meta's 24-hour customer-service window; SMS has none.
      if (lastInbound?.channel !== 'whatsapp') return { open: true };
      const closesAt = new Date(Date.parse(lastInbound.sentAt) + WHATSAPP_WINDOW_MS);
      return { open: now < closesAt, closesAt: closesAt.toISOString() };
    },

    countSegments,

    fetchMedia(attachment) {
      return fetchTwilioMedia(attachment, {
        accountSid: config.accountSid,
        authToken: config.authToken,
        maxBytes: config.maxMediaBytes,
        ...(config.fetch ? { fetch: config.fetch } : {}),
      });
    },
  };
}
