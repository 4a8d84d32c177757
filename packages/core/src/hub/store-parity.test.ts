import { describe, expect, it } from 'vitest';
import { isValidationError } from '../errors.js';
import { memoryStore } from '../store/memory.js';
import { createHub } from './hub.js';
import { at, msg, phone } from './test-helpers.js';

// Values every store must treat alike: what PostgreSQL cannot hold (U+0000, half surrogate pairs,
// values JSON has no form for) is made storable or refused by the hub, before any store sees it.

const hubAt = () => createHub({ store: memoryStore(), clock: () => new Date(at(10)) });
const custom = (value: string) => ({ kind: 'custom', value });

describe('keys are compared as every store keeps them', () => {
  it('an identity holding U+0000 is one contact, found by the identity as given', async () => {
    const hub = hubAt();
    await hub.ingest({
      type: 'consent',
      channel: 'sms',
      identity: custom('v\u0000a'),
      optedOut: true,
      at: at(0),
    });
    await hub.ingest(msg('chat', custom('v\u0000a'), 1));
    await hub.ingest(msg('chat', custom('v\u0000a'), 2));
    const contacts = (await hub.contacts.list()).items;
    expect(contacts).toHaveLength(1);
    expect(contacts[0]!.identities.map((i) => i.value)).toEqual(['v\uFFFDa']);
    expect((await hub.contacts.findByIdentity(custom('v\u0000a')))?.id).toBe(contacts[0]!.id);
  });

  it('thread keys and channels with half a surrogate pair are the keys a store would keep', async () => {
    const hub = hubAt();
    const from = phone('+14155550100');
    const first = await hub.ingest(
      msg('mail\uD800', from, 0, 'first', { thread: { keys: ['t\uD800'], refs: [] } }),
    );
    const reply = await hub.ingest(
      msg('mail\uD800', from, 1, 'reply', { thread: { keys: ['r1'], refs: ['t\uDC00'] } }),
    );
    expect(first.type === 'message' && first.message.channel).toBe('mail\uFFFD');
    expect(reply.type === 'message' && reply.message.placement.rule).toBe('explicit-thread');
    const [conversation] = (await hub.conversations.list()).items;
    expect(conversation!.channels).toEqual(['mail\uFFFD']);
    expect(conversation!.switchCount).toBe(0);
  });

  it('a status for an external id holding U+0000 reaches its message', async () => {
    const hub = hubAt();
    await hub.ingest(msg('sms', phone('+14155550100'), 0, 'hi', { external: { id: 'SM\u0000' } }));
    const status = await hub.ingest({
      type: 'status',
      status: { channel: 'sms', externalId: 'SM\u0000', status: 'delivered', at: at(1) },
    });
    expect(status).toMatchObject({
      applied: true,
      message: { status: 'delivered', external: { id: 'SM\uFFFD' } },
    });
  });
});

describe('values no store can keep as JSON are refused alike', () => {
  it('a raw payload holding a bigint is a ValidationError naming where', async () => {
    const hub = hubAt();
    const error = await hub
      .ingest(msg('sms', phone('+14155550100'), 0, 'hi', { raw: { n: [1, 2n] } }))
      .catch((e: unknown) => e);
    expect(isValidationError(error)).toBe(true);
    expect(error).toMatchObject({ path: 'message.raw' });
    expect((error as Error).message).toContain('a bigint cannot be stored as JSON at .n[1]');
  });

  it('a refused payload that JSON cannot hold is still kept, as the closest copy', async () => {
    const hub = hubAt();
    await hub.rejected.record('sms', { sid: 7n, fn: () => 1 }, new Error('bad'));
    const [kept] = (await hub.rejected.list()).items;
    expect(kept!.raw).toEqual({ sid: '7n', fn: '() => 1' });
  });

  it('contacts.update refuses attributes JSON cannot hold or too deep, naming the patch', async () => {
    const hub = hubAt();
    const r = await hub.ingest(msg('sms', phone('+14155550100'), 0));
    const id = r.type === 'message' ? r.contact.id : '';
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 10_000; i++) deep = { d: deep };
    for (const attributes of [{ n: 1n }, deep, { f: () => 1 }] as Record<string, never>[]) {
      const error = await hub.contacts.update(id, { attributes }).catch((e: unknown) => e);
      expect(isValidationError(error)).toBe(true);
      expect(error).toMatchObject({ path: 'patch.attributes' });
    }
    const error = await hub.contacts.update(id, { name: 5 as never }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'VALIDATION', path: 'patch.name' });
    expect((await hub.contacts.update(id, { attributes: { plan: 'pro' } })).attributes).toEqual({
      plan: 'pro',
    });
  });

  it('conversations.setStatus refuses a status the model does not have', async () => {
    const hub = hubAt();
    const r = await hub.ingest(msg('sms', phone('+14155550100'), 0));
    const id = r.type === 'message' ? r.conversation.id : '';
    const error = await hub.conversations.setStatus(id, 'x\u0000' as never).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'VALIDATION', path: 'status' });
    expect((await hub.conversations.get(id)).status).toBe('open');
  });
});
