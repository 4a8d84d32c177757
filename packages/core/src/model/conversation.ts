import { z } from 'zod';
import { timestampSchema } from './common.js';

export const conversationStatusSchema = z.enum(['open', 'pending', 'closed']);
export type ConversationStatus = z.infer<typeof conversationStatusSchema>;

/** A channel switch inside one conversation: the customer went from one channel to another. */
export const channelSwitchSchema = z.object({
  from: z.string(),
  to: z.string(),
  at: timestampSchema,
  messageId: z.string(),
});
export type ChannelSwitch = z.infer<typeof channelSwitchSchema>;

/** How many of the latest channel switches a conversation's record keeps. */
export const RECENT_SWITCHES = 100;

/** The number of channel switches a conversation has had (records from earlier versions lack the count). */
export const switchCountOf = (conversation: Pick<Conversation, 'switches' | 'switchCount'>): number =>
  conversation.switchCount ?? conversation.switches.length;

/** Per channel: when the conversation last saw a message on it, and through which business endpoint. */
export const channelActivitySchema = z.object({
  lastMessageAt: timestampSchema,
  lastInboundAt: timestampSchema.optional(),
  endpoint: z.string().optional(),
});
export type ChannelActivity = z.infer<typeof channelActivitySchema>;

export const conversationSchema = z.object({
  id: z.string().min(1),
  contactIds: z.array(z.string()),
  status: conversationStatusSchema,
  subject: z.string().optional(),
  /** Channels in order of first use. */
  channels: z.array(z.string()),
  /**
   * The thread evidence that opened it (its first message's own ids and the ids it refers to), and
   * that of conversations merged into it. Every later message's keys go to the store's index only
   * (`findConversationIdsByThreadKeys`), so the record does not grow with each message.
   */
  threadKeys: z.array(z.string()),
  /**
   * The latest channel switches (at most `RECENT_SWITCHES`, 100), oldest first. A record that kept
   * them all would grow with every switch; `hub.conversations.switches(id)` pages through every one.
   */
  switches: z.array(channelSwitchSchema).default([]),
  /** How many channel switches the conversation has had. Records written by earlier versions lack it: count `switches`. */
  switchCount: z.number().int().nonnegative().optional(),
  /** Channel of the latest message (by sentAt). */
  lastChannel: z.string().optional(),
  channelActivity: z.record(z.string(), channelActivitySchema).default({}),
  /** Channels on which a message was public (an X mention), for the agent to take care. */
  publicChannels: z.array(z.string()).default([]),
  mergedInto: z.string().optional(),
  createdAt: timestampSchema,
  lastMessageAt: timestampSchema,
  closedAt: timestampSchema.optional(),
});
export type Conversation = z.infer<typeof conversationSchema>;
