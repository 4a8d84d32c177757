import { createHash } from 'node:crypto';
import type {
  Attachment,
  DeliveryStatus,
  Identity,
  InboundEvent,
  InboundMessage,
  JsonValue,
} from '@omnithread/core';
import { safeFilename } from '@omnithread/core';
import { nonEmpty, obj, str, toJson, unixToIso } from '../shared/json.js';
import { groupKey, identityOfJid, isGroupId } from './ids.js';
import type { WebMessageLike, WebReactionLike } from './types.js';

export interface WebMapContext {
  channel: string;
  downloadMedia: boolean;
  maxMediaBytes: number;
  /** When whatsapp-web.js gives a message no usable time. */
  now: () => Date;
}

/** Thread key of a whatsapp-web.js message: the stanza id, which quotes refer to. */
export const webThreadKey = (stanzaId: string) => `whatsapp:${stanzaId}`;

/** whatsapp-web.js ACK values (MessageAck) as model statuses. */
export function ackStatus(ack: number): DeliveryStatus | undefined {
  switch (ack) {
    case -1:
      return 'failed';
    case 0:
      return 'queued';
    case 1:
      return 'sent';
    case 2:
      return 'delivered';
    case 3:
    case 4:
      return 'read';
    default:
      return undefined;
  }
}

function raw(msg: WebMessageLike): JsonValue {
  // The library's objects carry methods and a client reference; keep the data.
  const data = obj((msg as { rawData?: unknown }).rawData) ?? obj((msg as { _data?: unknown })._data);
  return toJson(
    data ?? {
      id: msg.id,
      from: msg.from,
      to: msg.to,
      author: msg.author ?? null,
      type: msg.type,
      body: msg.body,
      timestamp: msg.timestamp,
    },
  );
}

async function attachmentOf(
  msg: WebMessageLike,
  ctx: WebMapContext,
  warnings: string[],
): Promise<Attachment | undefined> {
  if (!msg.hasMedia) return undefined;
  const fallback: Attachment = {
    id: `${msg.id._serialized}:media`,
    contentType: 'application/octet-stream',
    size: -1,
  };
  if (!ctx.downloadMedia || !msg.downloadMedia) return fallback;
  try {
    const media = await msg.downloadMedia();
    if (!media?.data) {
      warnings.push('the media is no longer available on the phone');
      return fallback;
    }
    const bytes = Buffer.from(media.data, 'base64');
    if (bytes.byteLength > ctx.maxMediaBytes) {
      warnings.push(
        `media of ${bytes.byteLength} bytes is over the ${ctx.maxMediaBytes}-byte limit and was not kept`,
      );
      return { ...fallback, contentType: media.mimetype || fallback.contentType, size: bytes.byteLength };
    }
    const attachment: Attachment = {
      id: fallback.id,
      contentType: media.mimetype || fallback.contentType,
      size: bytes.byteLength,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      content: media.data,
    };
    // The sender chose the name: one harmless path segment before anything saves it to disk.
    if (media.filename) attachment.filename = safeFilename(media.filename);
    return attachment;
  } catch (error) {
    warnings.push(`media download failed: ${error instanceof Error ? error.message : String(error)}`);
    return fallback;
  }
}

async function quoted(msg: WebMessageLike): Promise<{ externalId?: string; stanzaId?: string }> {
  if (!msg.hasQuotedMsg) return {};
  try {
    const q = await msg.getQuotedMessage?.();
    if (q?.id) return { externalId: q.id._serialized, stanzaId: q.id.id };
  } catch {
    // fall back to the raw stanza id below
  }
  const data = obj((msg as { rawData?: unknown }).rawData) ?? obj((msg as { _data?: unknown })._data);
  const stanzaId = nonEmpty(data?.quotedStanzaID);
  return stanzaId ? { stanzaId } : {};
}

async function groupParticipants(msg: WebMessageLike): Promise<Identity[]> {
  try {
    const chat = await msg.getChat?.();
    return (chat?.participants ?? [])
      .map((p) => identityOfJid(p.id._serialized))
      .filter((i): i is Identity => i !== undefined);
  } catch {
    return [];
  }
}

/**
 * Maps a `message` / `message_create` payload: own messages (fromMe) are outbound, to the chat;
 * group messages carry the group's thread key and its members as participants. Returns [] for
 * WhatsApp status broadcasts (stories), which are not conversation messages.
 */
export async function mapWebMessage(msg: WebMessageLike, ctx: WebMapContext): Promise<InboundEvent[]> {
  if (msg.isStatus || msg.from === 'status@broadcast') return [];
  const chatId = msg.fromMe ? msg.to : msg.from;
  const group = isGroupId(chatId);
  const authorJid = group ? (msg.fromMe ? msg.from : msg.author) : msg.from;
  const warnings: string[] = [];
  const sentAt = unixToIso(msg.timestamp) ?? ctx.now().toISOString();
  const me = identityOfJid(msg.fromMe ? (group && msg.author ? msg.author : msg.from) : msg.to);
  const author = identityOfJid(authorJid);
  const chat = identityOfJid(chatId);
  const customer = msg.fromMe ? chat : author;
  if (!customer)
    return [{ type: 'notice', channel: ctx.channel, name: 'web.unknown-sender', at: sentAt, raw: raw(msg) }];
  const from = msg.fromMe ? (me ?? { kind: 'whatsapp-business', value: 'me' }) : customer;

  const attachment = await attachmentOf(msg, ctx, warnings);
  const q = await quoted(msg);
  const metadata: Record<string, JsonValue> = { type: msg.type };
  if (msg.isForwarded) metadata.forwarded = true;
  if ((msg.forwardingScore ?? 0) > 0) metadata.forwardingScore = msg.forwardingScore!;
  if ((msg.forwardingScore ?? 0) >= 4) metadata.frequentlyForwarded = true;
  if (msg.location && msg.type === 'location') metadata.location = toJson(msg.location);
  if (msg.vCards?.length) metadata.vCards = msg.vCards;
  if (group) metadata.groupId = chatId;
  const keys = [webThreadKey(msg.id.id)];
  if (group) keys.push(groupKey(chatId));

  let text = msg.body ?? '';
  // For media, whatsapp-web.js may put a base64 thumbnail in body when there is no caption.
  if (attachment && /^[A-Za-z0-9+/=]{200,}$/.test(text)) text = '';
  if (msg.type === 'location' && !text && msg.location)
    text =
      `📍 ${msg.location.description ?? ''} (${msg.location.latitude}, ${msg.location.longitude})`.replace(
        '📍  (',
        '📍 (',
      );

  const message: InboundMessage = {
    channel: ctx.channel,
    direction: msg.fromMe ? 'outbound' : 'inbound',
    from,
    to: msg.fromMe ? [customer] : me ? [me] : [],
    participants: group ? await groupParticipants(msg) : [],
    sentAt,
    text,
    attachments: attachment ? [attachment] : [],
    thread: { keys, refs: q.stanzaId ? [webThreadKey(q.stanzaId)] : [] },
    external: { id: msg.id._serialized, ...(group ? { threadId: chatId } : {}) },
    warnings,
    metadata,
    trust: 'provider',
    raw: raw(msg),
  };
  const replyTo = q.externalId ?? q.stanzaId;
  if (replyTo) message.replyTo = replyTo;
  const data = obj((msg as { rawData?: unknown }).rawData) ?? obj((msg as { _data?: unknown })._data);
  const notifyName = nonEmpty(data?.notifyName);
  if (!msg.fromMe && notifyName) message.fromName = notifyName;
  if (msg.fromMe && msg.ack !== undefined) {
    const status = ackStatus(msg.ack);
    if (status) message.status = status;
  }
  return [{ type: 'message', message }];
}

export function mapAck(msg: WebMessageLike, ack: number, ctx: WebMapContext): InboundEvent[] {
  const status = ackStatus(ack);
  if (!status) return [];
  return [
    {
      type: 'status',
      status: {
        channel: ctx.channel,
        externalId: msg.id._serialized,
        status,
        at: ctx.now().toISOString(),
        raw: { ack },
      },
    },
  ];
}

export function mapReaction(reaction: WebReactionLike, ctx: WebMapContext): InboundEvent[] {
  const by = identityOfJid(reaction.senderId);
  if (!by || !reaction.msgId?._serialized) return [];
  const at = unixToIso(reaction.timestamp) ?? ctx.now().toISOString();
  // An empty reaction string is whatsapp-web.js's "reaction removed".
  return [
    {
      type: 'reaction',
      channel: ctx.channel,
      targetExternalId: reaction.msgId._serialized,
      by,
      emoji: str(reaction.reaction) ?? '',
      at,
      raw: toJson({ ...reaction }),
    },
  ];
}

export function mapEdit(msg: WebMessageLike, newBody: unknown, ctx: WebMapContext): InboundEvent[] {
  const at = unixToIso(msg.latestEditSenderTimestampMs) ?? ctx.now().toISOString();
  return [
    {
      type: 'edit',
      channel: ctx.channel,
      targetExternalId: msg.id._serialized,
      text: String(newBody ?? msg.body ?? ''),
      at,
      raw: raw(msg),
    },
  ];
}

export function mapRevoke(
  msg: WebMessageLike,
  revoked: WebMessageLike | null | undefined,
  ctx: WebMapContext,
): InboundEvent[] {
  // whatsapp-web.js gives the original's id on `revoked` (or as protocolMessageKey); the revoked
  // message itself keeps that id in most versions.
  const original =
    revoked?.id?._serialized ??
    (msg as { protocolMessageKey?: { _serialized?: string } }).protocolMessageKey?._serialized;
  const target = original ?? msg.id._serialized;
  const byJid = isGroupId(msg.fromMe ? msg.to : msg.from) ? msg.author : msg.from;
  const by = identityOfJid(byJid);
  const at = unixToIso(msg.timestamp) ?? ctx.now().toISOString();
  return [
    {
      type: 'delete',
      channel: ctx.channel,
      targetExternalId: target,
      ...(by ? { by } : {}),
      at,
      raw: raw(msg),
    },
  ];
}
