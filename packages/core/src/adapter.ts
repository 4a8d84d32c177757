import type { Contact } from './model/contact.js';
import type { Conversation } from './model/conversation.js';
import type { InboundEvent } from './model/events.js';
import type { Identity } from './model/identity.js';
import type { Attachment, DeliveryStatus, Message } from './model/message.js';

/** What a channel can do; the hub checks replies against it before calling `send`. */
export interface Capabilities {
  /** Longest text one message may carry (characters); longer replies are refused before sending. */
  maxTextLength?: number;
  /** Whether attachments can be sent; a list narrows it to these content types (`image/*` allowed). */
  media: boolean | readonly string[];
  /** Pre-approved templates (WhatsApp) that may be sent outside the reply window. */
  templates: boolean;
  reactions: boolean;
  edits: boolean;
  readReceipts: boolean;
  /**
   * Threaded channels (email, public X replies) carry their own thread evidence: a message with none
   * starts a new conversation instead of joining a session on the same channel.
   */
  threaded: boolean;
  /** How long after the customer's last message a free-form reply is allowed (WhatsApp: 24 h). */
  replyWindowMs?: number;
  /** Identity kinds this adapter can send to, in order of preference. */
  identityKinds: readonly string[];
  /** Whether outbound messages can carry a subject line. */
  subject?: boolean;
}

/** A reply ready for the provider: the hub fills in the recipient and the thread context. */
export interface OutboundMessage {
  /** Our message id; adapters use it as the idempotency key of the send. */
  id: string;
  conversationId: string;
  channel: string;
  to: Identity[];
  /** The business endpoint to send from (our number, mailbox, page), when the conversation has one. */
  endpoint?: string;
  text: string;
  html?: string;
  subject?: string;
  attachments: Attachment[];
  /** The provider's id of the message this one answers, for native threading (In-Reply-To, context.id). */
  replyToExternalId?: string;
  /** Native thread ids of the conversation (e.g. every Message-ID of an email thread, oldest first). */
  threadKeys: string[];
  /** A pre-approved template (WhatsApp), for sends outside the reply window. */
  template?: { name: string; language: string; parameters?: unknown[] };
}

export interface SendContext {
  conversation: Conversation;
  contact: Contact;
  /** The customer's latest inbound message on this channel, when there is one. */
  lastInbound?: Message;
  now: Date;
}

export interface SendResult {
  /** The provider's id of the sent message: status updates refer to it. */
  externalId: string;
  status: DeliveryStatus;
  sentAt?: string;
  /** `public` when the send was visible to everyone (a public reply on X). Default private. */
  visibility?: 'public' | 'private';
  /** Our address the message went out from (the mailbox, the number), when the adapter knows it. */
  from?: Identity;
  /** Thread evidence of the sent message (its own Message-ID), so replies to it thread back. */
  thread?: { keys: string[]; refs?: string[] };
  /** Anything worth keeping from the provider's answer (segment count, price). */
  metadata?: Record<string, unknown>;
  raw?: unknown;
}

/** What a webhook handler gives back: the HTTP answer and the events to ingest. */
export interface AdapterResult {
  response: Response;
  events: InboundEvent[];
}

export type Stop = () => Promise<void>;

/** The reply window of a conversation on a channel that has one. */
export interface ReplyWindowState {
  open: boolean;
  /** When the window closes (or closed). */
  closesAt?: string;
}

/**
 * A channel adapter turns a channel's native traffic into model events and model replies into
 * native sends. Adapters are made by factories (`createSmsAdapter(config)`) that validate their
 * config at once. `parse` is pure; I/O happens in `handle`, `send` and `listen`.
 */
export interface ChannelAdapter {
  /** The channel name used on messages: `email`, `sms`, `whatsapp`, `x`, `messenger`, `voice`… */
  readonly channel: string;
  /** Other channels this adapter can send on (Twilio's SMS adapter also sends `whatsapp:` messages). */
  readonly alsoSends?: readonly string[];
  readonly capabilities: Capabilities;
  /** Webhook path segment under the hub's base path; defaults to `channel`. */
  readonly route?: string;
  /** Verifies the request's signature FIRST, then parses it. Throws `WebhookVerificationError` / `WebhookParseError`. */
  handle?(request: Request): Promise<AdapterResult>;
  /** Pure: a native payload in, model events out. Throws `WebhookParseError` (with `raw`) on bad input. */
  parse(raw: unknown): InboundEvent[];
  /** Sends through the provider. Unsupported content throws `NotSupportedError`. */
  send(message: OutboundMessage, context: SendContext): Promise<SendResult>;
  /** For pull sources (IMAP, X DM polling, whatsapp-web.js): emits events until stopped. */
  listen?(emit: (event: InboundEvent) => Promise<void>): Promise<Stop>;
  /** For channels with a reply window: whether a free-form reply is allowed now. */
  replyWindow?(conversation: Conversation, lastInbound: Message | undefined, now: Date): ReplyWindowState;
}

/** Whether `contentType` is allowed by a capability's media setting. */
export function mediaAllowed(media: Capabilities['media'], contentType: string): boolean {
  if (media === true) return true;
  if (media === false) return false;
  const type = contentType.toLowerCase().split(';')[0]!.trim();
  return media.some(
    (allowed) => allowed === type || (allowed.endsWith('/*') && type.startsWith(allowed.slice(0, -1))),
  );
}
