import { EventEmitter } from 'node:events';
import type { WebMessageLike, WebMessageMedia } from '@omnithread/whatsapp/web';

/**
 * A stand-in for whatsapp-web.js's Client: an EventEmitter that fires the library's real event
 * names with message objects shaped like its index.d.ts (`Message`, `MessageId`, `Reaction`).
 */
export class FakeClient extends EventEmitter {
  sent: Array<{ chatId: string; content: unknown; options: unknown }> = [];
  lidToPhone = new Map<string, string>();
  private counter = 0;

  async sendMessage(
    chatId: string,
    content: string | WebMessageMedia,
    options?: unknown,
  ): Promise<WebMessageLike> {
    this.sent.push({ chatId, content, options });
    const stanza = `3EB0SENT${++this.counter}`;
    const created = fakeMessage({
      id: stanza,
      fromMe: true,
      from: '15550001111@c.us',
      to: chatId,
      body: typeof content === 'string' ? content : '',
      ack: 0,
    });
    // Like the library, the own message is announced before sendMessage resolves.
    this.emit('message_create', created);
    await new Promise((resolve) => setImmediate(resolve));
    return fakeMessage({
      id: stanza,
      fromMe: true,
      from: '15550001111@c.us',
      to: chatId,
      body: typeof content === 'string' ? content : '',
      ack: 0,
    });
  }

  async getContactLidAndPhone(userIds: string[]): Promise<Array<{ lid: string; pn: string }>> {
    return userIds.map((id) => {
      if (id.endsWith('@lid')) return { lid: id, pn: this.lidToPhone.get(id) ?? '' };
      const lid = [...this.lidToPhone].find(([, pn]) => pn === id)?.[0] ?? '';
      return { lid, pn: id };
    });
  }
}

/** whatsapp-web.js's MessageMedia, as the adapter constructs it. */
export class FakeMessageMedia implements WebMessageMedia {
  constructor(
    public mimetype: string,
    public data: string,
    public filename?: string | null,
    public filesize?: number | null,
  ) {}
}

export interface FakeMessageInput {
  id: string;
  from: string;
  to: string;
  body?: string;
  fromMe?: boolean;
  author?: string;
  type?: string;
  timestamp?: number;
  ack?: number;
  hasMedia?: boolean;
  media?: WebMessageMedia | null;
  quoted?: WebMessageLike;
  notifyName?: string;
  participants?: string[];
  isForwarded?: boolean;
  forwardingScore?: number;
}

/** A message with the fields and methods of whatsapp-web.js's Message that the adapter reads. */
export function fakeMessage(
  input: FakeMessageInput,
): WebMessageLike & { deviceType: string; broadcast: boolean } {
  const fromMe = input.fromMe ?? false;
  const remote = fromMe ? input.to : input.from;
  const serialized = `${fromMe}_${remote}_${input.id}${input.author && remote.endsWith('@g.us') ? `_${input.author}` : ''}`;
  return {
    id: { fromMe, remote, id: input.id, _serialized: serialized },
    ack: input.ack ?? (fromMe ? 1 : 0),
    ...(input.author ? { author: input.author } : {}),
    deviceType: 'android',
    broadcast: false,
    body: input.body ?? '',
    from: input.from,
    to: input.to,
    fromMe,
    hasMedia: input.hasMedia ?? false,
    hasQuotedMsg: input.quoted !== undefined,
    isForwarded: input.isForwarded ?? false,
    forwardingScore: input.forwardingScore ?? 0,
    isStatus: false,
    type: input.type ?? (input.hasMedia ? 'image' : 'chat'),
    timestamp: input.timestamp ?? 1_777_000_000,
    rawData: { notifyName: input.notifyName, id: { id: input.id } },
    downloadMedia: async () => {
      if (input.media === null) throw new Error('media expired');
      return input.media as WebMessageMedia;
    },
    getQuotedMessage: async () => input.quoted as WebMessageLike,
    getChat: async () => ({
      isGroup: remote.endsWith('@g.us'),
      participants: (input.participants ?? []).map((p) => ({ id: { _serialized: p } })),
    }),
  };
}

/** Lets the adapter's async handlers run. */
export async function settle(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}
