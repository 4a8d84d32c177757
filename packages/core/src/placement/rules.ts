import type { Conversation } from '../model/conversation.js';
import { describeAgo, describeDuration, describeThreadKey } from './describe.js';
import { msOf } from './time.js';
import type { PlacementContext, PlacementDecision, PlacementRule } from './types.js';

const HOUR = 3_600_000;

const olderFirst = (a: Conversation, b: Conversation) =>
  a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
const recentFirst = (a: Conversation, b: Conversation) =>
  a.lastMessageAt > b.lastMessageAt ? -1 : a.lastMessageAt < b.lastMessageAt ? 1 : a.id < b.id ? -1 : 1;

async function liveConversation(context: PlacementContext, id: string): Promise<Conversation | undefined> {
  let conversation = await context.store.getConversation(id);
  // Follow tombstones: merged conversations point at their survivor.
  for (let hops = 0; conversation?.mergedInto && hops < 64; hops++) {
    conversation = await context.store.getConversation(conversation.mergedInto);
  }
  return conversation;
}

/** The first of `keys` that leads to conversation `id`: the evidence the reason names. */
async function firstKeyOf(context: PlacementContext, keys: readonly string[], id: string): Promise<string> {
  for (const key of keys) {
    const [owner] = await context.store.findConversationIdsByThreadKeys([key]);
    if (owner !== undefined && (owner === id || (await liveConversation(context, owner))?.id === id))
      return key;
  }
  return keys[0]!;
}

export interface ExplicitThreadOptions {
  /** Thread evidence into a closed conversation reopens it (default). When false, closed ones are skipped. */
  reopenClosed?: boolean;
}

/**
 * Native thread evidence: email Message-ID / In-Reply-To / References, provider thread ids, reply
 * contexts, thread tokens. When the evidence ties several conversations together (a message that
 * answers two threads that began apart, or a parent arriving after its replies) they are merged into
 * the oldest, so the outcome does not depend on arrival order.
 */
export function explicitThread(options: ExplicitThreadOptions = {}): PlacementRule {
  const reopenClosed = options.reopenClosed ?? true;
  return {
    name: 'explicit-thread',
    async place(context) {
      if (context.message.trust === 'unverified') return undefined;
      const { thread } = context.message;
      const keys = [...new Set([...thread.keys, ...thread.refs])];
      if (keys.length === 0) return undefined;
      const ids = await context.store.findConversationIdsByThreadKeys(keys);
      const found = new Map<string, Conversation>();
      for (const id of ids) {
        const c = await liveConversation(context, id);
        if (c && (reopenClosed || c.status !== 'closed')) found.set(c.id, c);
      }
      if (found.size === 0) return undefined;
      const [target, ...rest] = [...found.values()].sort(olderFirst);
      const matched = keys.length === 1 ? keys[0]! : await firstKeyOf(context, keys, target!.id);
      const isOwnKey = thread.keys.includes(matched) && !thread.refs.includes(matched);
      let reason = isOwnKey
        ? `replies to it already here refer to ${describeThreadKey(matched)}`
        : `answers ${describeThreadKey(matched)}, already in this conversation`;
      if (target!.status === 'closed') reason += '; the conversation was closed and is reopened';
      if (rest.length > 0)
        reason += `; it also ties ${rest.length} other conversation(s) to this one, merged here`;
      return { kind: 'existing', conversation: target!, reason: `same thread: ${reason}`, mergeFrom: rest };
    },
  };
}

export interface SameChannelSessionOptions {
  /** Session window per channel in ms, overriding the channel policy (e.g. `{ sms: 12 * HOUR }`). */
  windows?: Record<string, number>;
}

/**
 * Session channels (SMS, WhatsApp, DMs, chat) have no thread evidence: a message joins the contact's
 * open conversation on the same channel and business endpoint while it is active within the
 * channel's window. Threaded channels are skipped: a fresh email is a new thread.
 */
export function sameChannelSession(options: SameChannelSessionOptions = {}): PlacementRule {
  return {
    name: 'same-channel-session',
    async place(context) {
      const { message } = context;
      const policy = context.policy(message.channel, message);
      if (policy.threaded || message.trust === 'unverified' || context.resolution.created) return undefined;
      const windowMs = options.windows?.[message.channel] ?? policy.sessionWindowMs;
      const sentAt = msOf(message.sentAt);
      const candidates = (
        await context.store.listConversationsOfContacts([context.contact.id], {
          statuses: ['open', 'pending'],
        })
      )
        .filter((c) => {
          const activity = c.channelActivity[message.channel];
          if (!activity) return false;
          if (message.endpoint && activity.endpoint && message.endpoint !== activity.endpoint) return false;
          return sentAt - msOf(activity.lastMessageAt) <= windowMs && msOf(c.createdAt) - sentAt <= windowMs;
        })
        .sort(recentFirst);
      const target = candidates[0];
      if (!target) return undefined;
      const last = target.channelActivity[message.channel]!.lastMessageAt;
      return {
        kind: 'existing',
        conversation: target,
        reason: `same ${message.channel} session: ${context.resolution.detail}, last ${message.channel} message ${describeAgo(last, message.sentAt)} (window ${describeDuration(windowMs)})`,
      };
    },
  };
}

/** A public post (an X mention) after private messages on the same channel is a switch too. */
function goesPublic(c: Conversation, message: PlacementContext['message']): boolean {
  return (
    message.visibility === 'public' &&
    c.lastChannel === message.channel &&
    !c.publicChannels.includes(message.channel)
  );
}

export interface CrossChannelContinuationOptions {
  /** How recently the conversation must have been active to be continued on a new channel. Default 72 h. */
  windowMs?: number;
}

/**
 * The omnichannel promise: a message on a channel the contact's open, recently active conversation
 * was not last using (an SMS after an email, a call after a WhatsApp chat) continues that
 * conversation, and the switch is recorded.
 */
export function crossChannelContinuation(options: CrossChannelContinuationOptions = {}): PlacementRule {
  const windowMs = options.windowMs ?? 72 * HOUR;
  return {
    name: 'cross-channel-continuation',
    async place(context) {
      const { message } = context;
      if (message.trust === 'unverified' || context.resolution.created) return undefined;
      const sentAt = msOf(message.sentAt);
      const candidates = (
        await context.store.listConversationsOfContacts([context.contact.id], {
          statuses: ['open', 'pending'],
        })
      )
        .filter(
          (c) =>
            c.lastChannel !== undefined &&
            (c.lastChannel !== message.channel || goesPublic(c, message)) &&
            Math.abs(sentAt - msOf(c.lastMessageAt)) <= windowMs,
        )
        .sort(recentFirst);
      const target = candidates[0];
      if (!target) return undefined;
      const from = goesPublic(target, message) ? `private ${message.channel} messages` : target.lastChannel;
      const to = message.visibility === 'public' ? `a public ${message.channel} post` : message.channel;
      return {
        kind: 'existing',
        conversation: target,
        reason: `customer switched from ${from} to ${to}: ${context.resolution.detail}, conversation active ${describeAgo(target.lastMessageAt, message.sentAt)} (continuation window ${describeDuration(windowMs)})`,
      };
    },
  };
}

/** The last resort: a new conversation, with why nothing else matched. */
export function newConversation(): PlacementRule {
  return {
    name: 'new-conversation',
    async place(context): Promise<PlacementDecision> {
      const { message } = context;
      const policy = context.policy(message.channel, message);
      const who = context.resolution.created
        ? context.resolution.detail
        : `${context.resolution.detail}, no open recent conversation to continue`;
      if (message.trust === 'unverified') {
        return {
          kind: 'new',
          reason: `the sender could not be verified (e.g. a From that failed DMARC), so it joins no existing conversation; ${context.resolution.detail}`,
        };
      }
      const why = policy.threaded
        ? `a new ${message.channel} thread (no reference to a known message)`
        : `no open ${message.channel} session within ${describeDuration(policy.sessionWindowMs)}`;
      return { kind: 'new', reason: `${why}; ${who}` };
    },
  };
}

export interface DefaultRulesOptions {
  explicitThread?: ExplicitThreadOptions;
  sameChannelSession?: SameChannelSessionOptions;
  crossChannelContinuation?: CrossChannelContinuationOptions;
}

/**
 * The default order: explicit thread evidence, then the same-channel session, then cross-channel
 * continuation, then a new conversation. Reorder, drop or add your own rules freely.
 *
 * @example
 * ```ts
 * const rules = defaultRules({ crossChannelContinuation: { windowMs: 7 * 24 * 3_600_000 } });
 * createHub({ store, rules: [vipRule, ...rules] });
 * ```
 */
export function defaultRules(options: DefaultRulesOptions = {}): PlacementRule[] {
  return [
    explicitThread(options.explicitThread),
    sameChannelSession(options.sameChannelSession),
    crossChannelContinuation(options.crossChannelContinuation),
    newConversation(),
  ];
}
