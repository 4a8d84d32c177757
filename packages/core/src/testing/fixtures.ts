import type { Contact } from '../model/contact.js';
import type { Conversation } from '../model/conversation.js';
import type { InboundMessage } from '../model/events.js';
import type { Message } from '../model/message.js';

/** Builders of valid model records for tests: pass only what a test cares about. */

let counter = 0;
const nextId = (prefix: string) => `${prefix}_test_${++counter}`;

export function makeContact(overrides: Partial<Contact> = {}): Contact {
  return {
    id: nextId('ct'),
    identities: [],
    claims: [],
    consent: {},
    attributes: {},
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

export function makeConversation(overrides: Partial<Conversation> = {}): Conversation {
  return {
    id: nextId('cv'),
    contactIds: [],
    status: 'open',
    channels: ['sms'],
    threadKeys: [],
    switches: [],
    lastChannel: 'sms',
    channelActivity: {},
    publicChannels: [],
    createdAt: '2026-01-01T00:00:00.000Z',
    lastMessageAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

export function makeMessage(
  overrides: Partial<Message> & Pick<Message, 'conversationId' | 'contactId'>,
): Message {
  const id = overrides.id ?? nextId('msg');
  return {
    id,
    channel: 'sms',
    direction: 'inbound',
    from: { kind: 'phone', value: '+14155550100' },
    to: [],
    sentAt: '2026-01-01T00:00:00.000Z',
    receivedAt: '2026-01-01T00:00:00.000Z',
    text: 'hello',
    attachments: [],
    thread: { keys: [], refs: [] },
    external: { id: `ext-${id}` },
    status: 'received',
    statusHistory: [],
    placement: { rule: 'new-conversation', reason: 'test' },
    visibility: 'private',
    reactions: [],
    edits: [],
    warnings: [],
    metadata: {},
    raw: null,
    ...overrides,
  };
}

/** An inbound message event with sensible defaults. */
export function inboundMessage(
  overrides: Partial<InboundMessage> & Pick<InboundMessage, 'channel' | 'from' | 'sentAt'>,
): {
  type: 'message';
  message: InboundMessage;
} {
  return {
    type: 'message',
    message: {
      text: 'hello',
      external: { id: `ext_${++counter}` },
      raw: { test: true },
      ...overrides,
    },
  };
}
