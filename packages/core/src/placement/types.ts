import type { Contact } from '../model/contact.js';
import type { Conversation } from '../model/conversation.js';
import type { NormalizedInboundMessage } from '../model/events.js';
import type { StoreReader } from '../store/contract.js';

/** How a channel behaves for placement. */
export interface ChannelPolicy {
  /** Threaded channels carry thread evidence; without it a message starts a new conversation. */
  threaded: boolean;
  /** How long a same-channel session stays joinable after its last message. */
  sessionWindowMs: number;
}

/** How the sender was matched to a contact, in words, for the reasons. */
export interface ContactResolution {
  /**
   * The contact was created for this message, so it is in no conversation yet: rules that look for
   * the contact's conversations can skip the store.
   */
  created: boolean;
  /** "known by phone +15551234567", "new contact for email jane@x.org" */
  detail: string;
}

export interface PlacementContext {
  message: NormalizedInboundMessage;
  contact: Contact;
  resolution: ContactResolution;
  store: StoreReader;
  policy: (channel: string, message?: NormalizedInboundMessage) => ChannelPolicy;
}

export type PlacementDecision =
  | {
      kind: 'existing';
      conversation: Conversation;
      reason: string;
      /** Further conversations the evidence ties to this one; they are merged into it. */
      mergeFrom?: Conversation[];
    }
  | { kind: 'new'; reason: string };

/**
 * A placement rule: the first rule (in order) that returns a decision places the message, and its
 * `name` and the decision's `reason` are stored on the message.
 */
export interface PlacementRule {
  readonly name: string;
  place(context: PlacementContext): Promise<PlacementDecision | undefined>;
}
