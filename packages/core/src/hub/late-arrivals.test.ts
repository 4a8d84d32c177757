import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InboundEvent } from '../model/events.js';
import { memoryStore } from '../store/memory.js';
import { summarizeMessages } from './conversations.js';
import { createHub } from './hub.js';
import { at, countingStore, msg, phone } from './test-helpers.js';

// A message older than its conversation's latest updates the summary in place when it lands where its
// channel was already in use, and re-derives it from every message otherwise. Either way the summary
// must be what `summarizeMessages` derives from all the messages, whatever the arrival order.
const runs = Number(process.env.OMNITHREAD_PROPERTY_RUNS ?? 60);
const customer = phone('+14155550100');

const message = (n: number, channel: string, minutes: number, extra = {}) =>
  msg(channel, customer, minutes / 60, `message ${n}`, {
    external: { id: `${channel}-late-${n}` },
    ...extra,
  });

describe('messages arriving after later ones', () => {
  it('on the channel in use at their time, update the summary without reading every message', async () => {
    const { store, reads } = countingStore();
    const hub = createHub({ store });
    const endpoint = { endpoint: '+18005550199' };
    for (let n = 0; n < 50; n += 2) {
      // Each pair arrives swapped: n + 1 first, then n; some in the same minute as the one before.
      await hub.ingest(message(n + 1, 'sms', n + 1, n % 4 === 0 ? endpoint : {}));
      await hub.ingest(message(n, 'sms', n % 6 === 0 ? n + 1 : n, endpoint));
    }
    expect(reads()).toBe(0);
    const conversations = (await hub.conversations.list()).items;
    expect(conversations).toHaveLength(1);
    expect(conversations[0]!.createdAt).toBe(at(1 / 60));
    expect(conversations[0]!.lastMessageAt).toBe(at(49 / 60));
    expect(conversations[0]!.channelActivity.sms).toEqual({
      lastMessageAt: at(49 / 60),
      lastInboundAt: at(49 / 60),
      endpoint: '+18005550199',
    });
    expect((await hub.conversations.messages(conversations[0]!.id, { limit: 100 })).items).toHaveLength(50);

    // Before the start on the first message's channel: it becomes the first, nothing else moves.
    await hub.ingest(message(98, 'sms', 0.5));
    expect(reads()).toBe(0);
    // Before the start on another channel: the channel order changes, so the history is derived again.
    await hub.ingest(message(99, 'voice', 0));
    expect(reads()).toBe(1);
    const [after] = (await hub.conversations.list()).items;
    expect(after!.channels).toEqual(['voice', 'sms']);
    expect(after!.createdAt).toBe(at(0));
    expect(after!.switches).toEqual([
      { from: 'voice', to: 'sms', at: at(0.5 / 60), messageId: expect.any(String) },
    ]);
  });

  it('sharing one timestamp (an import without times, a burst in one second) read nothing either', async () => {
    const { store, reads } = countingStore();
    const hub = createHub({ store });
    for (let n = 0; n < 40; n++) await hub.ingest(message(n, 'sms', 5));
    expect(reads()).toBe(0);
    const conversations = (await hub.conversations.list()).items;
    expect(conversations).toHaveLength(1);
    expect(conversations[0]!).toMatchObject({
      createdAt: at(5 / 60),
      lastMessageAt: at(5 / 60),
      switches: [],
    });
  });

  it('end with the summary derived from all messages, in any arrival order', async () => {
    const arrival = fc
      .array(
        fc.record({
          channel: fc.constantFrom('sms', 'voice'),
          endpoint: fc.constantFrom(undefined, undefined, '+18005550199', '+18005550100'),
          outbound: fc.boolean(),
          publicPost: fc.boolean(),
        }),
        { minLength: 2, maxLength: 14 },
      )
      .chain((messages) =>
        fc.record({
          messages: fc.constant(messages),
          // Distinct minutes within one session. (Two messages of the same instant are ordered by
          // arrival when the later arrives last, by id when a summary is derived: no single oracle.)
          minutes: fc.uniqueArray(fc.integer({ min: 0, max: 40 }), {
            minLength: messages.length,
            maxLength: messages.length,
          }),
          order: fc.shuffledSubarray(
            messages.map((_, i) => i),
            { minLength: messages.length },
          ),
        }),
      );
    await fc.assert(
      fc.asyncProperty(arrival, async ({ messages, minutes, order }) => {
        const hub = createHub({ store: memoryStore() });
        const events: InboundEvent[] = messages.map((m, i) =>
          message(i, m.channel, minutes[i]!, {
            ...(m.endpoint ? { endpoint: m.endpoint } : {}),
            ...(m.outbound ? { direction: 'outbound', from: phone('+18005550199'), to: [customer] } : {}),
            ...(m.publicPost ? { visibility: 'public' } : {}),
          }),
        );
        for (const i of order) await hub.ingest(events[i]!);
        for (const conversation of (await hub.conversations.list({ limit: 100 })).items) {
          const all = (await hub.conversations.messages(conversation.id, { limit: 100 })).items;
          const derived = summarizeMessages(conversation, all);
          for (const field of [
            'channels',
            'switches',
            'channelActivity',
            'lastChannel',
            'lastMessageAt',
            'createdAt',
            'publicChannels',
          ] as const)
            expect(conversation[field], field).toEqual(derived[field]);
        }
      }),
      { seed: 20261123, numRuns: runs },
    );
  });
});
