import type { Attachment, InboundEvent, InboundMessage } from '@omnithread/core';
import {
  clean,
  compareNumericIds,
  dateToIso,
  isRecord,
  type Json,
  msToIso,
  need,
  parseError,
  str,
} from '../common/payload.js';

/**
 * Pure parsers for X payloads, in the shapes X documents:
 * - Account Activity API webhook bodies (`for_user_id`, `direct_message_events` with a `users` map,
 *   `tweet_create_events` of v1.1 Tweet objects, `tweet_delete_events`, `favorite_events`,
 *   `direct_message_mark_read_events`…);
 * - v2 `GET /2/dm_events` pages (`data` of DM events with `event_type`, `includes.users/media`);
 * - v2 Tweet pages (`GET /2/users/:id/mentions`) and single v2 DM events / Tweets (JSON-lines archives).
 * DMs are private messages threaded by `x:dm:<dm_conversation_id>`; Tweets are public messages
 * threaded by `x:tweet:<id>` and `x:conversation:<conversation_id>`.
 */

export const X_CHANNEL = 'x';

const x = (value: string) => ({ kind: 'x', value });

/** The id X gives a one-to-one DM conversation: both user ids, smaller first, joined by a dash. */
export function oneToOneConversationId(a: string, b: string): string {
  return compareNumericIds(a, b) <= 0 ? `${a}-${b}` : `${b}-${a}`;
}

const MEDIA_TYPES: Record<string, string> = { photo: 'image/*', video: 'video/*', animated_gif: 'video/*' };

function mediaAttachment(media: Json, fallbackId: string): Attachment {
  const id = str(media.media_key) ?? str(media.id_str) ?? fallbackId;
  const a: Attachment = {
    id,
    contentType: MEDIA_TYPES[str(media.type) ?? ''] ?? 'application/octet-stream',
    size: -1,
    providerId: id,
  };
  const url = str(media.url) ?? str(media.media_url_https) ?? str(media.preview_image_url);
  if (url) a.url = url;
  const alt = str(media.alt_text) ?? str(media.ext_alt_text);
  if (alt) a.caption = alt;
  return a;
}

interface UserInfo {
  name?: string;
  handle?: string;
}

interface Who {
  brandId: string;
  users: Map<string, UserInfo>;
}

function displayOf(who: Who, id: string): { fromName?: string; handle?: string } {
  const u = who.users.get(id);
  const out: { fromName?: string; handle?: string } = {};
  if (u?.name) out.fromName = u.name;
  if (u?.handle) out.handle = u.handle;
  return out;
}

/** Name and handle of a v1.1 user object, when present. */
function userInfo(u: Json): UserInfo {
  const info: UserInfo = {};
  const name = str(u.name);
  if (name) info.name = name;
  const handle = str(u.screen_name);
  if (handle) info.handle = handle;
  return info;
}

interface DmFacts {
  id: string;
  conversationId: string;
  senderId: string;
  recipientId: string;
  at: string;
  text: string;
  attachments: Attachment[];
  refs: string[];
  metadata: Record<string, unknown>;
  raw: unknown;
}

function dmMessage(f: DmFacts, who: Who): InboundEvent {
  const outbound = f.senderId === who.brandId;
  const customer = outbound ? f.recipientId : f.senderId;
  const display = displayOf(who, customer);
  const message: InboundMessage = {
    channel: X_CHANNEL,
    direction: outbound ? 'outbound' : 'inbound',
    from: x(f.senderId),
    to: [x(f.recipientId)],
    endpoint: who.brandId,
    sentAt: f.at,
    text: f.text,
    attachments: f.attachments,
    thread: { keys: [`x:dm:${f.conversationId}`], refs: f.refs },
    external: { id: f.id, threadId: f.conversationId },
    visibility: 'private',
    metadata: clean(Object.assign({}, f.metadata, { handle: display.handle, kind: 'dm' })),
    raw: f.raw,
  };
  if (!outbound && display.fromName) message.fromName = display.fromName;
  if (outbound) message.status = 'sent';
  return { type: 'message', message };
}

interface TweetFacts {
  id: string;
  authorId: string;
  conversationId?: string;
  inReplyToUserId?: string;
  at: string;
  text: string;
  refs: string[];
  attachments: Attachment[];
  raw: unknown;
}

function tweetMessage(t: TweetFacts, who: Who): InboundEvent {
  const outbound = t.authorId === who.brandId;
  if (outbound && !t.inReplyToUserId) {
    // The brand's own Tweet that answers nobody (an announcement): not part of any customer conversation.
    return { type: 'notice', channel: X_CHANNEL, name: 'x.own-tweet', at: t.at, raw: t.raw };
  }
  const keys = [`x:tweet:${t.id}`];
  if (t.conversationId) keys.push(`x:conversation:${t.conversationId}`);
  const display = displayOf(who, t.authorId);
  const message: InboundMessage = {
    channel: X_CHANNEL,
    direction: outbound ? 'outbound' : 'inbound',
    from: x(t.authorId),
    to: [x(outbound ? t.inReplyToUserId! : who.brandId)],
    endpoint: who.brandId,
    sentAt: t.at,
    text: t.text,
    attachments: t.attachments,
    thread: { keys, refs: t.refs.filter((r) => !keys.includes(r)) },
    external: t.conversationId ? { id: t.id, threadId: t.conversationId } : { id: t.id },
    visibility: 'public',
    metadata: clean({ handle: display.handle, kind: 'tweet' }),
    raw: t.raw,
  };
  if (t.refs[0]?.startsWith('x:tweet:')) message.replyTo = t.refs[0].slice('x:tweet:'.length);
  if (!outbound && display.fromName) message.fromName = display.fromName;
  if (outbound) message.status = 'sent';
  return { type: 'message', message };
}

// ---- v1.1 shapes (Account Activity API) ----

function v1Users(users: unknown): Map<string, UserInfo> {
  const map = new Map<string, UserInfo>();
  if (!isRecord(users)) return map;
  for (const [id, u] of Object.entries(users)) {
    if (!isRecord(u)) continue;
    map.set(str(u.id_str) ?? str(u.id) ?? id, userInfo(u));
  }
  return map;
}

function v1Tweet(tweet: unknown, who: Who, raw: unknown, path: string): InboundEvent {
  if (!isRecord(tweet)) throw parseError('a Tweet must be an object', raw, path);
  const id = need(tweet.id_str ?? tweet.id, raw, `${path}.id_str`);
  const user = isRecord(tweet.user) ? tweet.user : undefined;
  const authorId = need(user?.id_str ?? user?.id, raw, `${path}.user.id_str`);
  if (user) who.users.set(authorId, userInfo(user));
  const at = msToIso(tweet.timestamp_ms) ?? dateToIso(tweet.created_at);
  if (!at) throw parseError('a Tweet needs created_at or timestamp_ms', raw, `${path}.created_at`);
  if (isRecord(tweet.retweeted_status))
    return { type: 'notice', channel: X_CHANNEL, name: 'x.retweet', at, raw: tweet };
  const extended = isRecord(tweet.extended_tweet) ? tweet.extended_tweet : {};
  const text = str(extended.full_text) ?? str(tweet.full_text) ?? str(tweet.text) ?? '';
  const inReplyTo = str(tweet.in_reply_to_status_id_str);
  const refs = [inReplyTo, str(tweet.quoted_status_id_str)]
    .filter((r): r is string => !!r)
    .map((r) => `x:tweet:${r}`);
  const entities = isRecord(extended.extended_entities)
    ? extended.extended_entities
    : isRecord(tweet.extended_entities)
      ? tweet.extended_entities
      : {};
  const media = Array.isArray(entities.media) ? entities.media.filter(isRecord) : [];
  const inReplyToUserId = str(tweet.in_reply_to_user_id_str);
  const facts: TweetFacts = {
    id,
    authorId,
    at,
    text,
    refs,
    attachments: media.map((m, i) => mediaAttachment(m, `${id}#${i}`)),
    raw: tweet,
  };
  // v1.1 Tweets carry no conversation_id; a Tweet that answers nothing starts its own conversation.
  if (!inReplyTo) facts.conversationId = id;
  if (inReplyToUserId) facts.inReplyToUserId = inReplyToUserId;
  return tweetMessage(facts, who);
}

function v1DirectMessage(event: unknown, who: Who, raw: unknown, path: string): InboundEvent {
  if (!isRecord(event)) throw parseError('a direct message event must be an object', raw, path);
  const at = msToIso(event.created_timestamp);
  if (!at) throw parseError('missing or invalid created_timestamp', raw, `${path}.created_timestamp`);
  if (event.type !== 'message_create')
    return {
      type: 'notice',
      channel: X_CHANNEL,
      name: `x.dm.${str(event.type) ?? 'unknown'}`,
      at,
      raw: event,
    };
  const id = need(event.id, raw, `${path}.id`);
  const mc = isRecord(event.message_create) ? event.message_create : undefined;
  if (!mc) throw parseError('message_create is missing', raw, `${path}.message_create`);
  const senderId = need(mc.sender_id, raw, `${path}.message_create.sender_id`);
  const recipientId = need(
    isRecord(mc.target) ? mc.target.recipient_id : undefined,
    raw,
    `${path}.message_create.target.recipient_id`,
  );
  const data = isRecord(mc.message_data) ? mc.message_data : {};
  const attachment =
    isRecord(data.attachment) && isRecord(data.attachment.media)
      ? [mediaAttachment(data.attachment.media, `${id}#0`)]
      : [];
  const quick = isRecord(data.quick_reply_response) ? str(data.quick_reply_response.metadata) : undefined;
  return dmMessage(
    {
      id,
      conversationId: oneToOneConversationId(senderId, recipientId),
      senderId,
      recipientId,
      at,
      text: str(data.text) ?? '',
      attachments: attachment,
      refs: [],
      metadata: { quickReply: quick },
      raw: event,
    },
    who,
  );
}

const HANDLED_EVENTS = new Set([
  'direct_message_events',
  'tweet_create_events',
  'tweet_delete_events',
  'favorite_events',
  'direct_message_mark_read_events',
]);
const EPOCH = '1970-01-01T00:00:00.000Z';

/** Parses an Account Activity API webhook body. */
export function parseAccountActivity(payload: Json): InboundEvent[] {
  const brandId = need(payload.for_user_id, payload, 'for_user_id');
  const who: Who = { brandId, users: v1Users(payload.users) };
  const events: InboundEvent[] = [];
  const list = (key: string): unknown[] => {
    const value = payload[key];
    if (value === undefined) return [];
    if (!Array.isArray(value)) throw parseError(`${key} must be an array`, payload, key);
    return value;
  };
  for (const [i, e] of list('direct_message_events').entries()) {
    events.push(v1DirectMessage(e, who, payload, `direct_message_events[${i}]`));
  }
  for (const [i, t] of list('tweet_create_events').entries()) {
    events.push(v1Tweet(t, who, payload, `tweet_create_events[${i}]`));
  }
  list('tweet_delete_events').forEach((d, i) => {
    const status = isRecord(d) && isRecord(d.status) ? d.status : undefined;
    const path = `tweet_delete_events[${i}]`;
    const target = need(status?.id, payload, `${path}.status.id`);
    const at = msToIso(isRecord(d) ? d.timestamp_ms : undefined);
    if (!at) throw parseError('missing timestamp_ms', payload, `${path}.timestamp_ms`);
    const by = str(status?.user_id);
    events.push(
      by
        ? { type: 'delete', channel: X_CHANNEL, targetExternalId: target, at, by: x(by), raw: d }
        : { type: 'delete', channel: X_CHANNEL, targetExternalId: target, at, raw: d },
    );
  });
  list('favorite_events').forEach((f, i) => {
    const path = `favorite_events[${i}]`;
    if (!isRecord(f)) throw parseError('a favorite event must be an object', payload, path);
    const target = need(
      isRecord(f.favorited_status) ? f.favorited_status.id_str : undefined,
      payload,
      `${path}.favorited_status.id_str`,
    );
    const by = need(isRecord(f.user) ? f.user.id_str : undefined, payload, `${path}.user.id_str`);
    const at = msToIso(f.timestamp_ms) ?? dateToIso(f.created_at);
    if (!at) throw parseError('missing timestamp_ms', payload, `${path}.timestamp_ms`);
    events.push({
      type: 'reaction',
      channel: X_CHANNEL,
      targetExternalId: target,
      at,
      by: x(by),
      emoji: '❤️',
      raw: f,
    });
  });
  list('direct_message_mark_read_events').forEach((r, i) => {
    const path = `direct_message_mark_read_events[${i}]`;
    if (!isRecord(r)) throw parseError('a read event must be an object', payload, path);
    const at = msToIso(r.created_timestamp);
    if (!at) throw parseError('missing created_timestamp', payload, `${path}.created_timestamp`);
    const reader = need(r.sender_id, payload, `${path}.sender_id`);
    const last = need(r.last_read_event_id, payload, `${path}.last_read_event_id`);
    // The customer read up to one of our DMs: a read receipt. The brand reading theirs is only a notice.
    if (reader === brandId)
      events.push({ type: 'notice', channel: X_CHANNEL, name: 'x.dm.read-by-brand', at, raw: r });
    else
      events.push({
        type: 'status',
        status: { channel: X_CHANNEL, externalId: last, status: 'read', at, raw: r },
      });
  });
  for (const key of Object.keys(payload)) {
    if (!key.endsWith('_events') || HANDLED_EVENTS.has(key)) continue;
    // Typing indicators, follows, blocks…: not messages; surfaced, not stored.
    events.push({
      type: 'notice',
      channel: X_CHANNEL,
      name: `x.${key}`,
      at: EPOCH,
      raw: payload[key],
    });
  }
  if (events.length === 0)
    events.push({
      type: 'notice',
      channel: X_CHANNEL,
      name: 'x.account-activity',
      at: EPOCH,
      raw: payload,
    });
  return events;
}

// ---- v2 shapes (polling and archives) ----

function v2Includes(includes: unknown): { users: Map<string, UserInfo>; media: Map<string, Json> } {
  const users = new Map<string, UserInfo>();
  const media = new Map<string, Json>();
  if (!isRecord(includes)) return { users, media };
  if (Array.isArray(includes.users)) {
    for (const u of includes.users) {
      if (!isRecord(u) || !str(u.id)) continue;
      const info: UserInfo = {};
      const name = str(u.name);
      if (name) info.name = name;
      const handle = str(u.username);
      if (handle) info.handle = handle;
      users.set(str(u.id)!, info);
    }
  }
  if (Array.isArray(includes.media))
    for (const m of includes.media) if (isRecord(m) && str(m.media_key)) media.set(str(m.media_key)!, m);
  return { users, media };
}

function v2Media(item: Json, media: Map<string, Json>, id: string): Attachment[] {
  const keys =
    isRecord(item.attachments) && Array.isArray(item.attachments.media_keys)
      ? item.attachments.media_keys
      : [];
  return keys.map((k, i) => mediaAttachment(media.get(String(k)) ?? { media_key: String(k) }, `${id}#${i}`));
}

function v2DmEvent(
  event: unknown,
  who: Who,
  media: Map<string, Json>,
  raw: unknown,
  path: string,
): InboundEvent {
  if (!isRecord(event)) throw parseError('a DM event must be an object', raw, path);
  const id = need(event.id, raw, `${path}.id`);
  const at = dateToIso(event.created_at);
  if (!at)
    throw parseError(
      'a DM event needs created_at (ask for dm_event.fields=created_at)',
      raw,
      `${path}.created_at`,
    );
  if (event.event_type !== 'MessageCreate') {
    return {
      type: 'notice',
      channel: X_CHANNEL,
      name: `x.dm.${str(event.event_type) ?? 'unknown'}`,
      at,
      raw: event,
    };
  }
  const senderId = need(event.sender_id, raw, `${path}.sender_id`);
  const conversationId = need(event.dm_conversation_id, raw, `${path}.dm_conversation_id`);
  const participants = Array.isArray(event.participant_ids)
    ? event.participant_ids.map(str).filter((p): p is string => !!p)
    : [];
  // One-to-one conversation ids are "<id>-<id>"; group conversations list participant_ids.
  const others = [...participants, ...conversationId.split('-')].filter(
    (p) => p !== senderId && /^\d+$/.test(p),
  );
  const recipientId = senderId === who.brandId ? others[0] : who.brandId;
  if (!recipientId) throw parseError('cannot tell who the DM was sent to', raw, `${path}.dm_conversation_id`);
  const refs = Array.isArray(event.referenced_tweets)
    ? event.referenced_tweets
        .filter(isRecord)
        .map((r) => str(r.id))
        .filter((r): r is string => !!r)
        .map((r) => `x:tweet:${r}`)
    : [];
  return dmMessage(
    {
      id,
      conversationId,
      senderId,
      recipientId,
      at,
      text: str(event.text) ?? '',
      attachments: v2Media(event, media, id),
      refs,
      metadata: {},
      raw: event,
    },
    who,
  );
}

function v2Tweet(
  tweet: unknown,
  who: Who,
  media: Map<string, Json>,
  raw: unknown,
  path: string,
): InboundEvent {
  if (!isRecord(tweet)) throw parseError('a Tweet must be an object', raw, path);
  const id = need(tweet.id, raw, `${path}.id`);
  const authorId = need(tweet.author_id, raw, `${path}.author_id`);
  const at = dateToIso(tweet.created_at);
  if (!at)
    throw parseError('a Tweet needs created_at (ask for tweet.fields=created_at)', raw, `${path}.created_at`);
  const referenced = Array.isArray(tweet.referenced_tweets) ? tweet.referenced_tweets.filter(isRecord) : [];
  if (referenced.some((r) => r.type === 'retweeted'))
    return { type: 'notice', channel: X_CHANNEL, name: 'x.retweet', at, raw: tweet };
  // replied_to first: it is the Tweet this one answers.
  const order = (r: Json) => (r.type === 'replied_to' ? 0 : 1);
  const refs = [...referenced]
    .sort((a, b) => order(a) - order(b))
    .map((r) => str(r.id))
    .filter((r): r is string => !!r)
    .map((r) => `x:tweet:${r}`);
  const note = isRecord(tweet.note_tweet) ? str(tweet.note_tweet.text) : undefined;
  const conversationId = str(tweet.conversation_id);
  const inReplyToUserId = str(tweet.in_reply_to_user_id);
  const facts: TweetFacts = {
    id,
    authorId,
    at,
    text: note ?? str(tweet.text) ?? '',
    refs,
    attachments: v2Media(tweet, media, id),
    raw: tweet,
  };
  if (conversationId) facts.conversationId = conversationId;
  if (inReplyToUserId) facts.inReplyToUserId = inReplyToUserId;
  return tweetMessage(facts, who);
}

const isDmEvent = (item: Json) => 'event_type' in item;
const isV2Tweet = (item: Json) => 'author_id' in item || 'conversation_id' in item;

/**
 * Parses any X payload the adapter meets: an Account Activity webhook body, a v2 page (`data` +
 * `includes`) of DM events or Tweets, or one v2 DM event / v2 Tweet / v1.1 Tweet. `brandId` is the
 * brand's numeric user id (Account Activity bodies name it themselves in `for_user_id`).
 */
export function parseXPayload(raw: unknown, brandId: string): InboundEvent[] {
  if (!isRecord(raw)) throw parseError('an X payload must be a JSON object', raw);
  if ('for_user_id' in raw) return parseAccountActivity(raw);
  if ('data' in raw) {
    if (!Array.isArray(raw.data)) throw parseError('data must be an array', raw, 'data');
    const { users, media } = v2Includes(raw.includes);
    const who: Who = { brandId, users };
    return raw.data.map((item, i) => {
      if (!isRecord(item)) throw parseError('a data item must be an object', raw, `data[${i}]`);
      if (isDmEvent(item)) return v2DmEvent(item, who, media, raw, `data[${i}]`);
      if (isV2Tweet(item)) return v2Tweet(item, who, media, raw, `data[${i}]`);
      throw parseError('neither a DM event (event_type) nor a Tweet (author_id)', raw, `data[${i}]`);
    });
  }
  const who: Who = { brandId, users: new Map() };
  if (isDmEvent(raw)) return [v2DmEvent(raw, who, new Map(), raw, '$')];
  if ('id_str' in raw && 'user' in raw) return [v1Tweet(raw, who, raw, '$')];
  if (isV2Tweet(raw)) return [v2Tweet(raw, who, new Map(), raw, '$')];
  throw parseError('not an X payload: expected for_user_id, data, event_type or a Tweet', raw);
}
