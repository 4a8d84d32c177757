import { StoreConflictError } from '../errors.js';
import { identityKey } from '../identity/normalize.js';
import type { Contact } from '../model/contact.js';
import type { Conversation } from '../model/conversation.js';
import type { NormalizedInboundMessage } from '../model/events.js';
import type { Message } from '../model/message.js';
import type { PlacementDecision } from '../placement/types.js';
import type { StoreTransaction } from '../store/contract.js';
import { applyMessageEvent, eventTarget, type MessageEvent } from './apply.js';
import { linkIdentityInTx, resolveSenderInTx } from './contacts.js';
import { addMessageToConversation, mergeConversationsInTx, newConversationFor } from './conversations.js';
import { type Engine, liveContact, liveConversation, type PendingEmit, withKeys } from './engine.js';
import { customerOf, type PreparedEvent } from './prepare.js';

/** What `hub.ingest` tells about one event. */
export type IngestResult =
  | {
      type: 'message';
      /** True when the message was already stored (a webhook retry): nothing changed. */
      duplicate: boolean;
      message: Message;
      conversation: Conversation;
      contact: Contact;
      createdConversation: boolean;
    }
  | {
      type: 'status' | 'reaction' | 'edit' | 'delete' | 'enrich';
      /** False when the message is not stored yet: the event is kept and applied when it arrives. */
      applied: boolean;
      message?: Message;
    }
  | { type: 'identity-link' | 'consent'; contact: Contact }
  | { type: 'notice' };

async function decidePlacement(
  tx: StoreTransaction,
  engine: Engine,
  message: NormalizedInboundMessage,
  contact: Contact,
  resolution: { created: boolean; detail: string },
): Promise<{ rule: string; decision: PlacementDecision }> {
  const context = { message, contact, resolution, store: tx, policy: engine.policy };
  for (const rule of engine.rules) {
    const decision = await rule.place(context);
    if (decision) return { rule: rule.name, decision };
  }
  return { rule: 'new-conversation', decision: { kind: 'new', reason: 'no placement rule matched' } };
}

/** Applies and clears the events that waited for this message (statuses that came first, and the like). */
export async function applyPendingEvents(tx: StoreTransaction, message: Message): Promise<Message> {
  const pending = await tx.listPendingEvents(message.channel, message.external.id);
  if (pending.length === 0) return message;
  let result = message;
  for (const p of pending) result = applyMessageEvent(result, p.event as MessageEvent);
  await tx.deletePendingEvents(message.channel, message.external.id);
  return result;
}

/** Fields a message carries over from its event only when the event has them. */
const OPTIONAL_MESSAGE_FIELDS = [
  'endpoint',
  'subject',
  'newText',
  'html',
  'replyTo',
  'transcript',
  'call',
  'redactions',
] as const;

async function ingestMessage(
  tx: StoreTransaction,
  engine: Engine,
  m: NormalizedInboundMessage,
  lockKeys: readonly string[],
  emits: PendingEmit[],
): Promise<IngestResult> {
  const customer = customerOf(m);
  await tx.lock(lockKeys);

  let existing = await tx.findMessageByExternalId(m.channel, m.external.id);
  if (!existing && m.direction === 'outbound' && m.external.clientId) {
    // The echo of a reply whose send has not returned yet: give the stored reply its provider id.
    const pending = await tx.getMessage(m.external.clientId);
    if (pending && pending.channel === m.channel && pending.external.id.startsWith('pending:')) {
      existing = await applyPendingEvents(tx, { ...pending, external: { id: m.external.id } });
      await tx.updateMessage(existing);
    }
  }
  if (existing) {
    const conversation = await liveConversation(tx, existing.conversationId);
    const contact = await liveContact(tx, existing.contactId);
    if (!conversation || !contact)
      throw new Error(`message ${existing.id} points at a missing conversation or contact`);
    return {
      type: 'message',
      duplicate: true,
      message: existing,
      conversation,
      contact,
      createdConversation: false,
    };
  }

  const senderFacts = {
    identity: customer,
    trust: m.direction === 'inbound' ? m.trust : ('provider' as const),
    links: m.links,
    at: m.sentAt,
    ...(m.direction === 'inbound' && m.fromName ? { name: m.fromName } : {}),
  };
  const { contact, resolution } = await resolveSenderInTx(tx, engine, senderFacts, emits);

  // Other people on the thread join the conversation if we already know them; strangers are not created.
  const contactIds = [contact.id];
  if (m.participants.length > 0) {
    const participantKeys = m.participants.map((p) => identityKey(p, engine.identity));
    const participantOwners = await tx.findContactIdsByIdentityKeys(participantKeys);
    for (const id of participantOwners.values()) if (!contactIds.includes(id)) contactIds.push(id);
  }

  const placement = await decidePlacement(tx, engine, m, contact, resolution);
  const messageId = engine.newId('msg');
  let conversation: Conversation;
  let createdConversation = false;
  if (placement.decision.kind === 'new') {
    conversation = newConversationFor(engine, m, contactIds);
    await tx.insertConversation(conversation);
    await tx.claimThreadKeys(conversation.id, conversation.threadKeys);
    createdConversation = true;
  } else {
    conversation = placement.decision.conversation;
    for (const other of placement.decision.mergeFrom ?? []) {
      conversation = await mergeConversationsInTx(tx, conversation.id, other.id, emits);
    }
  }

  const receivedAt = m.receivedAt ?? engine.nowIso();
  let message: Message = {
    id: messageId,
    conversationId: conversation.id,
    contactId: contact.id,
    channel: m.channel,
    direction: m.direction,
    from: m.from,
    to: m.to,
    sentAt: m.sentAt,
    receivedAt,
    text: m.text,
    attachments: m.attachments,
    thread: m.thread,
    external: m.external.threadId
      ? { id: m.external.id, threadId: m.external.threadId }
      : { id: m.external.id },
    status: m.status ?? (m.direction === 'inbound' ? 'received' : 'sent'),
    statusHistory: [],
    placement: { rule: placement.rule, reason: placement.decision.reason },
    visibility: m.visibility,
    reactions: [],
    edits: [],
    warnings: m.warnings,
    metadata: m.metadata,
    raw: m.raw,
  };
  for (const field of OPTIONAL_MESSAGE_FIELDS) {
    if (m[field] !== undefined) (message as Record<string, unknown>)[field] = m[field];
  }
  if (m.fromName) message.metadata = withKeys(message.metadata, { fromName: m.fromName });
  message = await applyPendingEvents(tx, message);
  if (!(await tx.insertMessage(message))) {
    // Only possible when a store does not lock: let the hub retry and take the dedup path.
    throw new StoreConflictError(`message ${m.channel}:${m.external.id} was inserted concurrently`);
  }
  if (createdConversation) {
    emits.push(['conversation.created', { conversation }]);
  } else {
    conversation = await addMessageToConversation(
      tx,
      conversation,
      message,
      contactIds,
      placement.rule === 'explicit-thread',
    );
  }
  emits.push(['message', { message, conversation, contact }]);
  return { type: 'message', duplicate: false, message, conversation, contact, createdConversation };
}

async function ingestMessageEvent(
  tx: StoreTransaction,
  engine: Engine,
  event: MessageEvent,
  lockKeys: readonly string[],
  emits: PendingEmit[],
): Promise<IngestResult> {
  const { channel, externalId } = eventTarget(event);
  await tx.lock(lockKeys);
  const stored = await tx.findMessageByExternalId(channel, externalId);
  if (!stored) {
    await tx.addPendingEvent({ channel, externalId, event, receivedAt: engine.nowIso() });
    return { type: event.type, applied: false };
  }
  const updated = applyMessageEvent(stored, event);
  if (updated !== stored) {
    await tx.updateMessage(updated);
    if (event.type === 'status') emits.push(['status', { message: updated, status: updated.status }]);
    else emits.push(['message.updated', { message: updated, cause: event.type }]);
  }
  return { type: event.type, applied: true, message: updated };
}

/** Runs one prepared event (see `prepareEvent`) inside a transaction. */
export async function ingestPrepared(
  tx: StoreTransaction,
  engine: Engine,
  prepared: PreparedEvent,
  emits: PendingEmit[],
): Promise<IngestResult> {
  const { event, lockKeys } = prepared;
  switch (event.type) {
    case 'message':
      return ingestMessage(tx, engine, event.message, lockKeys, emits);
    case 'status':
    case 'reaction':
    case 'edit':
    case 'delete':
    case 'enrich':
      return ingestMessageEvent(tx, engine, event, lockKeys, emits);
    case 'identity-link': {
      const { identity, link } = event;
      await tx.lock(lockKeys);
      const { contact } = await resolveSenderInTx(
        tx,
        engine,
        { identity, trust: 'provider', links: [], at: event.at },
        emits,
      );
      const linked = await linkIdentityInTx(
        tx,
        engine,
        contact.id,
        link.identity,
        link.trust,
        emits,
        link.evidence,
      );
      return { type: 'identity-link', contact: linked };
    }
    case 'consent': {
      const { identity } = event;
      await tx.lock(lockKeys);
      const { contact } = await resolveSenderInTx(
        tx,
        engine,
        { identity, trust: 'provider', links: [], at: event.at },
        emits,
      );
      // The latest consent event wins, so STOP and START arriving out of order end right.
      const current = contact.consent[event.channel];
      let updated = contact;
      if (
        !current ||
        current.at < event.at ||
        (current.at === event.at && event.optedOut && !current.optedOut)
      ) {
        const entry = event.keyword
          ? { optedOut: event.optedOut, at: event.at, keyword: event.keyword }
          : { optedOut: event.optedOut, at: event.at };
        updated = {
          ...contact,
          consent: { ...contact.consent, [event.channel]: entry },
          updatedAt: engine.nowIso(),
        };
        await tx.updateContact(updated);
      }
      emits.push(['contact.consent', { contact: updated, channel: event.channel, optedOut: event.optedOut }]);
      return { type: 'consent', contact: updated };
    }
    case 'notice':
      emits.push(['notice', { channel: event.channel, name: event.name, raw: event.raw }]);
      return { type: 'notice' };
  }
}
