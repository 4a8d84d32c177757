import {
  type AdapterResult,
  type Attachment,
  type Capabilities,
  type ChannelAdapter,
  ConfigurationError,
  type Conversation,
  type Identity,
  type InboundEvent,
  type Message,
  type OutboundMessage,
  parseJson,
  ReplyWindowClosedError,
  type ReplyWindowState,
  type SendContext,
  SendFailedError,
  type SendResult,
  ValidationError,
  WebhookParseError,
} from '@omnithread/core';
import { arr, nonEmpty, obj } from '../shared/json.js';
import { type FetchLike, graphClient } from './graph.js';
import { DEFAULT_GRAPH_VERSION, downloadWith, uploadMedia } from './media.js';
import { CAPTIONED, mediaKind, mediaObject, recipientFields, templateObject } from './payload.js';
import { threadKey } from './webhook/messages.js';
import { parseCloudWebhook } from './webhook/parse.js';
import { answerVerificationChallenge, readVerifiedBody } from './webhook/verify.js';
import { CUSTOMER_SERVICE_WINDOW_MS, customerServiceWindow } from './window.js';

export interface WhatsAppCloudConfig {
  /** App secret: the key of X-Hub-Signature-256. */
  appSecret?: string;
  /** The token you typed into the webhook settings; Meta's GET challenge must carry it. */
  verifyToken: string;
  /** A system-user access token with whatsapp_business_messaging. */
  accessToken: string;
  /** The business phone number id that sends. */
  phoneNumberId: string;
  /** Graph API version. Default `v24.0`. */
  graphVersion?: string;
  /** Injectable fetch (tests, proxies). Default the global fetch. */
  fetch?: FetchLike;
  /**
   * Check X-Hub-Signature-256 on every POST. Default true. Turning it off lets anyone forge
   * customer messages: it must be explicit, and the factory warns every time.
   */
  verifySignature?: boolean;
  /** Largest webhook body accepted. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Largest media download by `fetchMedia`. Default 100 MiB. */
  maxMediaBytes?: number;
  /** Quote the customer's message (context.message_id) on every reply. Default false: WhatsApp users rarely expect it. */
  quoteReplies?: boolean;
  /** Channel name. Default `whatsapp`. */
  channel?: string;
  /** Webhook path segment under the hub's base path. Default the channel. */
  route?: string;
  /** The current time (for `handle`'s arrival time and send-side window checks). */
  clock?: () => Date;
  /** Where the loud warning about disabled signature checks goes. Default console.warn. */
  warn?: (message: string) => void;
}

export interface ReactionRequest {
  to: Identity;
  /** The wamid of the message to react to. */
  messageId: string;
  /** The emoji; '' removes our reaction. */
  emoji: string;
}

export interface WhatsAppCloudAdapter extends ChannelAdapter {
  handle(request: Request): Promise<AdapterResult>;
  replyWindow(conversation: Conversation, lastInbound: Message | undefined, now: Date): ReplyWindowState;
  /** Downloads a media attachment of an inbound message (see `fetchMedia`). */
  fetchMedia(attachment: Attachment): Promise<Attachment>;
  /** Reacts to a message (the model's replies carry no reactions, so this is its own call). */
  react(request: ReactionRequest): Promise<SendResult>;
}

function required(config: WhatsAppCloudConfig, key: 'verifyToken' | 'accessToken' | 'phoneNumberId'): string {
  const value = config?.[key];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigurationError(key, `createWhatsAppCloudAdapter needs \`${key}\``);
  }
  return value;
}

/**
 * The WhatsApp Cloud API adapter: signed webhooks in, Graph API sends out, the 24-hour window.
 *
 * @example
 * ```ts
 * const whatsapp = createWhatsAppCloudAdapter({
 *   appSecret: process.env.META_APP_SECRET!,
 *   verifyToken: process.env.WHATSAPP_VERIFY_TOKEN!,
 *   accessToken: process.env.WHATSAPP_TOKEN!,
 *   phoneNumberId: process.env.WHATSAPP_PHONE_NUMBER_ID!,
 * });
 * const hub = createHub({ store: memoryStore(), adapters: [whatsapp] });
 * ```
 */
export function createWhatsAppCloudAdapter(config: WhatsAppCloudConfig): WhatsAppCloudAdapter {
  const verifyToken = required(config, 'verifyToken');
  const accessToken = required(config, 'accessToken');
  const phoneNumberId = required(config, 'phoneNumberId');
  const verifySignature = config.verifySignature ?? true;
  if (verifySignature && !config.appSecret) {
    throw new ConfigurationError(
      'appSecret',
      'createWhatsAppCloudAdapter needs `appSecret` to verify X-Hub-Signature-256 (or verifySignature: false, which is unsafe)',
    );
  }
  if (config.verifySignature === false) {
    (config.warn ?? console.warn)(
      '[omnithread] WhatsApp Cloud signature verification is OFF (verifySignature: false): anyone can forge customer messages. Never do this in production.',
    );
  }
  const channel = config.channel ?? 'whatsapp';
  const fetchImpl = config.fetch ?? globalThis.fetch;
  const clock = config.clock ?? (() => new Date());
  const graph = graphClient({
    accessToken,
    fetch: fetchImpl,
    graphVersion: config.graphVersion ?? DEFAULT_GRAPH_VERSION,
    channel,
  });
  const maxBodyBytes = config.maxBodyBytes ?? 1024 * 1024;

  const capabilities: Capabilities = {
    maxTextLength: 4096,
    media: ['image/jpeg', 'image/png', 'image/webp', 'video/*', 'audio/*', 'application/*', 'text/*'],
    templates: true,
    reactions: true,
    edits: false,
    readReceipts: true,
    threaded: false,
    replyWindowMs: CUSTOMER_SERVICE_WINDOW_MS,
    identityKinds: ['whatsapp', 'whatsapp-bsuid', 'phone'],
  };

  const parse = (raw: unknown, receivedAt?: string): InboundEvent[] =>
    parseCloudWebhook(raw, receivedAt ? { channel, receivedAt } : { channel });

  async function post(to: Identity, body: Record<string, unknown>, from = phoneNumberId) {
    const answer = obj(
      await graph.postJson(`${encodeURIComponent(from)}/messages`, {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        ...recipientFields(to),
        ...body,
      }),
    );
    const id = nonEmpty(obj(arr(answer?.messages)[0])?.id);
    if (!id) throw new SendFailedError('The Graph API answered without a message id', { retryable: false });
    return { id, waId: nonEmpty(obj(arr(answer?.contacts)[0])?.wa_id), raw: answer };
  }

  function result(
    sent: Array<Awaited<ReturnType<typeof post>>>,
    now: Date,
    extra: Record<string, string> = {},
  ): SendResult {
    const first = sent[0]!;
    const metadata: Record<string, unknown> = { ...extra };
    if (sent.length > 1) metadata.externalIds = sent.map((s) => s.id);
    // The wa_id Meta resolved the number to (Brazilian numbers may lose their ninth digit here).
    if (first.waId) metadata.waId = first.waId;
    return {
      externalId: first.id,
      status: 'queued',
      sentAt: now.toISOString(),
      thread: { keys: sent.map((s) => threadKey(s.id)) },
      metadata,
      raw: sent.length === 1 ? first.raw : sent.map((s) => s.raw),
    };
  }

  return {
    channel,
    capabilities,
    route: config.route ?? channel,
    parse: (raw) => parse(raw),
    replyWindow: (conversation, lastInbound, now) =>
      customerServiceWindow(conversation, lastInbound, now, channel),
    fetchMedia: (attachment) =>
      downloadWith(graph, fetchImpl, attachment, config.maxMediaBytes ?? 100 * 1024 * 1024),

    async handle(request) {
      const url = new URL(request.url);
      if (request.method === 'GET')
        return { response: answerVerificationChallenge(url, verifyToken), events: [] };
      if (request.method !== 'POST') {
        return {
          response: new Response('method not allowed', { status: 405, headers: { allow: 'GET, POST' } }),
          events: [],
        };
      }
      const body = await readVerifiedBody(request, {
        appSecret: config.appSecret ?? '',
        verifySignature,
        maxBodyBytes,
      });
      let json: unknown;
      try {
        json = parseJson(body);
      } catch (cause) {
        throw new WebhookParseError('WhatsApp Cloud webhook: the body is not valid JSON', {
          raw: body,
          cause,
        });
      }
      const events = parse(json, clock().toISOString());
      return {
        response: new Response('EVENT_RECEIVED', { status: 200, headers: { 'content-type': 'text/plain' } }),
        events,
      };
    },

    async send(message: OutboundMessage, context: SendContext): Promise<SendResult> {
      const to = message.to[0];
      if (!to) throw new ValidationError('A WhatsApp send needs a recipient', { path: 'to' });
      const now = context?.now ?? clock();
      const common: Record<string, unknown> = { biz_opaque_callback_data: message.id };
      // Answer from the number the customer wrote to (a business may have several), else the configured one.
      const from = message.endpoint && /^\d{1,32}$/.test(message.endpoint) ? message.endpoint : phoneNumberId;
      if (message.template) {
        const template = templateObject(message.template);
        return result([await post(to, { ...common, type: 'template', template }, from)], now, {
          template: message.template.name,
        });
      }
      // The hub checks the window too; this guards direct callers, whenever the facts are at hand.
      const window = customerServiceWindow(context?.conversation, context?.lastInbound, now, channel);
      if (window.closesAt && !window.open) {
        throw new ReplyWindowClosedError(
          channel,
          `The WhatsApp 24-hour customer-service window closed at ${window.closesAt}: send an approved template instead of free text`,
          { closedAt: window.closesAt },
        );
      }
      if (config.quoteReplies && message.replyToExternalId)
        common.context = { message_id: message.replyToExternalId };
      const sent: Array<Awaited<ReturnType<typeof post>>> = [];
      let text = message.text;
      const captionable =
        message.attachments[0] && CAPTIONED.has(mediaKind(message.attachments[0].contentType));
      if (text && (!captionable || text.length > 1024)) {
        sent.push(
          await post(to, { ...common, type: 'text', text: { body: text, preview_url: false } }, from),
        );
        text = '';
      }
      for (const [i, attachment] of message.attachments.entries()) {
        const uploaded =
          !attachment.providerId && attachment.content
            ? await uploadMedia(graph, from, attachment)
            : undefined;
        const kind = mediaKind(attachment.contentType);
        const caption = i === 0 && text ? text : attachment.caption;
        sent.push(
          await post(to, { ...common, type: kind, [kind]: mediaObject(attachment, uploaded, caption) }, from),
        );
      }
      if (sent.length === 0)
        throw new ValidationError('Nothing to send: no text, attachment or template', { path: 'text' });
      return result(sent, now);
    },

    async react({ to, messageId, emoji }) {
      const now = clock();
      return result([await post(to, { type: 'reaction', reaction: { message_id: messageId, emoji } })], now);
    },
  };
}
