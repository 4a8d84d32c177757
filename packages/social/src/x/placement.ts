import { describeDuration, type PlacementRule } from '@omnithread/core';

export interface PublicAfterPrivateOptions {
  /** How recently the private conversation must have been active. Default 72 h (core's continuation window). */
  windowMs?: number;
}

/**
 * A placement rule for the one switch the core's defaults do not see: a customer with an open DM
 * conversation who then complains publicly on the same channel (an X DM, then a mention). The core
 * treats a public message with no thread evidence as a new thread, and its cross-channel rule only
 * fires when the channel name changes; this rule continues the contact's open, recently active
 * conversation that has private messages on the channel but no public one yet, so the agent sees
 * the public complaint next to the DM it follows. Insert it before `crossChannelContinuation`:
 *
 * ```ts
 * createHub({ store, adapters, rules: [explicitThread(), sameChannelSession(), publicAfterPrivate(), crossChannelContinuation(), newConversation()] });
 * ```
 */
export function publicAfterPrivate(options: PublicAfterPrivateOptions = {}): PlacementRule {
  const windowMs = options.windowMs ?? 72 * 3_600_000;
  return {
    name: 'public-after-private',
    async place(context) {
      const { message } = context;
      if (message.visibility !== 'public' || message.direction !== 'inbound') return undefined;
      const sentAt = Date.parse(message.sentAt);
      const candidates = (
        await context.store.listConversationsOfContacts([context.contact.id], {
          statuses: ['open', 'pending'],
        })
      )
        .filter((c) => {
          const activity = c.channelActivity[message.channel];
          return (
            activity !== undefined &&
            !c.publicChannels.includes(message.channel) &&
            Math.abs(sentAt - Date.parse(activity.lastMessageAt)) <= windowMs
          );
        })
        .sort((a, b) => (a.lastMessageAt > b.lastMessageAt ? -1 : a.lastMessageAt < b.lastMessageAt ? 1 : 0));
      const target = candidates[0];
      if (!target) return undefined;
      const last = target.channelActivity[message.channel]!.lastMessageAt;
      const ago = describeDuration(sentAt - Date.parse(last));
      return {
        kind: 'existing',
        conversation: target,
        reason: `customer went public on ${message.channel} after a private conversation: ${context.resolution.detail}, last private ${message.channel} message ${ago} before (window ${describeDuration(windowMs)})`,
      };
    },
  };
}
