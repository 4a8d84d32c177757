import type { Message, ReplyWindowState } from '@omnithread/core';

const HOUR = 3_600_000;
/** Standard messaging: free-form replies within 24 hours of the customer's last message. */
export const STANDARD_WINDOW_MS = 24 * HOUR;
/** The HUMAN_AGENT tag lets a human reply up to 7 days after the customer's last message. */
export const HUMAN_AGENT_WINDOW_MS = 7 * 24 * HOUR;

export type MetaSendMode =
  | { allowed: true; messagingType: 'RESPONSE'; closesAt: string }
  | { allowed: true; messagingType: 'MESSAGE_TAG'; tag: 'HUMAN_AGENT'; closesAt: string }
  | { allowed: false; closedAt?: string };

/** How a reply may be sent now, given the customer's last inbound message (Meta's messaging policy). */
export function sendMode(
  lastInbound: Pick<Message, 'sentAt'> | undefined,
  now: Date,
  humanAgentTag: boolean,
): MetaSendMode {
  if (!lastInbound) return { allowed: false };
  const last = Date.parse(lastInbound.sentAt);
  const age = now.getTime() - last;
  if (age <= STANDARD_WINDOW_MS) {
    return {
      allowed: true,
      messagingType: 'RESPONSE',
      closesAt: new Date(last + STANDARD_WINDOW_MS).toISOString(),
    };
  }
  if (humanAgentTag && age <= HUMAN_AGENT_WINDOW_MS) {
    return {
      allowed: true,
      messagingType: 'MESSAGE_TAG',
      tag: 'HUMAN_AGENT',
      closesAt: new Date(last + HUMAN_AGENT_WINDOW_MS).toISOString(),
    };
  }
  return {
    allowed: false,
    closedAt: new Date(last + (humanAgentTag ? HUMAN_AGENT_WINDOW_MS : STANDARD_WINDOW_MS)).toISOString(),
  };
}

export function windowState(
  lastInbound: Pick<Message, 'sentAt'> | undefined,
  now: Date,
  humanAgentTag: boolean,
): ReplyWindowState {
  const mode = sendMode(lastInbound, now, humanAgentTag);
  if (mode.allowed) return { open: true, closesAt: mode.closesAt };
  return mode.closedAt ? { open: false, closesAt: mode.closedAt } : { open: false };
}
