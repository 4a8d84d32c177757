import { type ChannelAdapter, mediaAllowed, type OutboundMessage } from '../adapter.js';
import {
  isOptedOutError,
  NotFoundError,
  NotSupportedError,
  OptedOutError,
  ReplyWindowClosedError,
  ValidationError,
} from '../errors.js';
import { describeIdentity, identityKey } from '../identity/normalize.js';
import type { JsonValue } from '../model/common.js';
import type { Contact } from '../model/contact.js';
import type { Identity } from '../model/identity.js';
import type { Attachment, Message } from '../model/message.js';
import type { Store } from '../store/contract.js';
import { applyStatus } from './apply.js';
import { addMessageToConversation } from './conversations.js';
import { type Engine, liveContact, liveConversation, type PendingEmit } from './engine.js';
import { applyPendingEvents } from './ingest.js';

export interface ReplyContent {
  text: string;
  html?: string;
  subject?: string;
  attachments?: Attachment[];
  /** A pre-approved template (WhatsApp), the way to write outside the 24-hour window. */
  template?: { name: string; language: string; parameters?: unknown[] };
}

export interface ReplyOptions {
  /** Send on this channel instead of the customer's last one. */
  channel?: string;
  /** Send to this identity instead of the one the customer last wrote from. */
  to?: Identity;
}

/** Walks a conversation's messages newest first without loading all of them at once. */
async function lastInbound(
  store: Store,
  conversationId: string,
  channel?: string,
): Promise<Message | undefined> {
  let found: Message | undefined;
  let cursor: string | undefined;
  do {
    const page = await store.listMessages(conversationId, cursor ? { limit: 500, cursor } : { limit: 500 });
    for (const m of page.items) {
      if (
        m.direction === 'inbound' &&
        (!channel || m.channel === channel) &&
        (!found || m.sentAt >= found.sentAt)
      )
        found = m;
    }
    cursor = page.nextCursor;
  } while (cursor);
  return found;
}

function recipientFor(
  adapter: ChannelAdapter,
  contact: Contact,
  inbound: Message | undefined,
  engine: Engine,
): Identity {
  if (inbound) return inbound.from;
  for (const kind of adapter.capabilities.identityKinds) {
    const identity = contact.identities.find((i) => i.kind === kind);
    if (identity) return { kind: identity.kind, value: identity.value };
  }
  // A phone reaches WhatsApp and a wa_id reaches SMS: one number, one person.
  for (const kind of adapter.capabilities.identityKinds) {
    if (kind !== 'phone' && kind !== 'whatsapp') continue;
    const other = contact.identities.find(
      (i) => (i.kind === 'phone' || i.kind === 'whatsapp') && i.trust !== 'unverified',
    );
    if (other) {
      const e164 = other.kind === 'phone' ? other.value : `+${other.value}`;
      const candidate = kind === 'phone' ? { kind, value: e164 } : { kind, value: e164.slice(1) };
      if (identityKey(candidate, engine.identity) === identityKey(other, engine.identity)) return candidate;
    }
  }
  throw new ValidationError(
    `Contact ${contact.id} has no identity the ${adapter.channel} adapter can send to (needs ${adapter.capabilities.identityKinds.join(' or ')})`,
    { path: 'to' },
  );
}

function checkCapabilities(adapter: ChannelAdapter, content: ReplyContent): void {
  const caps = adapter.capabilities;
  if (caps.maxTextLength !== undefined && content.text.length > caps.maxTextLength) {
    throw new ValidationError(
      `The reply is ${content.text.length} characters; ${adapter.channel} allows ${caps.maxTextLength}`,
      {
        path: 'text',
      },
    );
  }
  for (const a of content.attachments ?? []) {
    if (!mediaAllowed(caps.media, a.contentType)) {
      throw new NotSupportedError(
        'send.media',
        `${adapter.channel} cannot send ${a.contentType} attachments`,
      );
    }
  }
  if (content.template && !caps.templates)
    throw new NotSupportedError('send.template', `${adapter.channel} has no templates`);
  if (content.subject && caps.subject === false)
    throw new NotSupportedError('send.subject', `${adapter.channel} messages have no subject`);
}

/**
 * Sends an agent's reply on the customer's last channel (or the one asked for): checks consent,
 * the reply window and the channel's capabilities first, stores the message as `queued`, sends,
 * then records the provider's id and status. A failed send is stored as `failed` and rethrown.
 */
export async function sendReply(
  store: Store,
  engine: Engine,
  adapters: ReadonlyMap<string, ChannelAdapter>,
  conversationId: string,
  content: ReplyContent,
  options: ReplyOptions,
  emits: PendingEmit[],
): Promise<Message> {
  const conversation = await liveConversation(store, conversationId);
  if (!conversation) throw new NotFoundError('conversation', conversationId);
  const latest = await lastInbound(store, conversation.id);
  const channel = options.channel ?? latest?.channel ?? conversation.lastChannel;
  if (!channel)
    throw new ValidationError(`Conversation ${conversation.id} has no channel to reply on`, {
      path: 'channel',
    });
  const adapter = adapters.get(channel);
  if (!adapter) throw new NotSupportedError('send', `No adapter is configured for the ${channel} channel`);
  const inbound = channel === latest?.channel ? latest : await lastInbound(store, conversation.id, channel);
  const contact = await liveContact(store, inbound?.contactId ?? conversation.contactIds[0] ?? '');
  if (!contact)
    throw new NotFoundError('contact', inbound?.contactId ?? conversation.contactIds[0] ?? '(none)');

  const consent = contact.consent[channel];
  if (consent?.optedOut) {
    throw new OptedOutError(
      channel,
      `${contact.name ?? contact.id} opted out of ${channel}${consent.keyword ? ` (${consent.keyword})` : ''} on ${consent.at}; not sending`,
    );
  }
  checkCapabilities(adapter, content);
  const now = engine.now();
  const window = adapter.replyWindow?.(conversation, inbound, now);
  if (window && !window.open && !content.template) {
    throw new ReplyWindowClosedError(
      channel,
      `The ${channel} reply window closed${window.closesAt ? ` at ${window.closesAt}` : ''}: send an approved template instead of free text`,
      window.closesAt ? { closedAt: window.closesAt } : {},
    );
  }
  const to = options.to ?? recipientFor(adapter, contact, inbound, engine);
  const id = engine.newId('msg');
  const nowIso = now.toISOString();
  const outbound: OutboundMessage = {
    id,
    conversationId: conversation.id,
    channel,
    to: [to],
    text: content.text,
    attachments: content.attachments ?? [],
    threadKeys: inbound ? [...inbound.thread.refs, ...inbound.thread.keys] : [],
  };
  const endpoint = inbound?.endpoint ?? conversation.channelActivity[channel]?.endpoint;
  if (endpoint) outbound.endpoint = endpoint;
  if (content.html !== undefined) outbound.html = content.html;
  const subject =
    content.subject ??
    (adapter.capabilities.subject ? (inbound?.subject ?? conversation.subject) : undefined);
  if (subject !== undefined) outbound.subject = subject;
  if (inbound) outbound.replyToExternalId = inbound.external.id;
  if (content.template) outbound.template = content.template;

  const why = options.channel
    ? `agent reply on ${channel}, as chosen`
    : `agent reply on ${channel}, the customer's last channel, to ${describeIdentity(to)}`;
  let message: Message = {
    id,
    conversationId: conversation.id,
    contactId: contact.id,
    channel,
    direction: 'outbound',
    from: { kind: 'endpoint', value: endpoint ?? channel },
    to: [to],
    sentAt: nowIso,
    receivedAt: nowIso,
    text: content.text,
    attachments: outbound.attachments,
    thread: { keys: [], refs: inbound ? [...inbound.thread.keys] : [] },
    external: { id: `pending:${id}` },
    status: 'queued',
    statusHistory: [{ status: 'queued', at: nowIso }],
    placement: { rule: 'reply', reason: why },
    visibility: 'private',
    reactions: [],
    edits: [],
    warnings: [],
    metadata: content.template ? { template: content.template as unknown as JsonValue } : {},
    raw: null,
  };
  if (endpoint) message.endpoint = endpoint;
  if (subject !== undefined) message.subject = subject;
  if (content.html !== undefined) message.html = content.html;
  if (inbound) message.replyTo = inbound.external.id;

  await store.transaction(async (tx) => {
    await tx.insertMessage(message);
    await addMessageToConversation(tx, conversation, message, [contact.id], false);
  });

  try {
    const result = await adapter.send(outbound, {
      conversation,
      contact,
      ...(inbound ? { lastInbound: inbound } : {}),
      now,
    });
    const sentAt = result.sentAt ?? nowIso;
    message = await store.transaction(async (tx) => {
      // Re-read: an echo of this very send (Messenger, X) may have reached the webhook first.
      const stored = (await tx.getMessage(id)) ?? message;
      let sent: Message = applyStatus(
        {
          ...stored,
          external: { id: result.externalId },
          thread: {
            keys: result.thread?.keys ?? [],
            refs: [...message.thread.refs, ...(result.thread?.refs ?? [])],
          },
          metadata: { ...stored.metadata, ...(result.metadata as Record<string, never> | undefined) },
          raw: (result.raw ?? null) as Message['raw'],
          visibility: result.visibility ?? stored.visibility,
        },
        { channel, externalId: result.externalId, status: result.status, at: sentAt },
      );
      if (result.from) sent.from = result.from;
      // Statuses may have raced ahead of us to the webhook, keyed by the provider id we just learnt.
      sent = await applyPendingEvents(tx, sent);
      await tx.updateMessage(sent);
      const current = await liveConversation(tx, conversation.id);
      if (current) {
        if (sent.visibility === 'public' && !current.publicChannels.includes(channel))
          await tx.updateConversation({ ...current, publicChannels: [...current.publicChannels, channel] });
        // Replies to the reply find the conversation through the index (the record does not list them).
        if (sent.thread.keys.length > 0) await tx.claimThreadKeys(current.id, sent.thread.keys);
      }
      return sent;
    });
  } catch (error) {
    const failed: Message = {
      ...message,
      status: 'failed',
      statusHistory: [
        ...message.statusHistory,
        {
          status: 'failed',
          at: engine.nowIso(),
          error: { message: error instanceof Error ? error.message : String(error) },
        },
      ],
    };
    await store.transaction(async (tx) => {
      await tx.updateMessage(failed);
      // The provider says the recipient unsubscribed (Twilio 21610): remember it, so the next reply is refused up front.
      if (isOptedOutError(error)) {
        const current = await liveContact(tx, contact.id);
        if (current && !current.consent[channel]?.optedOut) {
          const at = engine.nowIso();
          const updated = {
            ...current,
            consent: {
              ...current.consent,
              [channel]: { optedOut: true, at, keyword: 'reported by the provider' },
            },
            updatedAt: at,
          };
          await tx.updateContact(updated);
          emits.push(['contact.consent', { contact: updated, channel, optedOut: true }]);
        }
      }
    });
    emits.push(['status', { message: failed, status: 'failed' }]);
    throw error;
  }
  const conversationAfter = (await liveConversation(store, conversation.id)) ?? conversation;
  emits.push(['message', { message, conversation: conversationAfter, contact }]);
  return message;
}
