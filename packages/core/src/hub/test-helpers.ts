// Helpers shared by the hub's tests (not part of the published package).
import type { Capabilities, ChannelAdapter, OutboundMessage, SendResult } from '../adapter.js';
import type { InboundMessage } from '../model/events.js';
import type { Store } from '../store/contract.js';
import { memoryStore } from '../store/memory.js';
import type { Hub } from './hub.js';

export const HOUR = 3_600_000;
export const T0 = Date.parse('2026-03-02T09:00:00.000Z');
export const at = (hours: number) => new Date(T0 + hours * HOUR).toISOString();

let seq = 0;
/** An inbound message event: channel, sender, hours after T0, text, and any overrides. */
export function msg(
  channel: string,
  from: { kind: string; value: string },
  hours: number,
  text = 'hi',
  extra: Partial<InboundMessage> = {},
) {
  return {
    type: 'message' as const,
    message: {
      channel,
      from,
      sentAt: at(hours),
      text,
      external: { id: `${channel}-${++seq}` },
      raw: { text },
      ...extra,
    },
  };
}

export const email = (value: string) => ({ kind: 'email', value });
export const phone = (value: string) => ({ kind: 'phone', value });
export const wa = (value: string) => ({ kind: 'whatsapp', value });

/** An adapter that records what it sends and can be told to fail. */
export function fakeAdapter(
  channel: string,
  caps: Partial<Capabilities> = {},
  options: { replyWindowMs?: number } = {},
) {
  const sent: OutboundMessage[] = [];
  const adapter: ChannelAdapter & { sent: OutboundMessage[]; fail?: Error } = {
    channel,
    sent,
    capabilities: {
      media: true,
      templates: false,
      reactions: false,
      edits: false,
      readReceipts: false,
      threaded: channel === 'email',
      identityKinds: channel === 'email' ? ['email'] : channel === 'whatsapp' ? ['whatsapp'] : ['phone'],
      ...caps,
    },
    parse: () => [],
    async send(message): Promise<SendResult> {
      if (adapter.fail) throw adapter.fail;
      sent.push(message);
      return {
        externalId: `out-${message.id}`,
        status: 'sent',
        thread: channel === 'email' ? { keys: [`email:${message.id}@app`] } : { keys: [] },
      };
    },
  };
  if (options.replyWindowMs !== undefined) {
    const windowMs = options.replyWindowMs;
    adapter.replyWindow = (_conversation, lastInbound, now) => {
      if (!lastInbound) return { open: false };
      const closesAt = new Date(Date.parse(lastInbound.sentAt) + windowMs).toISOString();
      return { open: now.getTime() < Date.parse(closesAt), closesAt };
    };
  }
  return adapter;
}

/** The state that matters, without generated ids: conversations as sets of external ids, contacts as sets of identities. */
export async function canonical(hub: Hub) {
  const conversations: string[] = [];
  for (const c of (await hub.conversations.list({ limit: 1000 })).items) {
    const ids = (await hub.conversations.messages(c.id, { limit: 1000 })).items.map(
      (m) => `${m.external.id}:${m.status}`,
    );
    conversations.push(`${c.status}|${c.channels.join(',')}|${ids.sort().join(' ')}`);
  }
  const contacts = (await hub.contacts.list({ limit: 1000 })).items.map((c) =>
    c.identities
      .map((i) => `${i.kind}:${i.value}`)
      .sort()
      .join(' '),
  );
  return { conversations: conversations.sort(), contacts: contacts.sort() };
}

/** A memory store that counts the `listMessages` calls made inside transactions (reads of a whole conversation). */
export function countingStore(): { store: Store; reads: () => number } {
  const base = memoryStore();
  let reads = 0;
  const store: Store = {
    ...base,
    transaction: (fn) =>
      base.transaction((tx) =>
        fn({
          ...tx,
          listMessages: (...args) => {
            reads++;
            return tx.listMessages(...args);
          },
        }),
      ),
  };
  return { store, reads: () => reads };
}
