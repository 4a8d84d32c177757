import { createHub, memoryStore } from '@omnithread/core';
import { createXAdapter } from '@omnithread/social/x';
import { TwitterApi } from 'twitter-api-v2';
import { describe, expect, it } from 'vitest';
import { CONSUMER_SECRET, fixture } from './helpers.js';

const later = (ms: string) => {
  const t = fixture('x/aaa-tweet-mention.json') as { tweet_create_events: Array<Record<string, unknown>> };
  t.tweet_create_events[0]!.timestamp_ms = ms;
  return t;
};

describe('a DM first, then a public mention (the reverse order)', () => {
  it('the public mention continues the DM conversation as a switch to public, recorded as public', async () => {
    const x = createXAdapter({
      client: new TwitterApi('test-bearer'),
      userId: '3001',
      consumerSecret: CONSUMER_SECRET,
    });
    const hub = createHub({ store: memoryStore(), adapters: [x] });
    for (const e of x.parse(fixture('x/aaa-dm.json'))) await hub.ingest(e);
    const [mention] = await Promise.all(x.parse(later('1700000400000')).map((e) => hub.ingest(e)));
    expect(mention!.type === 'message' && mention!.message.placement).toMatchObject({
      rule: 'cross-channel-continuation',
      reason: expect.stringContaining('customer switched from private x messages to a public x post'),
    });
    const conversations = (await hub.conversations.list()).items;
    expect(conversations).toHaveLength(1);
    expect(conversations[0]!.publicChannels).toEqual(['x']);
  });
});
