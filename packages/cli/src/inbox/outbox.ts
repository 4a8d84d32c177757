import type { ChannelAdapter, Identity, OutboundMessage, SendResult } from '@omnithread/core';

/** One message an adapter would have sent to its provider, kept instead (sandbox mode). */
export interface OutboxEntry {
  /** The fake provider id returned to the hub, so status webhooks can refer to it. */
  externalId: string;
  /** Our message id (the hub's). */
  messageId: string;
  conversationId: string;
  channel: string;
  /** The adapter whose `send` was replaced (Twilio's SMS adapter also sends `whatsapp`). */
  adapter: string;
  to: Identity[];
  endpoint?: string;
  subject?: string;
  text: string;
  attachments: number;
  template?: string;
  at: string;
}

export interface Outbox {
  list(): OutboxEntry[];
  add(entry: OutboxEntry): void;
  /** Called for every new entry (the server pushes it to the page). */
  onAdd(listener: (entry: OutboxEntry) => void): () => void;
}

export function memoryOutbox(limit = 1000): Outbox {
  const entries: OutboxEntry[] = [];
  const listeners = new Set<(entry: OutboxEntry) => void>();
  return {
    list: () => [...entries].reverse(),
    add(entry) {
      entries.push(entry);
      if (entries.length > limit) entries.shift();
      for (const listener of listeners) listener(entry);
    },
    onAdd(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Provider-looking ids, so the outbox and the status webhooks read like the real thing. */
function fakeExternalId(channel: string, messageId: string): string {
  const hex = Buffer.from(messageId).toString('hex').padEnd(32, '0').slice(-32);
  switch (channel) {
    case 'sms':
      return `SM${hex}`;
    case 'whatsapp':
      return `wamid.sandbox${hex}`;
    case 'email':
      return `<${messageId}@sandbox.omnithread.local>`;
    case 'messenger':
    case 'instagram':
      return `m_sandbox${hex}`;
    default:
      return `sandbox-${channel}-${hex}`;
  }
}

/**
 * Wraps an adapter so `send` lands in the outbox instead of the provider; everything else (webhook
 * handling, capabilities, the reply window) is the real adapter's. Content the channel cannot carry
 * is still refused by the hub's capability checks before `send` is called.
 */
export function withOutbox<A extends ChannelAdapter>(adapter: A, outbox: Outbox, clock: () => Date): A {
  const send = async (message: OutboundMessage): Promise<SendResult> => {
    const at = clock().toISOString();
    const externalId = fakeExternalId(message.channel, message.id);
    const entry: OutboxEntry = {
      externalId,
      messageId: message.id,
      conversationId: message.conversationId,
      channel: message.channel,
      adapter: adapter.channel,
      to: message.to,
      text: message.text,
      attachments: message.attachments.length,
      at,
    };
    if (message.endpoint) entry.endpoint = message.endpoint;
    if (message.subject) entry.subject = message.subject;
    if (message.template) entry.template = message.template.name;
    outbox.add(entry);
    const result: SendResult = {
      externalId,
      status: 'sent',
      sentAt: at,
      metadata: { sandbox: true },
      raw: { sandbox: true, outbox: externalId },
    };
    if (message.channel === 'email') result.thread = { keys: [`email:${externalId.slice(1, -1)}`] };
    return result;
  };
  // The sandbox never reaches a provider: no sends and no polling (listen) either.
  const { listen: _listen, ...rest } = adapter;
  const wrapped = { ...rest, send } as unknown as A & { receiveOnly?: boolean };
  // A receive-only route (inbound email without SMTP) can "send" in the sandbox: that is the point.
  delete wrapped.receiveOnly;
  return wrapped;
}
