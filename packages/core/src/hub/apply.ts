import type { NormalizedInboundEvent } from '../model/events.js';
import type { DeliveryStatus, Message } from '../model/message.js';

/**
 * Applying events to a stored message. Each function is pure and order-independent: the same set
 * of events gives the same message whatever order they arrive in, and applying one twice changes
 * nothing (webhook retries are normal).
 */

// Higher wins. `read` implies delivered; a failure outranks a delivery report that raced it.
const STATUS_RANK: Record<DeliveryStatus, number> = {
  received: 0,
  queued: 1,
  sent: 2,
  delivered: 3,
  undelivered: 4,
  failed: 5,
  read: 6,
};

export function statusRank(status: DeliveryStatus): number {
  return STATUS_RANK[status];
}

type EventOf<T extends NormalizedInboundEvent['type']> = Extract<NormalizedInboundEvent, { type: T }>;

export function applyStatus(message: Message, update: EventOf<'status'>['status']): Message {
  // One entry per status, at its earliest report: a retried callback stamped with its arrival time
  // (Twilio sends no timestamp for some statuses) changes nothing.
  const existing = message.statusHistory.find((h) => h.status === update.status);
  if (existing && existing.at <= update.at) return message;
  const entry = update.error
    ? { status: update.status, at: update.at, error: update.error }
    : { status: update.status, at: update.at };
  const statusHistory = [...message.statusHistory.filter((h) => h !== existing), entry].sort((a, b) =>
    a.at < b.at ? -1 : a.at > b.at ? 1 : STATUS_RANK[a.status] - STATUS_RANK[b.status],
  );
  let status = message.status;
  for (const h of statusHistory) if (STATUS_RANK[h.status] >= STATUS_RANK[status]) status = h.status;
  return { ...message, status, statusHistory };
}

const sameIdentity = (a: { kind: string; value: string }, b: { kind: string; value: string }) =>
  a.kind === b.kind && a.value === b.value;

/** One reaction per reactor, the latest wins; an empty emoji is kept as "removed" so a late older event cannot resurrect it. */
export function applyReaction(message: Message, event: EventOf<'reaction'>): Message {
  const current = message.reactions.find((r) => sameIdentity(r.by, event.by));
  if (current && (current.at > event.at || (current.at === event.at && current.emoji >= event.emoji)))
    return message;
  const reactions = message.reactions.filter((r) => !sameIdentity(r.by, event.by));
  reactions.push({ by: event.by, emoji: event.emoji, at: event.at });
  return { ...message, reactions };
}

export function applyEdit(message: Message, event: EventOf<'edit'>): Message {
  if (message.edits.some((e) => e.at === event.at && e.text === event.text)) return message;
  const version =
    event.html === undefined
      ? { text: event.text, at: event.at }
      : { text: event.text, html: event.html, at: event.at };
  const edits = [...message.edits, version].sort((a, b) =>
    a.at < b.at ? -1 : a.at > b.at ? 1 : a.text < b.text ? -1 : 1,
  );
  const latest = edits[edits.length - 1]!;
  const originalText = message.originalText ?? message.text;
  const updated: Message = { ...message, edits, originalText, text: latest.text };
  if (latest.html !== undefined) updated.html = latest.html;
  return updated;
}

/** A deletion marks the message; its content stays for the record (nothing a customer sent is lost). */
export function applyDelete(message: Message, event: EventOf<'delete'>): Message {
  if (message.deletedAt !== undefined && message.deletedAt <= event.at) return message;
  return { ...message, deletedAt: event.at };
}

export function applyEnrich(message: Message, event: EventOf<'enrich'>): Message {
  const updated: Message = { ...message };
  if (event.text !== undefined) updated.text = event.text;
  if (event.transcript) updated.transcript = event.transcript;
  if (event.call) updated.call = { ...message.call, ...event.call };
  if (event.redactions) updated.redactions = event.redactions;
  // Each once: a redelivered enrichment adds nothing.
  const added = event.warnings?.filter((w, i, all) => !message.warnings.includes(w) && all.indexOf(w) === i);
  if (added && added.length > 0) updated.warnings = [...message.warnings, ...added];
  if (event.attachments) {
    const ids = new Set(message.attachments.map((a) => a.id));
    updated.attachments = [...message.attachments, ...event.attachments.filter((a) => !ids.has(a.id))];
  }
  return updated;
}

export type MessageEvent = EventOf<'status' | 'reaction' | 'edit' | 'delete' | 'enrich'>;

/** The provider's id of the message an event is about. */
export function eventTarget(event: MessageEvent): { channel: string; externalId: string } {
  return event.type === 'status'
    ? { channel: event.status.channel, externalId: event.status.externalId }
    : { channel: event.channel, externalId: event.targetExternalId };
}

export function applyMessageEvent(message: Message, event: MessageEvent): Message {
  switch (event.type) {
    case 'status':
      return applyStatus(message, event.status);
    case 'reaction':
      return applyReaction(message, event);
    case 'edit':
      return applyEdit(message, event);
    case 'delete':
      return applyDelete(message, event);
    case 'enrich':
      return applyEnrich(message, event);
  }
}
