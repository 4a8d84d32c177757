import type { Conversation, Hub, Message } from '@omnithread/core';

/** The stable JSON line of `omnithread threads --json`: one per conversation. */
export interface ThreadLine {
  id: string;
  contactIds: string[];
  channels: string[];
  subject: string | null;
  status: Conversation['status'];
  messages: Array<{
    id: string;
    channel: string;
    direction: Message['direction'];
    external: { id: string };
    from: Message['from'];
    sentAt: string;
    text: string;
    placement: Message['placement'];
  }>;
}

async function allMessages(hub: Hub, conversationId: string): Promise<Message[]> {
  const out: Message[] = [];
  let cursor: string | undefined;
  do {
    const page = await hub.conversations.messages(
      conversationId,
      cursor ? { limit: 1000, cursor } : { limit: 1000 },
    );
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/** Every conversation, newest activity first, with its messages in time order. */
export async function* threadLines(hub: Hub): AsyncIterable<ThreadLine> {
  let cursor: string | undefined;
  do {
    const page = await hub.conversations.list(cursor ? { limit: 200, cursor } : { limit: 200 });
    for (const c of page.items) {
      const messages = await allMessages(hub, c.id);
      yield {
        id: c.id,
        contactIds: c.contactIds,
        channels: c.channels,
        subject: c.subject ?? null,
        status: c.status,
        messages: messages.map((m) => ({
          id: m.id,
          channel: m.channel,
          direction: m.direction,
          external: { id: m.external.id },
          from: m.from,
          sentAt: m.sentAt,
          text: m.text,
          placement: m.placement,
        })),
      };
    }
    cursor = page.nextCursor;
  } while (cursor);
}

const oneLine = (text: string, width: number) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat;
};

/** A human view of a thread: header, then one line a message with its placement reason. */
export function formatThread(t: ThreadLine): string {
  const lines = [
    `● ${t.subject ?? '(no subject)'} — ${t.status}, ${t.messages.length} message${t.messages.length === 1 ? '' : 's'} on ${t.channels.join(' → ')}  [${t.id}]`,
  ];
  for (const m of t.messages) {
    const arrow = m.direction === 'inbound' ? '←' : '→';
    lines.push(
      `  ${m.sentAt.slice(0, 16).replace('T', ' ')} ${arrow} ${m.channel.padEnd(9)} ${oneLine(m.text || '(no text)', 70)}`,
    );
    lines.push(`  ${' '.repeat(16)}   placed by ${m.placement.rule}: ${m.placement.reason}`);
  }
  return lines.join('\n');
}
