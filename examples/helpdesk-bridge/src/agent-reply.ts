import { WebhookParseError } from '@omnithread/core';
import type { AgentReplyWebhook } from './contract.js';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function text(parent: Record<string, unknown>, key: string, path: string, raw: string): string {
  const value = parent[key];
  if (typeof value !== 'string' || value.trim() === '')
    throw new WebhookParseError(`${path} must be a non-empty string`, { raw, path });
  return value;
}

/**
 * Reads a verified agent-reply webhook body. Throws `WebhookParseError` (keeping the raw body) naming
 * the field that is missing or wrong. Fields the contract does not define are ignored, and left out of
 * the result: a helpdesk may send more than we read, and nothing unread reaches `hub.reply`.
 */
export function parseAgentReply(raw: string): AgentReplyWebhook {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw new WebhookParseError('The body is not JSON', { raw, cause: error });
  }
  if (!isObject(value)) throw new WebhookParseError('The body must be a JSON object', { raw, path: '' });
  if (value.type !== 'reply.created')
    throw new WebhookParseError(
      `type must be "reply.created", not ${String(JSON.stringify(value.type)).slice(0, 40)}`,
      {
        raw,
        path: 'type',
      },
    );
  const { ticket, reply } = value;
  if (!isObject(ticket)) throw new WebhookParseError('ticket must be an object', { raw, path: 'ticket' });
  if (!isObject(reply)) throw new WebhookParseError('reply must be an object', { raw, path: 'reply' });
  const channel = reply.channel;
  if (channel !== undefined && typeof channel !== 'string')
    throw new WebhookParseError('reply.channel must be a string when present', {
      raw,
      path: 'reply.channel',
    });
  return {
    type: 'reply.created',
    ticket: {
      id: text(ticket, 'id', 'ticket.id', raw),
      externalRef: text(ticket, 'externalRef', 'ticket.externalRef', raw),
    },
    reply: {
      id: text(reply, 'id', 'reply.id', raw),
      text: text(reply, 'text', 'reply.text', raw),
      ...(channel ? { channel } : {}),
    },
  };
}
