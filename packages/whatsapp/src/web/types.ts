/**
 * The parts of whatsapp-web.js this adapter uses, written structurally so that the package's types do
 * not require the optional peer dependency. The real `Client`, `Message`, `Reaction` and
 * `MessageMedia` fit these shapes (a type test checks it against the library's index.d.ts).
 */

export interface WebMessageId {
  fromMe: boolean;
  remote: string;
  id: string;
  _serialized: string;
}

export interface WebMessageMedia {
  mimetype: string;
  /** Base64 bytes. */
  data: string;
  filename?: string | null;
  filesize?: number | null;
}

export interface WebMessageMediaConstructor {
  new (mimetype: string, data: string, filename?: string | null, filesize?: number | null): WebMessageMedia;
}

export interface WebLocation {
  latitude: number | string;
  longitude: number | string;
  description?: string;
  name?: string;
  address?: string;
}

export interface WebChatLike {
  isGroup?: boolean;
  name?: string;
  participants?: Array<{ id: { _serialized: string } }>;
}

export interface WebMessageLike {
  id: WebMessageId;
  ack?: number;
  author?: string;
  body: string;
  from: string;
  to: string;
  fromMe: boolean;
  hasMedia: boolean;
  hasQuotedMsg?: boolean;
  isForwarded?: boolean;
  forwardingScore?: number;
  isStatus?: boolean;
  type: string;
  timestamp: number;
  location?: WebLocation;
  vCards?: string[];
  latestEditSenderTimestampMs?: number;
  rawData?: object;
  downloadMedia?: () => Promise<WebMessageMedia | undefined | null>;
  getQuotedMessage?: () => Promise<WebMessageLike | undefined | null>;
  getChat?: () => Promise<WebChatLike>;
}

export interface WebReactionLike {
  id: WebMessageId;
  msgId: WebMessageId;
  reaction: string;
  senderId: string;
  timestamp: number;
}

export interface WebSendOptions {
  quotedMessageId?: string;
  caption?: string;
  sendAudioAsVoice?: boolean;
  sendMediaAsDocument?: boolean;
}

/** An EventEmitter listener, typed as Node's own so the library's Client fits. */
// biome-ignore lint/suspicious/noExplicitAny: mirrors EventEmitter's listener type; the adapter narrows each event itself
export type WebListener = (...args: any[]) => void;

/** What the adapter needs of a whatsapp-web.js `Client`: its events, `sendMessage`, and optionally the LID lookup. */
export interface WebClientLike {
  on(event: string, listener: WebListener): unknown;
  removeListener(event: string, listener: WebListener): unknown;
  sendMessage(
    chatId: string,
    content: string | WebMessageMedia,
    options?: WebSendOptions,
  ): Promise<WebMessageLike>;
  getContactLidAndPhone?(userIds: string[]): Promise<Array<{ lid: string; pn: string }>>;
}
