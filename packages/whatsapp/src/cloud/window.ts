import type { Conversation, Message, ReplyWindowState } from '@omnithread/core';

/** WhatsApp's customer-service window: free-form messages are allowed for 24 hours after the customer last wrote. */
export const CUSTOMER_SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;

/** When the customer last wrote on this channel, from the message or the conversation's channel activity. */
export function lastCustomerMessageAt(
  conversation: Conversation | undefined,
  lastInbound: Message | undefined,
  channel: string,
): string | undefined {
  const fromMessage =
    lastInbound && lastInbound.channel === channel && lastInbound.direction === 'inbound'
      ? lastInbound.sentAt
      : undefined;
  const fromActivity = conversation?.channelActivity?.[channel]?.lastInboundAt;
  // ISO timestamps sort as text: the newest wins.
  return [fromMessage, fromActivity]
    .filter((t): t is string => t !== undefined)
    .sort()
    .at(-1);
}

/**
 * The window state of a conversation: open until 24 h after the customer's last message on this
 * channel; closed when they never wrote (a business-initiated conversation needs a template).
 */
export function customerServiceWindow(
  conversation: Conversation | undefined,
  lastInbound: Message | undefined,
  now: Date,
  channel = 'whatsapp',
  windowMs = CUSTOMER_SERVICE_WINDOW_MS,
): ReplyWindowState {
  const last = lastCustomerMessageAt(conversation, lastInbound, channel);
  if (!last) return { open: false };
  const closesAt = new Date(Date.parse(last) + windowMs);
  return { open: now.getTime() < closesAt.getTime(), closesAt: closesAt.toISOString() };
}
