import {
  type Capabilities,
  type ChannelAdapter,
  ConfigurationError,
  type Identity,
  type InboundEvent,
  NotSupportedError,
  type OutboundMessage,
  SendFailedError,
  type SendResult,
  type Stop,
  ValidationError,
  WebhookParseError,
} from '@omnithread/core';
import { identityOfJid, jidOfIdentity } from './ids.js';
import {
  ackStatus,
  mapAck,
  mapEdit,
  mapReaction,
  mapRevoke,
  mapWebMessage,
  type WebMapContext,
  webThreadKey,
} from './map.js';
import type {
  WebClientLike,
  WebListener,
  WebMessageLike,
  WebMessageMedia,
  WebMessageMediaConstructor,
  WebReactionLike,
  WebSendOptions,
} from './types.js';

export interface WhatsAppWebConfig {
  /** A whatsapp-web.js `Client` the app created and authenticated (QR, LocalAuth… stay the app's business). */
  client: WebClientLike;
  /** whatsapp-web.js's `MessageMedia` class, for sending attachments. Default: loaded from whatsapp-web.js when first needed. */
  MessageMedia?: WebMessageMediaConstructor;
  /** Download media of incoming messages (`msg.downloadMedia()`) into the attachment. Default true. */
  downloadMedia?: boolean;
  /** Largest media kept inline, in bytes. Default 16 MiB. */
  maxMediaBytes?: number;
  /** Quote the customer's message on every reply. Default false. */
  quoteReplies?: boolean;
  /** How many recent message ids to remember so a reconnect's replays are not emitted twice. Default 10 000. */
  dedupWindow?: number;
  /** Channel name. Default `whatsapp`. */
  channel?: string;
  clock?: () => Date;
  /** Where errors of mapping or ingesting one event go (the listener keeps running). Default console.error. */
  onError?: (error: unknown) => void;
}

const defaultOnError = (error: unknown) =>
  console.error('[omnithread] a whatsapp-web.js event could not be ingested', error);

export interface WhatsAppWebAdapter extends ChannelAdapter {
  listen(emit: (event: InboundEvent) => Promise<void>): Promise<Stop>;
}

/** A bounded set: remembers the newest `limit` keys. */
function recentSet(limit: number) {
  const seen = new Set<string>();
  return {
    /** True when the key is new (and remembers it). */
    has: (key: string) => seen.has(key),
    add(key: string): boolean {
      if (seen.has(key)) return false;
      seen.add(key);
      if (seen.size > limit) seen.delete(seen.values().next().value as string);
      return true;
    },
  };
}

const WEB_EVENTS = [
  'message',
  'message_create',
  'message_ack',
  'message_reaction',
  'message_edit',
  'message_revoke_everyone',
] as const;

/**
 * whatsapp-web.js (a linked device) as an Omnithread channel: `listen` maps the client's events to
 * model events, `send` goes through `client.sendMessage`.
 *
 * @example
 * ```ts
 * import { Client, LocalAuth, MessageMedia } from 'whatsapp-web.js';
 * const client = new Client({ authStrategy: new LocalAuth() });
 * client.on('qr', (qr) => console.log('scan', qr));
 * await client.initialize();
 * const hub = createHub({ store: memoryStore(), adapters: [createWhatsAppWebAdapter({ client, MessageMedia })] });
 * const stop = await hub.listen();
 * ```
 */
export function createWhatsAppWebAdapter(config: WhatsAppWebConfig): WhatsAppWebAdapter {
  const client = config?.client;
  if (!client || typeof client.on !== 'function' || typeof client.sendMessage !== 'function') {
    throw new ConfigurationError(
      'client',
      'createWhatsAppWebAdapter needs `client`: a whatsapp-web.js Client the app created and authenticated',
    );
  }
  const channel = config.channel ?? 'whatsapp';
  const clock = config.clock ?? (() => new Date());
  const ctx: WebMapContext = {
    channel,
    downloadMedia: config.downloadMedia ?? true,
    maxMediaBytes: config.maxMediaBytes ?? 16 * 1024 * 1024,
    now: clock,
  };
  const seen = recentSet(config.dedupWindow ?? 10_000);
  // Our own sends come back as `message_create` (fromMe) while sendMessage is still running. The hub
  // stores them as replies already, so they must not be ingested again as messages sent from the phone.
  const inflight = new Set<Promise<unknown>>();
  const ownSends = recentSet(config.dedupWindow ?? 10_000);
  const linked = new Set<string>();
  let MediaClass = config.MessageMedia;

  const capabilities: Capabilities = {
    maxTextLength: 65_536,
    media: true,
    templates: false,
    reactions: true,
    edits: true,
    readReceipts: true,
    threaded: false,
    identityKinds: ['whatsapp', 'whatsapp-lid', 'whatsapp-group', 'phone'],
  };

  /** Links a LID to its phone when the library reports both (client.getContactLidAndPhone). */
  async function lidLinks(identity: Identity | undefined): Promise<InboundEvent[]> {
    if (
      !identity ||
      !client.getContactLidAndPhone ||
      (identity.kind !== 'whatsapp-lid' && identity.kind !== 'whatsapp')
    )
      return [];
    const jid = jidOfIdentity(identity)!;
    if (linked.has(jid)) return [];
    let pairs: Array<{ lid: string; pn: string }>;
    try {
      pairs = await client.getContactLidAndPhone([jid]);
    } catch {
      return [];
    }
    const events: InboundEvent[] = [];
    for (const pair of pairs ?? []) {
      const lid = identityOfJid(pair?.lid);
      const phone = identityOfJid(pair?.pn);
      if (lid?.kind !== 'whatsapp-lid' || phone?.kind !== 'whatsapp') continue;
      linked.add(jid);
      events.push({
        type: 'identity-link',
        channel,
        identity: identity.kind === 'whatsapp-lid' ? lid : phone,
        link: {
          identity: identity.kind === 'whatsapp-lid' ? phone : lid,
          trust: 'provider',
          evidence: 'whatsapp-web.js getContactLidAndPhone reported both the LID and the phone number',
        },
        at: clock().toISOString(),
      });
    }
    return events;
  }

  async function onMessage(msg: WebMessageLike): Promise<InboundEvent[]> {
    if (!msg?.id?._serialized) return [];
    if (msg.fromMe && inflight.size > 0) await Promise.allSettled([...inflight]);
    if (msg.fromMe && ownSends.has(msg.id._serialized)) return [];
    if (!seen.add(msg.id._serialized)) return [];
    const events = await mapWebMessage(msg, ctx);
    const first = events[0];
    if (first?.type !== 'message' || first.message.direction !== 'inbound') return events;
    return [...(await lidLinks(first.message.from)), ...events];
  }

  return {
    channel,
    capabilities,
    parse() {
      throw new WebhookParseError('whatsapp-web.js has no webhook payloads: events arrive through listen()', {
        raw: null,
      });
    },

    async listen(emit) {
      // One queue: events are mapped and emitted in the order the client fired them, so a message
      // is stored before its ack, edit or reaction even when mapping it awaits a media download.
      let queue: Promise<void> = Promise.resolve();
      const run = (work: () => Promise<InboundEvent[]>) => () => {
        queue = queue.then(async () => {
          // Errors of one event must not kill the client's emitter or the queue.
          try {
            for (const event of await work()) await emit(event);
          } catch (error) {
            (config.onError ?? defaultOnError)(error);
          }
        });
      };
      const handlers: Record<(typeof WEB_EVENTS)[number], WebListener> = {
        message: (msg: WebMessageLike) => void run(() => onMessage(msg))(),
        // message_create fires for every new message; own ones are the outbound side of the chat.
        message_create: (msg: WebMessageLike) =>
          void run(() => (msg?.fromMe ? onMessage(msg) : Promise.resolve([])))(),
        message_ack: (msg: WebMessageLike, ack: number) => void run(async () => mapAck(msg, ack, ctx))(),
        message_reaction: (reaction: WebReactionLike) => void run(async () => mapReaction(reaction, ctx))(),
        message_edit: (msg: WebMessageLike, newBody: unknown) =>
          void run(async () => mapEdit(msg, newBody, ctx))(),
        message_revoke_everyone: (msg: WebMessageLike, revoked?: WebMessageLike | null) =>
          void run(async () => mapRevoke(msg, revoked, ctx))(),
      };
      for (const name of WEB_EVENTS) client.on(name, handlers[name]);
      return async () => {
        for (const name of WEB_EVENTS) client.removeListener(name, handlers[name]);
        await queue;
      };
    },

    async send(message: OutboundMessage): Promise<SendResult> {
      const to = message.to[0];
      if (!to) throw new ValidationError('A WhatsApp send needs a recipient', { path: 'to' });
      // A group conversation is answered in the group, not privately to the member who wrote last.
      const group = message.threadKeys.find((k) => k.startsWith('whatsapp-group:'));
      const chatId = group ? `${group.slice('whatsapp-group:'.length)}@g.us` : jidOfIdentity(to);
      if (!chatId)
        throw new NotSupportedError('send.recipient', `whatsapp-web.js cannot send to a ${to.kind} identity`);
      if (message.template)
        throw new NotSupportedError(
          'send.template',
          'Templates belong to the Cloud API; a linked device sends free text',
        );
      const quote =
        config.quoteReplies && message.replyToExternalId
          ? { quotedMessageId: message.replyToExternalId }
          : {};
      const sent: WebMessageLike[] = [];
      const sendOne = async (content: string | WebMessageMedia, options: WebSendOptions) => {
        const result = await client.sendMessage(chatId, content, options);
        if (result?.id?._serialized) ownSends.add(result.id._serialized);
        sent.push(result);
      };
      const deliver = async () => {
        let text = message.text;
        for (const attachment of message.attachments) {
          if (!attachment.content) {
            throw new NotSupportedError(
              'send.media',
              `Attachment ${attachment.id} has no inline content; whatsapp-web.js sends bytes`,
            );
          }
          if (!MediaClass) MediaClass = await loadMessageMedia();
          const media = new MediaClass(
            attachment.contentType,
            attachment.content,
            attachment.filename ?? null,
            attachment.size >= 0 ? attachment.size : null,
          );
          await sendOne(media, { ...quote, ...(text ? { caption: text } : {}) });
          text = '';
        }
        if (text) await sendOne(text, quote);
      };
      const work = deliver();
      inflight.add(work);
      try {
        await work;
      } catch (error) {
        if (error instanceof NotSupportedError) throw error;
        throw new SendFailedError(
          `whatsapp-web.js send failed: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error, retryable: true },
        );
      } finally {
        inflight.delete(work);
      }
      const first = sent[0];
      if (!first) throw new ValidationError('Nothing to send: no text or attachment', { path: 'text' });
      return {
        externalId: first.id._serialized,
        status: ackStatus(first.ack ?? 0) ?? 'queued',
        sentAt: clock().toISOString(),
        thread: { keys: sent.map((m) => webThreadKey(m.id.id)) },
        metadata: sent.length > 1 ? { externalIds: sent.map((m) => m.id._serialized) } : {},
      };
    },
  };
}

async function loadMessageMedia(): Promise<WebMessageMediaConstructor> {
  try {
    const mod = (await import('whatsapp-web.js')) as unknown as {
      MessageMedia?: WebMessageMediaConstructor;
      default?: { MessageMedia?: WebMessageMediaConstructor };
    };
    const ctor = mod.MessageMedia ?? mod.default?.MessageMedia;
    if (ctor) return ctor;
  } catch (cause) {
    throw new ConfigurationError(
      'MessageMedia',
      'Sending media needs whatsapp-web.js installed, or pass its MessageMedia class',
      { cause },
    );
  }
  throw new ConfigurationError(
    'MessageMedia',
    'whatsapp-web.js exports no MessageMedia; pass the class in the config',
  );
}
