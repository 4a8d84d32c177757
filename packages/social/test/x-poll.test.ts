import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InboundEvent } from '@omnithread/core';
import {
  createXAdapter,
  DM_CURSOR,
  fileCursorStore,
  MENTIONS_CURSOR,
  memoryCursorStore,
} from '@omnithread/social/x';
import nock from 'nock';
import { TwitterApi } from 'twitter-api-v2';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CONSUMER_SECRET, fixture } from './helpers.js';

const BRAND = '3001';
const NOW = 1_700_000_000_000;
const api = () => nock('https://api.x.com');

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});
afterAll(() => nock.enableNetConnect());

function adapter(options: Partial<Parameters<typeof createXAdapter>[0]> = {}) {
  return createXAdapter({
    client: new TwitterApi('test-bearer'),
    userId: BRAND,
    consumerSecret: CONSUMER_SECRET,
    pollMentions: false,
    now: () => NOW,
    ...options,
  });
}

function collector() {
  const events: InboundEvent[] = [];
  const ids = () => events.map((e) => (e.type === 'message' ? e.message.external.id : e.type));
  return { events, ids, emit: async (e: InboundEvent) => void events.push(e) };
}

const page = (ids: string[], next?: string) => ({
  data: ids.map((id) => ({
    id,
    event_type: 'MessageCreate',
    text: `dm ${id}`,
    sender_id: '2244994945',
    dm_conversation_id: '3001-2244994945',
    created_at: new Date(NOW + Number(id.slice(-3)) * 1000).toISOString(),
  })),
  includes: { users: [{ id: '2244994945', name: 'Dana Customer', username: 'dana_c' }] },
  meta: { result_count: ids.length, ...(next ? { next_token: next } : {}) },
});

describe('DM polling (GET /2/dm_events) through twitter-api-v2, intercepted by nock', () => {
  it('asks for the fields it needs, follows pagination_token and emits oldest first', async () => {
    api()
      .get('/2/dm_events')
      .query((q) => {
        expect(q).toMatchObject({
          expansions: 'sender_id,participant_ids,attachments.media_keys',
          'user.fields': 'username,name',
        });
        expect(String(q['dm_event.fields'])).toContain('dm_conversation_id');
        return q.pagination_token === undefined;
      })
      .reply(200, fixture('x/dm-events-page-1.json'))
      .get('/2/dm_events')
      .query((q) => q.pagination_token === '18LAA581J5II7LA00C00ZZZZ')
      .reply(200, fixture('x/dm-events-page-2.json'));
    const cursors = memoryCursorStore();
    const c = collector();
    expect(await adapter({ cursorStore: cursors }).poll(c.emit)).toBe(4);
    expect(c.ids()).toEqual(['notice', '1710000000000000203', '1710000000000000204', '1710000000000000205']);
    expect(await cursors.get(DM_CURSOR)).toBe('1710000000000000205');
    const first = c.events[1];
    expect(first?.type === 'message' && first.message.fromName).toBe('Dana Customer');
  });

  it('survives a restart with a file cursor: no miss, no double', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omnithread-x-'));
    const file = join(dir, 'cursor.json');
    try {
      api()
        .get('/2/dm_events')
        .query(true)
        .reply(200, page(['1710000000000000302', '1710000000000000301']));
      const before = collector();
      await adapter({ cursorStore: fileCursorStore(file) }).poll(before.emit);
      expect(before.ids()).toEqual(['1710000000000000301', '1710000000000000302']);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ [DM_CURSOR]: '1710000000000000302' });

      // "Restart": a new adapter and a new store object over the same file. Two new DMs arrived; X
      // returns them with the old ones on a second page. It stops at the cursor and emits only the new.
      api()
        .get('/2/dm_events')
        .query((q) => !q.pagination_token)
        .reply(200, page(['1710000000000000304', '1710000000000000303'], 'next-1'))
        .get('/2/dm_events')
        .query((q) => q.pagination_token === 'next-1')
        .reply(200, page(['1710000000000000302', '1710000000000000301']));
      const after = collector();
      const restarted = adapter({ cursorStore: fileCursorStore(file) });
      await restarted.poll(after.emit);
      expect(after.ids()).toEqual(['1710000000000000303', '1710000000000000304']);

      // Polling again with nothing new emits nothing.
      api()
        .get('/2/dm_events')
        .query(true)
        .reply(200, page(['1710000000000000304', '1710000000000000303']));
      const again = collector();
      expect(await restarted.poll(again.emit)).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('does not advance past an item whose emit failed, so the next poll retries it', async () => {
    const cursors = memoryCursorStore();
    api()
      .get('/2/dm_events')
      .query(true)
      .reply(200, page(['1710000000000000402', '1710000000000000401']));
    const seen: string[] = [];
    const failing = async (e: InboundEvent) => {
      if (e.type === 'message' && e.message.external.id === '1710000000000000402')
        throw new Error('store down');
      if (e.type === 'message') seen.push(e.message.external.id);
    };
    await expect(adapter({ cursorStore: cursors }).poll(failing)).rejects.toThrow('store down');
    expect(await cursors.get(DM_CURSOR)).toBe('1710000000000000401');
    api()
      .get('/2/dm_events')
      .query(true)
      .reply(200, page(['1710000000000000402', '1710000000000000401']));
    const c = collector();
    await adapter({ cursorStore: cursors }).poll(c.emit);
    expect([...seen, ...c.ids()]).toEqual(['1710000000000000401', '1710000000000000402']);
  });

  it('without backfill, the first poll only remembers where now is', async () => {
    const cursors = memoryCursorStore();
    api()
      .get('/2/dm_events')
      .query(true)
      .reply(200, page(['1710000000000000502', '1710000000000000501'], 'more'));
    const c = collector();
    expect(await adapter({ cursorStore: cursors, backfill: false }).poll(c.emit)).toBe(0);
    expect(await cursors.get(DM_CURSOR)).toBe('1710000000000000502');
  });

  it('waits out a 429 until x-rate-limit-reset (injectable sleep), then goes on', async () => {
    const waits: number[] = [];
    api()
      .get('/2/dm_events')
      .query(true)
      .reply(
        429,
        { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 },
        {
          'x-rate-limit-limit': '15',
          'x-rate-limit-remaining': '0',
          'x-rate-limit-reset': String(NOW / 1000 + 42),
        },
      )
      .get('/2/dm_events')
      .query(true)
      .reply(200, page(['1710000000000000601']));
    const c = collector();
    await adapter({ sleep: async (ms) => void waits.push(ms) }).poll(c.emit);
    expect(waits).toEqual([42_000]);
    expect(c.ids()).toEqual(['1710000000000000601']);
  });

  it('polls mentions with since_id once it has a cursor', async () => {
    const cursors = memoryCursorStore({
      [MENTIONS_CURSOR]: '1710000000000000010',
      [DM_CURSOR]: '1710000000000000999',
    });
    api()
      .get('/2/dm_events')
      .query(true)
      .reply(200, page(['1710000000000000999']));
    api()
      .get(`/2/users/${BRAND}/mentions`)
      .query(
        (q) => q.since_id === '1710000000000000010' && String(q['tweet.fields']).includes('conversation_id'),
      )
      .reply(200, fixture('x/mentions-page.json'));
    const c = collector();
    await adapter({ cursorStore: cursors, pollMentions: true }).poll(c.emit);
    expect(c.ids()).toEqual(['1710000000000000011']);
    expect(c.events[0]).toMatchObject({ type: 'message', message: { visibility: 'public' } });
    expect(await cursors.get(MENTIONS_CURSOR)).toBe('1710000000000000011');
  });

  it('hands an item it cannot parse to onRejected with the raw item, and goes on', async () => {
    const broken = page(['1710000000000000802', '1710000000000000801']);
    delete (broken.data[0] as Record<string, unknown>).created_at;
    api().get('/2/dm_events').query(true).reply(200, broken);
    const rejected: unknown[] = [];
    const cursors = memoryCursorStore();
    const c = collector();
    await adapter({
      cursorStore: cursors,
      onRejected: (error, raw) => void rejected.push([error.code, raw]),
    }).poll(c.emit);
    expect(c.ids()).toEqual(['1710000000000000801']);
    expect(rejected).toMatchObject([['WEBHOOK_PARSE', { data: [{ id: '1710000000000000802' }] }]]);
    expect(await cursors.get(DM_CURSOR)).toBe('1710000000000000802');
  });

  it('listen() polls on an interval until stopped', async () => {
    api()
      .get('/2/dm_events')
      .query(true)
      .reply(200, page(['1710000000000000701']));
    api()
      .get('/2/dm_events')
      .query(true)
      .reply(200, page(['1710000000000000702', '1710000000000000701']));
    const c = collector();
    const x = adapter({ pollIntervalMs: 5 });
    let stop: (() => Promise<void>) | undefined;
    const twoSeen = new Promise<void>((resolve) => {
      void x.listen!(async (e) => {
        await c.emit(e);
        if (c.events.length === 2) resolve();
      }).then((s) => {
        stop = s;
      });
    });
    await twoSeen;
    await stop!();
    expect(c.ids()).toEqual(['1710000000000000701', '1710000000000000702']);
  });
});
