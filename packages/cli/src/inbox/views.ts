import type { ChannelAdapter, Contact, Conversation, Hub, Message } from '@omnithread/core';
import { hasHtmlPart } from './message-html.js';

/**
 * What the page gets of a message: the model without the provider payload or the HTML, which the page
 * frames, sanitized, from `/api/messages/:id/html` when `hasHtml`.
 */
export function messageView(m: Message) {
  return {
    id: m.id,
    conversationId: m.conversationId,
    contactId: m.contactId,
    channel: m.channel,
    direction: m.direction,
    from: m.from,
    to: m.to,
    sentAt: m.sentAt,
    subject: m.subject,
    text: m.text,
    newText: m.newText,
    hasHtml: hasHtmlPart(m),
    attachments: m.attachments.map((a) => ({
      id: a.id,
      contentType: a.contentType,
      filename: a.filename,
      size: a.size,
      caption: a.caption,
    })),
    status: m.status,
    statusHistory: m.statusHistory,
    placement: m.placement,
    visibility: m.visibility,
    transcript: m.transcript,
    call: m.call,
    warnings: m.warnings,
    external: m.external,
  };
}
export type MessageView = ReturnType<typeof messageView>;

export async function allMessages(hub: Hub, conversationId: string): Promise<Message[]> {
  const out: Message[] = [];
  let cursor: string | undefined;
  do {
    const page = await hub.conversations.messages(
      conversationId,
      cursor ? { limit: 500, cursor } : { limit: 500 },
    );
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/** Channels whose adapters record traffic but cannot send (calls, receive-only email routes). */
export function canSend(adapter: ChannelAdapter | undefined): boolean {
  return (
    Boolean(adapter) && adapter!.channel !== 'voice' && !(adapter as { receiveOnly?: boolean }).receiveOnly
  );
}

export interface ChannelReplyState {
  channel: string;
  /** Whether an agent can reply here now. */
  available: boolean;
  /** Why not, or what to watch (window closing soon, opted out), in words. */
  note?: string;
  optedOut?: { at: string; keyword?: string };
  window?: { open: boolean; closesAt?: string };
  /** The window is closed, but a pre-approved template (WhatsApp) may still be sent. */
  templateOnly?: boolean;
}

/** Reply options for a conversation: every channel the hub can send on, with consent and windows. */
export function replyStates(
  hub: Hub,
  conversation: Conversation,
  contact: Contact | undefined,
  messages: readonly Message[],
  now: Date,
): { defaultChannel?: string; channels: ChannelReplyState[] } {
  const lastInbound = (channel?: string) =>
    [...messages].reverse().find((m) => m.direction === 'inbound' && (!channel || m.channel === channel));
  const states: ChannelReplyState[] = [];
  for (const [channel, adapter] of hub.adapters) {
    if (!canSend(adapter)) continue;
    const inbound = lastInbound(channel);
    const kinds = adapter.capabilities.identityKinds;
    const reachable =
      inbound !== undefined ||
      (contact?.identities ?? []).some(
        (i) =>
          kinds.includes(i.kind) ||
          (kinds.includes('phone') && i.kind === 'whatsapp') ||
          (kinds.includes('whatsapp') && i.kind === 'phone'),
      );
    const state: ChannelReplyState = { channel, available: reachable };
    if (!reachable) state.note = `no ${channel} address for this customer`;
    const consent = contact?.consent[channel];
    if (consent?.optedOut) {
      state.available = false;
      state.optedOut = { at: consent.at, ...(consent.keyword ? { keyword: consent.keyword } : {}) };
      state.note = `opted out${consent.keyword ? ` (${consent.keyword})` : ''} on ${consent.at.slice(0, 16).replace('T', ' ')} UTC`;
    }
    const window = adapter.replyWindow?.(conversation, inbound, now);
    if (window && (adapter.capabilities.replyWindowMs !== undefined || !window.open || window.closesAt)) {
      state.window = window;
      if (!window.open && reachable && !state.optedOut) {
        state.available = false;
        if (adapter.capabilities.templates) state.templateOnly = true;
        state.note = `${channel} window closed${window.closesAt ? ` at ${window.closesAt.slice(0, 16).replace('T', ' ')} UTC` : ''}: ${adapter.capabilities.templates ? 'only an approved template can be sent' : 'no reply possible'}`;
      } else if (window.open && window.closesAt && !state.optedOut) {
        state.note = `${channel} window open until ${window.closesAt.slice(0, 16).replace('T', ' ')} UTC`;
      }
    }
    states.push(state);
  }
  const latest = lastInbound();
  const usable = (channel?: string) => states.find((s) => s.channel === channel && s.available);
  let defaultChannel = usable(latest?.channel)?.channel;
  if (!defaultChannel) {
    const byRecency = [...messages].reverse().filter((m) => m.direction === 'inbound');
    defaultChannel = byRecency.map((m) => usable(m.channel)).find(Boolean)?.channel;
  }
  defaultChannel ??= states.find((s) => s.available)?.channel;
  return { ...(defaultChannel ? { defaultChannel } : {}), channels: states };
}
