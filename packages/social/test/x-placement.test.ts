import {
  createHub,
  crossChannelContinuation,
  explicitThread,
  memoryStore,
  newConversation,
  sameChannelSession,
} from '@omnithread/core';
import { createXAdapter, publicAfterPrivate } from '@omnithread/social/x';
import { TwitterApi } from 'twitter-api-v2';
import { describe, expect, it } from 'vitest';
import { CONSUMER_SECRET, fixture } from './helpers.js';

const later = (ms: string) => {
  const t = fixture('x/aaa-tweet-mention.json') as { tweet_create_events: Array<Record<string, unknown>> };
  t.tweet_create_events[0]!.timestamp_ms = ms;
  return t;
};

async function journey(rules?: Parameters<typeof createHub>[0]['rules']) {
  const x = createXAdapter({
    client: new TwitterApi('test-bearer'),
    userId: '3001',
    consumerSecret: CONSUMER_SECRET,
  });
  const hub = createHub({ store: memoryStore(), adapters: [x], ...(rules ? { rules } : {}) });
  for (const e of x.parse(fixture('x/aaa-dm.json'))) await hub.ingest(e);
  const results = [];
  for (const e of x.parse(later('1700000400000'))) results.push(await hub.ingest(e));
  return { hub, mention: results[0]! };
}

describe('a DM first, then a public mention (the reverse order)', () => {
  it('with the core default rules, the public mention starts its own conversation (threaded, no evidence)', async () => {
    const { hub, mention } = await journey();
    expect(mention.type === 'message' && mention.message.placement.rule).toBe('new-conversation');
    expect((await hub.conversations.list()).items).toHaveLength(2);
  });

  it('with publicAfterPrivate() before cross-channel continuation, it joins the DM conversation', async () => {
    const { hub, mention } = await journey([
      explicitThread(),
      sameChannelSession(),
      publicAfterPrivate(),
      crossChannelContinuation(),
      newConversation(),
    ]);
    expect(mention.type === 'message' && mention.message.placement).toMatchObject({
      rule: 'public-after-private',
      reason: expect.stringContaining('went public on x after a private conversation'),
    });
    const conversations = (await hub.conversations.list()).items;
    expect(conversations).toHaveLength(1);
    expect(conversations[0]!.publicChannels).toEqual(['x']);
  });
});
