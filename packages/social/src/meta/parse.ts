import type { Attachment, Identity, InboundEvent, InboundMessage } from '@omnithread/core';
import { clean, isRecord, type Json, msToIso, need, parseError, str } from '../common/payload.js';

/**
 * Parses Meta Graph messaging webhooks (Messenger `object: "page"` and Instagram `object: "instagram"`)
 * into model events. Pure: no I/O, the input is never changed. Shapes follow Meta's webhook reference:
 * `entry[].messaging[]` items with `sender`, `recipient`, `timestamp` and one of `message` (with
 * `is_echo`, `is_deleted`, `attachments`, `quick_reply`, `reply_to`), `postback`, `reaction`, `read`,
 * `delivery`, `message_edit`.
 */

export type MetaChannel = 'messenger' | 'instagram';
export type MetaObject = 'page' | 'instagram';

export const CHANNEL_OF_OBJECT: Record<MetaObject, MetaChannel> = {
  page: 'messenger',
  instagram: 'instagram',
};

export interface MetaParseOptions {
  /** The `object` the payload must carry; when omitted both `page` and `instagram` are accepted. */
  object?: MetaObject;
}

const CONTENT_TYPES: Record<string, string> = {
  image: 'image/*',
  video: 'video/*',
  audio: 'audio/*',
  file: 'application/octet-stream',
};

interface ItemContext {
  channel: MetaChannel;
  object: MetaObject;
  entryId: string;
  raw: unknown;
  path: string;
}

function identity(channel: MetaChannel, value: string): Identity {
  return { kind: channel, value };
}

function rawOf(ctx: ItemContext, item: Json): Json {
  return { object: ctx.object, entry: { id: ctx.entryId }, messaging: item };
}

function readAttachments(
  list: unknown,
  mid: string,
  ctx: ItemContext,
): { attachments: Attachment[]; metadata: Record<string, unknown>; fallbackText: string[] } {
  const attachments: Attachment[] = [];
  const metadata: Record<string, unknown> = {};
  const fallbackText: string[] = [];
  if (list === undefined) return { attachments, metadata, fallbackText };
  if (!Array.isArray(list))
    throw parseError('message.attachments must be an array', ctx.raw, `${ctx.path}.message.attachments`);
  list.forEach((a, i) => {
    if (!isRecord(a))
      throw parseError('an attachment must be an object', ctx.raw, `${ctx.path}.message.attachments[${i}]`);
    const type = str(a.type) ?? 'unknown';
    const payload = isRecord(a.payload) ? a.payload : {};
    const url = str(payload.url);
    if (type === 'location') {
      const c = isRecord(payload.coordinates) ? payload.coordinates : {};
      metadata.location = clean({ lat: c.lat, long: c.long, title: str(a.title), url });
      return;
    }
    if (type === 'fallback') {
      // A shared link Messenger could not render natively: keep it as a link, not a file.
      const links = (metadata.links as unknown[] | undefined) ?? [];
      links.push(clean({ url, title: str(a.title) ?? str(payload.title) }));
      metadata.links = links;
      fallbackText.push([str(a.title) ?? str(payload.title), url].filter(Boolean).join(' '));
      return;
    }
    const attachment: Attachment = {
      id: `${mid}#${i}`,
      contentType: CONTENT_TYPES[type] ?? 'application/octet-stream',
      size: -1,
    };
    if (url) attachment.url = url;
    const title = str(a.title) ?? str(payload.title);
    if (title) attachment.caption = title;
    if (type === 'story_mention') {
      // Instagram: the customer mentioned the business in a story; the CDN URL expires with the story.
      attachment.caption = attachment.caption ?? 'Instagram story mention';
      metadata.storyMention = clean({ url });
    } else if (!CONTENT_TYPES[type]) {
      metadata.attachmentTypes = [...((metadata.attachmentTypes as string[] | undefined) ?? []), type];
    }
    if (payload.sticker_id !== undefined) metadata.stickerId = str(payload.sticker_id) ?? null;
    attachments.push(attachment);
  });
  return { attachments, metadata, fallbackText };
}

function messageEvent(
  item: Json,
  message: Json,
  ctx: ItemContext,
  at: string,
  sender: string,
  recipient: string,
): InboundEvent {
  const { channel } = ctx;
  const mid = need(message.mid, ctx.raw, `${ctx.path}.message.mid`);
  if (message.is_deleted === true) {
    // Instagram "unsend": an event on the existing message, never a new message.
    return {
      type: 'delete',
      channel,
      targetExternalId: mid,
      at,
      by: identity(channel, sender),
      raw: rawOf(ctx, item),
    };
  }
  const echo = message.is_echo === true;
  const { attachments, metadata, fallbackText } = readAttachments(message.attachments, mid, ctx);
  const refs: string[] = [];
  let replyTo: string | undefined;
  if (isRecord(message.reply_to)) {
    replyTo = str(message.reply_to.mid);
    if (replyTo) refs.push(`${channel}:${replyTo}`);
    const story = message.reply_to.story;
    if (isRecord(story)) {
      metadata.storyReply = clean({ id: str(story.id), url: str(story.url) });
      const storyId = str(story.id);
      if (storyId) refs.push(`instagram:story:${storyId}`);
    }
  }
  if (isRecord(message.quick_reply))
    metadata.quickReply = clean({ payload: str(message.quick_reply.payload) });
  if (echo) metadata.echo = clean({ appId: str(message.app_id), metadata: str(message.metadata) });
  if (isRecord(message.referral)) metadata.referral = clean(message.referral);
  const warnings: string[] = [];
  if (message.is_unsupported === true) warnings.push(`${channel} marked this message as unsupported content`);
  const text = str(message.text) ?? fallbackText.join('\n');
  const customer = identity(channel, echo ? recipient : sender);
  const business = identity(channel, echo ? sender : recipient);
  // Built in the order the spreads used to give, without them (a spread costs about 1 µs on Node 20).
  const out: Partial<InboundMessage> = {
    channel,
    direction: echo ? 'outbound' : 'inbound',
    from: echo ? business : customer,
    to: [echo ? customer : business],
    endpoint: ctx.entryId,
    sentAt: at,
    text,
    attachments,
  };
  if (replyTo) out.replyTo = replyTo;
  out.thread = { keys: [`${channel}:${mid}`], refs };
  out.external = { id: mid };
  if (echo) out.status = 'sent';
  out.warnings = warnings;
  out.metadata = clean(metadata);
  out.raw = rawOf(ctx, item);
  return { type: 'message', message: out as InboundMessage };
}

function itemEvents(item: unknown, ctx: ItemContext): InboundEvent[] {
  if (!isRecord(item)) throw parseError('a messaging item must be an object', ctx.raw, ctx.path);
  const { channel } = ctx;
  const sender = need(isRecord(item.sender) ? item.sender.id : undefined, ctx.raw, `${ctx.path}.sender.id`);
  const recipient = need(
    isRecord(item.recipient) ? item.recipient.id : undefined,
    ctx.raw,
    `${ctx.path}.recipient.id`,
  );
  const at = msToIso(item.timestamp);
  if (!at) throw parseError('missing or invalid timestamp', ctx.raw, `${ctx.path}.timestamp`);
  const raw = rawOf(ctx, item);
  if (isRecord(item.message)) return [messageEvent(item, item.message, ctx, at, sender, recipient)];
  if (isRecord(item.postback)) {
    const pb = item.postback;
    // A button tap is something the customer said: kept as a message whose text is the button title.
    const id = str(pb.mid) ?? `postback:${sender}:${String(item.timestamp)}`;
    return [
      {
        type: 'message',
        message: {
          channel,
          from: identity(channel, sender),
          to: [identity(channel, recipient)],
          endpoint: ctx.entryId,
          sentAt: at,
          text: str(pb.title) ?? str(pb.payload) ?? '',
          thread: { keys: [`${channel}:${id}`], refs: [] },
          external: { id },
          metadata: clean({ postback: clean({ title: str(pb.title), payload: str(pb.payload) }) }),
          raw,
        },
      },
    ];
  }
  if (isRecord(item.reaction)) {
    const r = item.reaction;
    const target = need(r.mid, ctx.raw, `${ctx.path}.reaction.mid`);
    const emoji = r.action === 'unreact' ? '' : (str(r.emoji) ?? str(r.reaction) ?? '');
    return [
      { type: 'reaction', channel, targetExternalId: target, at, by: identity(channel, sender), emoji, raw },
    ];
  }
  if (isRecord(item.message_edit)) {
    const e = item.message_edit;
    const target = need(e.mid, ctx.raw, `${ctx.path}.message_edit.mid`);
    return [{ type: 'edit', channel, targetExternalId: target, at, text: str(e.text) ?? '', raw }];
  }
  if (isRecord(item.delivery)) {
    const mids = Array.isArray(item.delivery.mids)
      ? item.delivery.mids.map(str).filter((m): m is string => !!m)
      : [];
    if (mids.length === 0)
      return [{ type: 'notice', channel, name: `${channel}.delivery-watermark`, at, raw }];
    return mids.map((externalId) => ({
      type: 'status' as const,
      status: { channel, externalId, status: 'delivered' as const, at, raw },
    }));
  }
  if (isRecord(item.read)) {
    const mid = str(item.read.mid);
    // Messenger reads carry only a watermark ("everything before this time was seen"): no message id to
    // attach a status to, so it is surfaced as a notice the app can apply to its outbound messages.
    if (!mid) return [{ type: 'notice', channel, name: `${channel}.read-watermark`, at, raw }];
    return [{ type: 'status', status: { channel, externalId: mid, status: 'read', at, raw } }];
  }
  const kind = Object.keys(item).find((k) => !['sender', 'recipient', 'timestamp'].includes(k)) ?? 'unknown';
  return [{ type: 'notice', channel, name: `${channel}.${kind}`, at, raw }];
}

/** Parses one Graph webhook envelope. Throws `WebhookParseError` (keeping the payload) on bad input. */
export function parseMetaWebhook(payload: unknown, options: MetaParseOptions = {}): InboundEvent[] {
  if (!isRecord(payload)) throw parseError('a Meta webhook payload must be a JSON object', payload);
  const object = payload.object;
  if (object !== 'page' && object !== 'instagram') {
    throw parseError(
      `unexpected object ${JSON.stringify(object)}: expected "page" or "instagram"`,
      payload,
      'object',
    );
  }
  if (options.object && object !== options.object) {
    throw parseError(`this endpoint takes object "${options.object}", got "${object}"`, payload, 'object');
  }
  if (!Array.isArray(payload.entry)) throw parseError('entry must be an array', payload, 'entry');
  const channel = CHANNEL_OF_OBJECT[object];
  const events: InboundEvent[] = [];
  payload.entry.forEach((entry, i) => {
    if (!isRecord(entry)) throw parseError('an entry must be an object', payload, `entry[${i}]`);
    const entryId = need(entry.id, payload, `entry[${i}].id`);
    const list = entry.messaging ?? entry.standby;
    if (list === undefined) {
      // Feed changes, comments and the like: not customer messages, surfaced as notices.
      const at = msToIso(entry.time) ?? new Date(0).toISOString();
      events.push({ type: 'notice', channel, name: `${channel}.changes`, at, raw: { object, entry } });
      return;
    }
    if (!Array.isArray(list))
      throw parseError('entry.messaging must be an array', payload, `entry[${i}].messaging`);
    list.forEach((item, j) => {
      events.push(
        ...itemEvents(item, { channel, object, entryId, raw: payload, path: `entry[${i}].messaging[${j}]` }),
      );
    });
  });
  return events;
}
