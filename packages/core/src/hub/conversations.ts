import {
  type ChannelActivity,
  type ChannelSwitch,
  type Conversation,
  RECENT_SWITCHES,
  switchCountOf,
} from '../model/conversation.js';
import type { Message } from '../model/message.js';
import type { StoreReader, StoreTransaction } from '../store/contract.js';
import {
  type Engine,
  liveConversation,
  maxIso,
  minIso,
  olderOf,
  type PendingEmit,
  withKeys,
} from './engine.js';

type MessageFacts = Pick<
  Message,
  'id' | 'channel' | 'direction' | 'sentAt' | 'endpoint' | 'visibility' | 'subject' | 'thread'
>;

const threadKeysOf = (m: Pick<Message, 'thread'>) => [...m.thread.keys, ...m.thread.refs];

function touchActivity(activity: ChannelActivity | undefined, m: Omit<MessageFacts, 'id'>): ChannelActivity {
  const next: ChannelActivity = activity
    ? { ...activity, lastMessageAt: maxIso(activity.lastMessageAt, m.sentAt) }
    : { lastMessageAt: m.sentAt };
  if (m.direction === 'inbound')
    next.lastInboundAt = next.lastInboundAt ? maxIso(next.lastInboundAt, m.sentAt) : m.sentAt;
  if (m.endpoint && next.lastMessageAt === m.sentAt) next.endpoint = m.endpoint;
  return next;
}

/**
 * `a` with what `b` adds appended, each once. On the ingest path `b` is one message's few keys and
 * `a` a conversation's list, which may be long: scan it, no Set of it (merges, with long `b`, use one).
 */
function union(a: readonly string[], b: readonly string[]): string[] {
  let missing: string[];
  if (b.length <= 8) missing = b.filter((x, i) => !a.includes(x) && b.indexOf(x) === i);
  else {
    const seen = new Set(a);
    missing = [];
    for (const x of b) {
      if (!seen.has(x)) {
        seen.add(x);
        missing.push(x);
      }
    }
  }
  return missing.length === 0 ? (a as string[]) : a.concat(missing);
}

/** A new conversation holding one message (the message's ids are filled in by the caller). */
export function newConversationFor(
  engine: Engine,
  m: Omit<MessageFacts, 'id'>,
  contactIds: string[],
): Conversation {
  const conversation: Conversation = {
    id: engine.newId('cv'),
    contactIds: [...new Set(contactIds)],
    status: 'open',
    channels: [m.channel],
    threadKeys: [...new Set(threadKeysOf(m))],
    switches: [],
    switchCount: 0,
    lastChannel: m.channel,
    channelActivity: { [m.channel]: touchActivity(undefined, m) },
    publicChannels: m.visibility === 'public' ? [m.channel] : [],
    createdAt: m.sentAt,
    lastMessageAt: m.sentAt,
  };
  if (m.subject) conversation.subject = m.subject;
  return conversation;
}

/**
 * Derives the channel history of a conversation from its messages in time order: channels in order
 * of first use, switches, the last channel, activity per channel. Used after out-of-order arrivals
 * and merges, so the summary is the same whatever order messages came in.
 */
export function summarizeMessages(
  conversation: Conversation,
  messages: readonly MessageFacts[],
): Conversation {
  const sorted = [...messages].sort((a, b) =>
    a.sentAt < b.sentAt ? -1 : a.sentAt > b.sentAt ? 1 : a.id < b.id ? -1 : 1,
  );
  const channels: string[] = [];
  const switches: ChannelSwitch[] = [];
  const channelActivity: Record<string, ChannelActivity> = {};
  const publicChannels = new Set<string>();
  let last: string | undefined;
  for (const m of sorted) {
    if (!channels.includes(m.channel)) channels.push(m.channel);
    if (last !== undefined && last !== m.channel)
      switches.push({ from: last, to: m.channel, at: m.sentAt, messageId: m.id });
    last = m.channel;
    channelActivity[m.channel] = touchActivity(channelActivity[m.channel], m);
    if (m.visibility === 'public') publicChannels.add(m.channel);
  }
  const first = sorted[0];
  const latest = sorted[sorted.length - 1];
  const result: Conversation = {
    ...conversation,
    channels,
    switches: switches.length > RECENT_SWITCHES ? switches.slice(-RECENT_SWITCHES) : switches,
    switchCount: switches.length,
    channelActivity,
    publicChannels: [...publicChannels],
  };
  if (latest) {
    result.lastChannel = latest.channel;
    result.lastMessageAt = latest.sentAt;
  }
  if (first) result.createdAt = first.sentAt;
  return result;
}

/**
 * The summary with a message older than the conversation's latest, when that message lands where
 * its channel was already in use (a WhatsApp message arriving after the next one, or before the
 * first on the first's channel: the common cases). It then changes no switch and no channel order,
 * only its channel's activity and perhaps the start, and `summarizeMessages` would give the same.
 * Undefined when it may change more; the caller then derives the summary from every message (a
 * read as long as the conversation).
 */
function withEarlierMessage(conversation: Conversation, m: MessageFacts): Conversation | undefined {
  // The channel in use just before the message: the last switch before it, or the first channel
  // (before the first message too: one on that channel becomes the first and switches nothing).
  const switchedBefore = (s: ChannelSwitch) => s.at < m.sentAt || (s.at === m.sentAt && s.messageId < m.id);
  const { switches } = conversation;
  // The record keeps only the latest switches: before the oldest kept, the channel in use is unknown.
  if (switchCountOf(conversation) > switches.length && !(switches[0] && switchedBefore(switches[0])))
    return undefined;
  let inUse = conversation.channels[0];
  for (const s of switches) {
    if (switchedBefore(s)) inUse = s.to;
    else break;
  }
  const activity = conversation.channelActivity[m.channel];
  if (inUse !== m.channel || !activity) return undefined;
  // The channel's endpoint is that of its latest message that had one, which may be this one.
  if (m.sentAt <= activity.lastMessageAt && m.endpoint !== undefined && m.endpoint !== activity.endpoint)
    return undefined;
  // publicChannels is in order of each channel's first public message, which this one may move.
  const { publicChannels } = conversation;
  if (m.visibility === 'public' && (publicChannels.length !== 1 || publicChannels[0] !== m.channel))
    return undefined;
  return withKeys(conversation, {
    createdAt: minIso(conversation.createdAt, m.sentAt),
    channelActivity: withKeys(conversation.channelActivity, { [m.channel]: touchActivity(activity, m) }),
  });
}

async function allMessages(store: StoreReader, conversationId: string): Promise<Message[]> {
  const out: Message[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listMessages(conversationId, cursor ? { limit: 1000, cursor } : { limit: 1000 });
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/**
 * Adds a stored message to its conversation's summary. In-order arrivals update it in place; a
 * message older than the conversation's latest makes it re-derive the history from all messages.
 */
export async function addMessageToConversation(
  tx: StoreTransaction,
  conversation: Conversation,
  m: MessageFacts,
  contactIds: string[],
  reopen: boolean,
): Promise<Conversation> {
  // The message's thread keys go to the store's index only (claimed below): kept in the record too,
  // they made every message rewrite a list as long as the conversation.
  // One copy, then assignments: spread literals of the record made this step 3.2 µs a message, now 1.3.
  let next: Conversation = withKeys(conversation, { contactIds: union(conversation.contactIds, contactIds) });
  if (m.sentAt >= conversation.lastMessageAt) {
    if (conversation.lastChannel !== undefined && conversation.lastChannel !== m.channel) {
      const kept = conversation.switches;
      next.switches = (kept.length >= RECENT_SWITCHES ? kept.slice(1 - RECENT_SWITCHES) : kept).concat({
        from: conversation.lastChannel,
        to: m.channel,
        at: m.sentAt,
        messageId: m.id,
      });
      next.switchCount = switchCountOf(conversation) + 1;
    }
    next.channels = union(conversation.channels, [m.channel]);
    next.lastChannel = m.channel;
    next.lastMessageAt = m.sentAt;
    next.channelActivity = withKeys(conversation.channelActivity, {
      [m.channel]: touchActivity(conversation.channelActivity[m.channel], m),
    });
    if (m.visibility === 'public') next.publicChannels = union(conversation.publicChannels, [m.channel]);
  } else {
    next = withEarlierMessage(next, m) ?? summarizeMessages(next, await allMessages(tx, conversation.id));
  }
  if (!next.subject && m.subject) next.subject = m.subject;
  if (m.direction === 'inbound' && next.status === 'pending') next.status = 'open';
  if (reopen && next.status === 'closed') {
    next.status = 'open';
    delete next.closedAt;
  }
  await tx.updateConversation(next);
  await tx.claimThreadKeys(next.id, threadKeysOf(m));
  return next;
}

/**
 * Merges two conversations inside a transaction: the older survives, messages and thread keys move,
 * the other is kept as a tombstone. Idempotent and order-independent.
 */
export async function mergeConversationsInTx(
  tx: StoreTransaction,
  aId: string,
  bId: string,
  emits: PendingEmit[],
): Promise<Conversation> {
  const a = await liveConversation(tx, aId);
  const b = await liveConversation(tx, bId);
  if (!a || !b) throw new Error(`cannot merge missing conversation ${!a ? aId : bId}`);
  if (a.id === b.id) return a;
  const [survivor, merged] = olderOf(a, b);
  await tx.moveMessages(merged.id, survivor.id);
  const statusOrder = ['open', 'pending', 'closed'] as const;
  const status =
    statusOrder[Math.min(statusOrder.indexOf(survivor.status), statusOrder.indexOf(merged.status))]!;
  let result: Conversation = {
    ...survivor,
    status,
    contactIds: union(survivor.contactIds, merged.contactIds),
    threadKeys: union(survivor.threadKeys, merged.threadKeys),
    createdAt: minIso(survivor.createdAt, merged.createdAt),
  };
  if (status !== 'closed') delete result.closedAt;
  if (!result.subject && merged.subject) result.subject = merged.subject;
  result = summarizeMessages(result, await allMessages(tx, survivor.id));
  const tombstone: Conversation = { ...merged, mergedInto: survivor.id, threadKeys: [] };
  await tx.updateConversation(result);
  await tx.updateConversation(tombstone);
  await tx.moveThreadKeys(merged.id, survivor.id);
  emits.push(['conversation.merged', { survivor: result, merged: tombstone }]);
  return result;
}
