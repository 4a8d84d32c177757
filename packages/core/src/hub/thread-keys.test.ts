import { describe, expect, it } from 'vitest';
import { memoryStore } from '../store/memory.js';
import { createHub } from './hub.js';
import { email, fakeAdapter, msg, wa } from './test-helpers.js';

// A conversation's record keeps only the thread keys that opened it; every later message's keys live
// in the store's index. These tests pin that the index alone still threads replies, merges and sends.
const customer = wa('14155550100');
const waKey = (n: number) => `whatsapp:wamid.${n}`;
const waMessage = (n: number, hours: number, refs: string[] = []) =>
  msg('whatsapp', customer, hours, `message ${n}`, {
    external: { id: `wamid.${n}` },
    thread: { keys: [waKey(n)], refs },
  });

describe('thread keys of a long conversation', () => {
  it('do not grow the record, and a reply to any earlier message still finds its conversation', async () => {
    const hub = createHub({ store: memoryStore() });
    for (let n = 0; n < 200; n++) await hub.ingest(waMessage(n, n / 100));
    const [conversation, ...others] = (await hub.conversations.list()).items;
    expect(others).toEqual([]);
    expect(conversation!.threadKeys).toEqual([waKey(0)]);

    // Three days later, past the session window: only the quoted message can place it.
    const reply = await hub.ingest(waMessage(200, 72, [waKey(137)]));
    expect(reply.type === 'message' && reply.conversation.id).toBe(conversation!.id);
    expect(reply.type === 'message' && reply.message.placement).toEqual({
      rule: 'explicit-thread',
      reason: expect.stringContaining('wamid.137'),
    });
    expect((await hub.conversations.get(conversation!.id)).threadKeys).toEqual([waKey(0)]);
  });

  it('names the reference that matched, not the first one, in the placement reason', async () => {
    const hub = createHub({ store: memoryStore() });
    await hub.ingest(waMessage(1, 0));
    await hub.ingest(waMessage(2, 0.1));
    const reply = await hub.ingest(waMessage(3, 72, ['whatsapp:wamid.unknown', waKey(2)]));
    expect(reply.type === 'message' && reply.message.placement.reason).toContain('wamid.2');
    expect(reply.type === 'message' && reply.message.placement.reason).not.toContain('unknown');
  });

  it('move with a merge: replies to messages of the merged conversation land in the survivor', async () => {
    const hub = createHub({ store: memoryStore() });
    const a = email('ada@example.org');
    const mail = (id: string, hours: number, refs: string[] = []) =>
      msg('email', a, hours, id, { external: { id }, thread: { keys: [`email:${id}`], refs } });
    await hub.ingest(mail('a1', 0));
    await hub.ingest(mail('a2', 1, ['email:a1']));
    await hub.ingest(mail('b1', 2));
    await hub.ingest(mail('b2', 3, ['email:b1']));
    await hub.ingest(mail('b3', 3.5, ['email:b2']));
    expect((await hub.conversations.list()).items).toHaveLength(2);

    // One message answering both threads ties them together.
    const both = await hub.ingest(mail('c1', 4, ['email:a2', 'email:b2']));
    const survivor = both.type === 'message' ? both.conversation : undefined;
    expect((await hub.conversations.list()).items.map((c) => c.id)).toEqual([survivor!.id]);
    expect(survivor!.threadKeys.sort()).toEqual(['email:a1', 'email:b1']);

    // The merged conversation's later keys (b3: not named by c1) are only in the index: they move too.
    expect(
      await hub.store.findConversationIdsByThreadKeys(['email:a2', 'email:b2', 'email:b3', 'email:c1']),
    ).toEqual([survivor!.id]);
    for (const [id, ref] of [
      ['d1', 'email:b3'],
      ['d2', 'email:a2'],
    ] as const) {
      const late = await hub.ingest(mail(id, 100, [ref]));
      expect(late.type === 'message' && late.conversation.id).toBe(survivor!.id);
    }
  });

  it("index the keys of the app's own replies, so answers to them thread", async () => {
    const adapter = fakeAdapter('email');
    const hub = createHub({ store: memoryStore(), adapters: [adapter] });
    const first = await hub.ingest(
      msg('email', email('bo@example.org'), 0, 'help', {
        external: { id: 'q1' },
        thread: { keys: ['email:q1'], refs: [] },
      }),
    );
    const conversationId = first.type === 'message' ? first.conversation.id : '';
    const sent = await hub.reply(conversationId, { text: 'On it' });
    const ourKey = `email:${sent.id}@app`;
    expect((await hub.conversations.get(conversationId)).threadKeys).toEqual(['email:q1']);

    const answer = await hub.ingest(
      msg('email', email('bo@example.org'), 200, 'thanks', {
        external: { id: 'q2' },
        thread: { keys: ['email:q2'], refs: [ourKey] },
      }),
    );
    expect(answer.type === 'message' && answer.conversation.id).toBe(conversationId);
    expect(answer.type === 'message' && answer.message.placement.rule).toBe('explicit-thread');
  });
});
