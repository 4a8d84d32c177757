import {
  type Identity,
  NotSupportedError,
  type OutboundMessage,
  SendFailedError,
  type SendResult,
  ValidationError,
} from '@omnithread/core';
import { addressIdentity } from '../address.js';
import type { ResolvedConfig } from '../config.js';
import { countSegments } from '../segments.js';
import { mapMessageStatus } from '../status.js';
import type { TwilioCreateParams, TwilioMessageLike, TwilioMessagingClient } from './client.js';
import { errorFacts, isRetryable, mapTwilioError } from './errors.js';
import type { IdempotencyStore } from './idempotency.js';

/** The Twilio address of a recipient on a channel: `+15551234567`, or `whatsapp:+15551234567`. */
export function recipientAddress(identity: Identity, channel: string): string {
  let e164: string;
  if (identity.kind === 'whatsapp') e164 = `+${identity.value.replace(/^\+/, '')}`;
  else if (identity.kind === 'phone') e164 = identity.value;
  else
    throw new ValidationError(
      `Twilio cannot send to a ${identity.kind} identity; it needs a phone or WhatsApp number`,
      { path: 'to' },
    );
  return channel === 'whatsapp' ? `whatsapp:${e164}` : e164;
}

function senderFor(
  message: OutboundMessage,
  config: ResolvedConfig,
): Pick<TwilioCreateParams, 'from' | 'messagingServiceSid'> {
  const whatsapp = message.channel === 'whatsapp';
  // Answer from the number the customer wrote to, so the thread stays on one number.
  const endpoint = message.endpoint;
  if (endpoint && (whatsapp ? endpoint.startsWith('whatsapp:') : !endpoint.includes(':')))
    return { from: endpoint };
  if (endpoint && /^MG[0-9a-fA-F]{32}$/.test(endpoint)) return { messagingServiceSid: endpoint };
  if (whatsapp) {
    const sender = config.whatsappFrom ?? config.from;
    if (sender) return { from: sender.startsWith('whatsapp:') ? sender : `whatsapp:${sender}` };
  } else if (config.from && !config.from.startsWith('whatsapp:')) {
    return { from: config.from };
  }
  if (config.messagingServiceSid) return { messagingServiceSid: config.messagingServiceSid };
  throw new ValidationError(
    `No ${message.channel} sender for this reply: set \`from\`${whatsapp ? ' / `whatsappFrom`' : ''} or \`messagingServiceSid\` in createSmsAdapter`,
    { path: 'from' },
  );
}

/** Builds the `messages.create` parameters of an outbound message. */
export function buildCreateParams(message: OutboundMessage, config: ResolvedConfig): TwilioCreateParams {
  const recipient = message.to[0];
  if (!recipient) throw new ValidationError('An outbound message needs a recipient', { path: 'to' });
  if (message.to.length > 1)
    throw new NotSupportedError(
      'send.multipleRecipients',
      'An SMS goes to one recipient; send one message each',
    );
  if (message.template)
    throw new NotSupportedError('send.template', 'Templates are not supported by the Twilio SMS adapter');
  const params: TwilioCreateParams = {
    to: recipientAddress(recipient, message.channel),
    ...senderFor(message, config),
  };
  if (message.text) params.body = message.text;
  const mediaUrl: string[] = [];
  for (const attachment of message.attachments) {
    if (!attachment.url || !/^https?:\/\//.test(attachment.url)) {
      throw new NotSupportedError(
        'send.media',
        `Twilio fetches media from a public URL; attachment ${attachment.id} (${attachment.contentType}) has none`,
      );
    }
    mediaUrl.push(attachment.url);
  }
  if (mediaUrl.length > 10)
    throw new NotSupportedError(
      'send.media',
      `Twilio sends at most 10 media per message, got ${mediaUrl.length}`,
    );
  if (mediaUrl.length) params.mediaUrl = mediaUrl;
  if (!params.body && !params.mediaUrl)
    throw new ValidationError('The message has neither text nor media', { path: 'text' });
  if (config.statusCallbackUrl) params.statusCallback = config.statusCallbackUrl;
  return params;
}

const toIso = (value: Date | string | null | undefined): string | undefined => {
  if (!value) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
};

function resultOf(params: TwilioCreateParams, answer: TwilioMessageLike): SendResult {
  const segments = countSegments(params.body ?? '');
  const metadata: Record<string, unknown> = {
    segments: segments.segments,
    encoding: segments.encoding,
    twilioSid: answer.sid,
  };
  if (answer.numSegments && answer.numSegments !== '0')
    metadata.twilioNumSegments = Number(answer.numSegments);
  if (answer.messagingServiceSid) metadata.messagingServiceSid = answer.messagingServiceSid;
  if (answer.price) metadata.price = { amount: answer.price, unit: answer.priceUnit ?? null };
  const result: SendResult = {
    externalId: answer.sid,
    status: mapMessageStatus(answer.status) ?? 'queued',
    thread: { keys: [`twilio:${answer.sid}`] },
    metadata,
    raw: {
      sid: answer.sid,
      status: answer.status ?? null,
      from: answer.from ?? null,
      to: answer.to ?? null,
      numSegments: answer.numSegments ?? null,
      messagingServiceSid: answer.messagingServiceSid ?? null,
      dateCreated: toIso(answer.dateCreated) ?? null,
    },
  };
  const sentAt = toIso(answer.dateCreated);
  if (sentAt) result.sentAt = sentAt;
  const from = answer.from ?? params.from;
  if (from) result.from = addressIdentity(from);
  return result;
}

export interface SendDeps {
  config: ResolvedConfig;
  client: () => Promise<TwilioMessagingClient>;
  idempotency: IdempotencyStore;
  /** Sends in flight in this process, so a concurrent retry waits for the first attempt's answer. */
  inflight: Map<string, Promise<SendResult>>;
}

/** Whether a failure might have reached Twilio and created the message (a timeout, a reset connection). */
function mayHaveSent(error: unknown): boolean {
  const facts = errorFacts(error);
  return facts.status === undefined;
}

/**
 * Sends one outbound message: at most one Twilio message per outbound id (even when `send` is
 * retried), retries on 429 and 5xx with exponential backoff that honours Retry-After, and typed
 * errors for refusals.
 */
export function sendMessage(message: OutboundMessage, deps: SendDeps): Promise<SendResult> {
  const key = `twilio:${deps.config.accountSid}:${message.id}`;
  const running = deps.inflight.get(key);
  if (running) return running;
  const attempt = sendOnce(message, key, deps).finally(() => deps.inflight.delete(key));
  deps.inflight.set(key, attempt);
  return attempt;
}

async function sendOnce(message: OutboundMessage, key: string, deps: SendDeps): Promise<SendResult> {
  const { config, idempotency } = deps;
  const params = buildCreateParams(message, config);
  const claim = await idempotency.claim(key, config.idempotencyTtlMs);
  if (claim.state === 'done') return claim.result;
  if (claim.state === 'pending') {
    throw new SendFailedError(
      `Message ${message.id} is being sent by another attempt; not sending it twice`,
      { retryable: true },
    );
  }
  if (claim.state === 'uncertain') {
    throw new SendFailedError(
      `An earlier attempt to send message ${message.id} may have reached Twilio (${claim.reason}); not sending again. Check the message log before resending under a new id.`,
      { retryable: false },
    );
  }
  const client = await deps.client();
  const { retries, baseDelayMs, maxDelayMs } = config.retry;
  for (let attempt = 0; ; attempt++) {
    try {
      const answer = await client.messages.create(params);
      if (!answer || typeof answer.sid !== 'string') throw new Error('Twilio answered without a message sid');
      const result = resultOf(params, answer);
      await idempotency.complete(key, result, config.idempotencyTtlMs);
      return result;
    } catch (error) {
      const facts = errorFacts(error);
      if (mayHaveSent(error)) {
        const reason = facts.message || 'no answer from Twilio';
        await idempotency.markUncertain(key, reason, config.idempotencyTtlMs);
        throw new SendFailedError(
          `Sending ${message.channel} message ${message.id} failed without an answer from Twilio: ${reason}`,
          {
            cause: error,
            retryable: false,
          },
        );
      }
      if (attempt < retries && isRetryable(facts)) {
        const backoff = Math.min(maxDelayMs, baseDelayMs * 2 ** attempt);
        const wait =
          facts.retryAfterMs !== undefined ? Math.min(maxDelayMs, Math.max(facts.retryAfterMs, 0)) : backoff;
        await config.sleep(wait);
        continue;
      }
      await idempotency.release(key);
      // When Twilio did not say when to come back, suggest the next backoff step.
      throw mapTwilioError(error, message.channel, Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt + 1)));
    }
  }
}
