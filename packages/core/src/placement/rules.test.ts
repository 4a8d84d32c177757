import { describe, expect, it } from 'vitest';
import { createHub } from '../hub/hub.js';
import { at, email, HOUR, msg, phone, wa } from '../hub/test-helpers.js';
import type { InboundEvent } from '../model/events.js';
import { memoryStore } from '../store/memory.js';
import {
  crossChannelContinuation,
  defaultRules,
  explicitThread,
  newConversation,
  sameChannelSession,
} from './rules.js';

type Step = InboundEvent | { close: number } | { closeLast: true };

interface Row {
  name: string;
  before: Step[];
  message: InboundEvent;
  rule: string;
  /** Index of the earlier message (in `before`) whose conversation the message must join; omitted for a new one. */
  joins?: number;
  reason?: RegExp;
}

const ann = phone('+14155550100');
const annWa = wa('14155550100');
const annMail = email('ann@example.org');
const ref = (key: string) => ({ thread: { keys: [], refs: [key] } });
const own = (key: string) => ({ thread: { keys: [key], refs: [] } });

const rows: Row[] = [
  // explicit-thread
  {
    name: 'an email reply joins its parent by In-Reply-To',
    before: [msg('email', annMail, 0, 'q', own('email:a@x'))],
    message: msg('email', annMail, 30, 'r', ref('email:a@x')),
    rule: 'explicit-thread',
    joins: 0,
    reason: /answers email Message-ID <a@x>/,
  },
  {
    name: 'explicit evidence beats the session and continuation windows',
    before: [msg('email', annMail, 0, 'q', own('email:a@x'))],
    message: msg('email', email('other@example.org'), 500, 'r', ref('email:a@x')),
    rule: 'explicit-thread',
    joins: 0,
  },
  {
    name: 'explicit evidence into a closed conversation reopens it',
    before: [msg('email', annMail, 0, 'q', own('email:a@x')), { close: 0 }],
    message: msg('email', annMail, 5, 'r', ref('email:a@x')),
    rule: 'explicit-thread',
    joins: 0,
    reason: /closed and is reopened/,
  },
  {
    name: 'a WhatsApp reply with context.id joins the replied-to message',
    before: [msg('whatsapp', annWa, 0, 'a', own('whatsapp:wamid.1')), msg('whatsapp', annWa, 30, 'b')],
    message: msg('whatsapp', annWa, 31, 'c', ref('whatsapp:wamid.1')),
    rule: 'explicit-thread',
    joins: 0,
  },
  // same-channel-session
  {
    name: 'an SMS within 24 h of the last SMS joins the session',
    before: [msg('sms', ann, 0)],
    message: msg('sms', ann, 23),
    rule: 'same-channel-session',
    joins: 0,
    reason: /same sms session: known by phone \+14155550100, last sms message 23 h ago \(window 24 h\)/,
  },
  {
    name: 'an SMS past the 24 h window starts a new conversation',
    before: [msg('sms', ann, 0)],
    message: msg('sms', ann, 25),
    rule: 'new-conversation',
    reason: /no open sms session within 24 h/,
  },
  {
    name: 'an SMS to another business number is another session',
    before: [msg('sms', ann, 0, 'hi', { endpoint: '+18005550001' })],
    message: msg('sms', ann, 1, 'hi', { endpoint: '+18005550002' }),
    rule: 'new-conversation',
  },
  {
    name: 'a closed conversation is never continued by a session message',
    before: [msg('sms', ann, 0), { close: 0 }],
    message: msg('sms', ann, 1),
    rule: 'new-conversation',
  },
  {
    name: 'a fresh email with no evidence does not join the previous email conversation',
    before: [msg('email', annMail, 0, 'a', own('email:a@x'))],
    message: msg('email', annMail, 1, 'b', own('email:b@x')),
    rule: 'new-conversation',
    reason: /a new email thread/,
  },
  // cross-channel-continuation
  {
    name: 'an SMS after an email continues the email conversation (linked contact)',
    before: [
      msg('email', annMail, 0, 'a', { ...own('email:a@x'), links: [{ identity: ann, trust: 'verified' }] }),
    ],
    message: msg('sms', ann, 1),
    rule: 'cross-channel-continuation',
    joins: 0,
    reason: /customer switched from email to sms/,
  },
  {
    name: 'a channel switch continues only a conversation that is not closed',
    before: [
      msg('email', annMail, 0, 'a', { ...own('email:a@x'), links: [{ identity: ann, trust: 'verified' }] }),
      { closeLast: true },
    ],
    message: msg('sms', ann, 1),
    rule: 'new-conversation',
  },
  {
    name: 'a WhatsApp message after an SMS (same number) continues it',
    before: [msg('sms', ann, 0)],
    message: msg('whatsapp', annWa, 10),
    rule: 'cross-channel-continuation',
    joins: 0,
    reason:
      /customer switched from sms to whatsapp: same number as their phone \+14155550100, conversation active 10 h ago/,
  },
  {
    name: 'a fresh email after an SMS continues the SMS conversation (linked contact)',
    before: [msg('sms', ann, 0, 'hi', { links: [{ identity: annMail, trust: 'verified' }] })],
    message: msg('email', annMail, 3, 'b', own('email:b@x')),
    rule: 'cross-channel-continuation',
    joins: 0,
  },
  {
    name: 'a channel switch past the 72 h continuation window starts a new conversation',
    before: [msg('sms', ann, 0)],
    message: msg('whatsapp', annWa, 73),
    rule: 'new-conversation',
  },
  {
    name: 'a channel switch into a closed conversation starts a new one',
    before: [msg('sms', ann, 0), { close: 0 }],
    message: msg('whatsapp', annWa, 1),
    rule: 'new-conversation',
  },
  // unverified senders
  {
    name: 'an unverified sender (spoofed From) never joins an existing conversation, even with thread evidence',
    before: [msg('email', annMail, 0, 'q', own('email:a@x'))],
    message: msg('email', annMail, 1, 'r', { ...ref('email:a@x'), trust: 'unverified' }),
    rule: 'new-conversation',
    reason: /could not be verified/,
  },
  {
    name: 'an unverified sender on a session channel starts a new conversation too',
    before: [msg('sms', ann, 0)],
    message: msg('sms', ann, 1, 'hi', { trust: 'unverified' }),
    rule: 'new-conversation',
    reason: /could not be verified/,
  },
  // new-conversation
  {
    name: 'a brand-new customer starts a new conversation',
    before: [],
    message: msg('sms', ann, 0),
    rule: 'new-conversation',
    reason: /new contact for phone \+14155550100/,
  },
];

async function run(row: Row, rules = defaultRules()) {
  const hub = createHub({ store: memoryStore(), clock: () => new Date(at(1000)), rules });
  const conversations: string[] = [];
  for (const step of row.before) {
    if ('close' in step) await hub.conversations.close(conversations[step.close]!);
    else if ('closeLast' in step) await hub.conversations.close(conversations.at(-1)!);
    else {
      const r = await hub.ingest(step);
      conversations.push(r.type === 'message' ? r.conversation.id : '');
    }
  }
  const result = await hub.ingest(row.message);
  if (result.type !== 'message') throw new Error('expected a message');
  return { result, conversations, hub };
}

describe('placement rules, table-driven', () => {
  for (const row of rows) {
    it(row.name, async () => {
      const { result, conversations } = await run(row);
      expect(result.message.placement.rule).toBe(row.rule);
      if (row.joins !== undefined) expect(result.conversation.id).toBe(conversations[row.joins]);
      else expect(conversations).not.toContain(result.conversation.id);
      if (row.reason) expect(result.message.placement.reason).toMatch(row.reason);
    });
  }
});

describe('rules are plain values the app configures and reorders', () => {
  it('a shorter SMS window closes the session sooner', async () => {
    const rules = [explicitThread(), sameChannelSession({ windows: { sms: 2 * HOUR } }), newConversation()];
    const { result } = await run(
      { name: '', before: [msg('sms', ann, 0)], message: msg('sms', ann, 3), rule: '' },
      rules,
    );
    expect(result.message.placement.rule).toBe('new-conversation');
  });
  it('a longer continuation window continues older conversations', async () => {
    const rules = defaultRules({ crossChannelContinuation: { windowMs: 7 * 24 * HOUR } });
    const { result } = await run(
      { name: '', before: [msg('sms', ann, 0)], message: msg('whatsapp', annWa, 100), rule: '' },
      rules,
    );
    expect(result.message.placement.rule).toBe('cross-channel-continuation');
  });
  it('closed conversations can stay closed against thread evidence', async () => {
    const rules = [
      explicitThread({ reopenClosed: false }),
      sameChannelSession(),
      crossChannelContinuation(),
      newConversation(),
    ];
    const row: Row = {
      name: '',
      before: [msg('email', annMail, 0, 'q', own('email:a@x')), { close: 0 }],
      message: msg('email', annMail, 1, 'r', ref('email:a@x')),
      rule: '',
    };
    const { result, conversations } = await run(row, rules);
    expect(result.message.placement.rule).toBe('new-conversation');
    expect(result.conversation.id).not.toBe(conversations[0]);
  });
  it('an app rule placed first wins and its reason is stored', async () => {
    const vip = {
      name: 'vip-desk',
      async place(context: Parameters<ReturnType<typeof newConversation>['place']>[0]) {
        return context.message.text.includes('VIP')
          ? { kind: 'new' as const, reason: 'VIP customers get their own conversation' }
          : undefined;
      },
    };
    const { result } = await run(
      { name: '', before: [msg('sms', ann, 0)], message: msg('sms', ann, 1, 'VIP here'), rule: '' },
      [vip, ...defaultRules()],
    );
    expect(result.message.placement).toEqual({
      rule: 'vip-desk',
      reason: 'VIP customers get their own conversation',
    });
  });
  it('dropping new-conversation still places the message, saying no rule matched', async () => {
    const { result } = await run({ name: '', before: [], message: msg('sms', ann, 0), rule: '' }, [
      sameChannelSession(),
    ]);
    expect(result.message.placement).toEqual({
      rule: 'new-conversation',
      reason: 'no placement rule matched',
    });
  });
});
