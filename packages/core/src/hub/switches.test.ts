import { describe, expect, it } from 'vitest';
import { isNotFoundError, isValidationError } from '../errors.js';
import { type ChannelSwitch, type Conversation, RECENT_SWITCHES } from '../model/conversation.js';
import type { StoreTransaction } from '../store/contract.js';
import { memoryStore } from '../store/memory.js';
import { makeConversation } from '../testing/fixtures.js';
import { addMessageToConversation, summarizeMessages } from './conversations.js';
import { createHub, type Hub } from './hub.js';
import { countingStore, msg, phone, wa } from './test-helpers.js';

// A customer writing by SMS and WhatsApp in turn, a minute apart: every message is a channel switch.
const sms = phone('+14155550100');
const whatsapp = wa('14155550100');
const turn = (n: number) =>
  msg(n % 2 === 0 ? 'sms' : 'whatsapp', n % 2 === 0 ? sms : whatsapp, n / 60, `message ${n}`, {
    external: { id: `switch-${n}` },
  });

async function allSwitches(hub: Hub, id: string, limit: number): Promise<ChannelSwitch[]> {
  const out: ChannelSwitch[] = [];
  let cursor: string | undefined;
  do {
    const page = await hub.conversations.switches(id, cursor ? { limit, cursor } : { limit });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

async function onlyConversation(hub: Hub): Promise<Conversation> {
  const { items } = await hub.conversations.list();
  expect(items).toHaveLength(1);
  return items[0]!;
}

/** Every message of a conversation, for `summarizeMessages`. */
async function messagesOf(hub: Hub, id: string) {
  const out = [];
  let cursor: string | undefined;
  do {
    const page = await hub.conversations.messages(id, cursor ? { limit: 1000, cursor } : { limit: 1000 });
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

describe('channel switches of a long conversation', () => {
  it('the record keeps the latest 100 and the count; the pages list every one, oldest first', async () => {
    const hub = createHub({ store: memoryStore() });
    for (let n = 0; n < 250; n++) await hub.ingest(turn(n));
    const conversation = await onlyConversation(hub);
    expect(conversation.switchCount).toBe(249);
    expect(conversation.switches).toHaveLength(RECENT_SWITCHES);

    const every = await allSwitches(hub, conversation.id, 60);
    expect(every).toHaveLength(249);
    expect(every[0]).toMatchObject({ from: 'sms', to: 'whatsapp' });
    expect(every.map((s) => s.at)).toEqual([...every.map((s) => s.at)].sort());
    expect(every.slice(-RECENT_SWITCHES)).toEqual(conversation.switches);
    // A page size that divides the count exactly ends without an empty page.
    const byThree = await hub.conversations.switches(conversation.id, { limit: 83 });
    expect(byThree.items).toHaveLength(83);
    expect(await allSwitches(hub, conversation.id, 83)).toEqual(every);
    const last = await hub.conversations.switches(conversation.id, { limit: 249 });
    expect(last.items).toEqual(every);
    expect(last.nextCursor).toBeUndefined();
  });

  it('a store without listMessageChannels gives the same pages, read from whole messages', async () => {
    const lean = memoryStore();
    const { listMessageChannels: _, ...whole } = memoryStore();
    const withChannels = createHub({ store: lean });
    const withoutChannels = createHub({ store: whole });
    for (let n = 0; n < 130; n++) {
      // Runs of three on one channel, so not every message is a switch.
      const event =
        Math.floor(n / 3) % 2 === 0
          ? msg('sms', sms, n / 60, `m${n}`, { external: { id: `r-${n}` } })
          : msg('whatsapp', whatsapp, n / 60, `m${n}`, { external: { id: `r-${n}` } });
      await withChannels.ingest(event);
      await withoutChannels.ingest(event);
    }
    const a = await onlyConversation(withChannels);
    const b = await onlyConversation(withoutChannels);
    const pagesA = await allSwitches(withChannels, a.id, 7);
    expect(pagesA).toHaveLength(43);
    const strip = (list: ChannelSwitch[]) => list.map(({ from, to, at }) => ({ from, to, at }));
    expect(strip(await allSwitches(withoutChannels, b.id, 7))).toEqual(strip(pagesA));
  });

  it('refuses a cursor it did not make with a ValidationError, and an unknown conversation with NotFound', async () => {
    const hub = createHub({ store: memoryStore() });
    await hub.ingest(turn(0));
    const conversation = await onlyConversation(hub);
    for (const cursor of ['not-a-cursor', 'x'.repeat(100_000), Buffer.from('[1,2]').toString('base64url')])
      await expect(hub.conversations.switches(conversation.id, { cursor })).rejects.toSatisfy(
        isValidationError,
      );
    await expect(hub.conversations.switches(conversation.id, { limit: 0 })).rejects.toSatisfy(
      isValidationError,
    );
    await expect(hub.conversations.switches('cv_missing')).rejects.toSatisfy(isNotFoundError);
  });

  it('a conversation without switches has an empty first page', async () => {
    const hub = createHub({ store: memoryStore() });
    await hub.ingest(turn(0));
    const conversation = await onlyConversation(hub);
    expect(conversation.switchCount).toBe(0);
    expect(await hub.conversations.switches(conversation.id)).toEqual({ items: [] });
  });

  it('a late message older than the oldest kept switch re-derives the summary; a newer one does not', async () => {
    const { store, reads } = countingStore();
    const hub = createHub({ store });
    // Turns 100 (SMS), 201 and 299 (WhatsApp) never come: WhatsApp stays in use from 99 to 102, SMS
    // from 200 to 203 and from 298 to 301. The record's latest 100 switches begin at message 203.
    for (let n = 0; n < 305; n++) if (n !== 100 && n !== 201 && n !== 299) await hub.ingest(turn(n));
    const derived = async () => {
      const c = await onlyConversation(hub);
      return summarizeMessages(c, await messagesOf(hub, c.id));
    };
    expect(reads()).toBe(0);
    await hub.ingest(msg('sms', sms, 299 / 60, 'late, where sms was in use', { external: { id: 'late-a' } }));
    expect(reads()).toBe(0);
    await hub.ingest(
      msg('sms', sms, 201.5 / 60, 'late, before the kept switches', { external: { id: 'late-b' } }),
    );
    expect(reads()).toBeGreaterThan(0);
    expect(await onlyConversation(hub)).toEqual(await derived());
    // Between WhatsApp 99 and 101: two switches more, which only the whole history can tell (the
    // record's first channel, SMS, is not what was in use then).
    const before = (await onlyConversation(hub)).switchCount!;
    await hub.ingest(
      msg('sms', sms, 100 / 60, 'late, where WhatsApp was in use', { external: { id: 'late-c' } }),
    );
    const conversation = await onlyConversation(hub);
    expect(conversation).toEqual(await derived());
    expect(conversation.switchCount).toBe(before + 2);
    expect(conversation.switches).toHaveLength(RECENT_SWITCHES);
    expect(await allSwitches(hub, conversation.id, 1000)).toHaveLength(conversation.switchCount!);
  });

  it('a record written before switches were capped is trimmed at its next switch, its count kept right', async () => {
    const at = (n: number) => new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString();
    const old: Conversation = makeConversation({
      channels: ['sms', 'whatsapp'],
      lastChannel: 'sms',
      switches: Array.from({ length: 150 }, (_, n) => ({
        from: n % 2 === 0 ? 'sms' : 'whatsapp',
        to: n % 2 === 0 ? 'whatsapp' : 'sms',
        at: at(n + 1),
        messageId: `msg_${n + 1}`,
      })),
      lastMessageAt: at(150),
    });
    expect(old.switchCount).toBeUndefined();
    const tx = { updateConversation: async () => {}, claimThreadKeys: async () => {} };
    const next = await addMessageToConversation(
      tx as unknown as StoreTransaction,
      old,
      {
        id: 'msg_151',
        channel: 'whatsapp',
        direction: 'inbound',
        sentAt: at(151),
        visibility: 'private',
        thread: { keys: [], refs: [] },
      },
      [],
      false,
    );
    expect(next.switchCount).toBe(151);
    expect(next.switches).toHaveLength(RECENT_SWITCHES);
    expect(next.switches.at(-1)).toMatchObject({ from: 'sms', to: 'whatsapp', messageId: 'msg_151' });
    expect(next.switches[0]!.messageId).toBe('msg_52');
  });
});
