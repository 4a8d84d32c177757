import { createHash } from 'node:crypto';
import { createHub, type Message, memoryStore } from '@omnithread/core';
import { createWhatsAppWebAdapter, type WebMessageMedia } from '@omnithread/whatsapp/web';
import { describe, expect, it } from 'vitest';
import { FakeClient, FakeMessageMedia, fakeMessage, settle } from './web-fake-client.js';

// whatsapp-web.js hands over media already downloaded (base64): `maxMediaBytes` decides whether the
// bytes are kept in the attachment. Over it, the message is still stored, without the content, and
// its warning says why.
const ME = '15550001111@c.us';
const CUSTOMER = '14155550100@c.us';
const LIMIT = 64;

async function storedAfter(media: WebMessageMedia[]): Promise<Message[]> {
  const client = new FakeClient();
  const adapter = createWhatsAppWebAdapter({ client, maxMediaBytes: LIMIT });
  const hub = createHub({ store: memoryStore(), adapters: [adapter] });
  const stop = await hub.listen();
  for (const [i, m] of media.entries())
    client.emit(
      'message',
      fakeMessage({ id: `3EB0M${i}`, from: CUSTOMER, to: ME, body: `file ${i}`, hasMedia: true, media: m }),
    );
  await settle();
  await stop();
  const [conversation] = (await hub.conversations.list()).items;
  expect((await hub.rejected.list()).items).toEqual([]);
  const messages = (await hub.conversations.messages(conversation!.id)).items;
  return media.map((_, i) => messages.find((m) => m.text === `file ${i}`)!);
}

const bytes = (n: number) => Buffer.alloc(n, 'a');

describe('whatsapp-web.js maxMediaBytes', () => {
  it('keeps media of exactly the limit, and keeps the message but not the bytes of media one byte over', async () => {
    const [atLimit, over] = await storedAfter([
      new FakeMessageMedia('application/pdf', bytes(LIMIT).toString('base64'), 'a.pdf'),
      new FakeMessageMedia('application/pdf', bytes(LIMIT + 1).toString('base64'), 'b.pdf'),
    ]);
    expect(atLimit!.attachments[0]).toMatchObject({
      contentType: 'application/pdf',
      size: LIMIT,
      content: bytes(LIMIT).toString('base64'),
      sha256: createHash('sha256').update(bytes(LIMIT)).digest('hex'),
    });
    expect(atLimit!.warnings).toEqual([]);

    expect(over!.text).toBe('file 1');
    expect(over!.attachments).toHaveLength(1);
    expect(over!.attachments[0]).toMatchObject({ contentType: 'application/pdf', size: LIMIT + 1 });
    expect(over!.attachments[0]!.content).toBeUndefined();
    expect(over!.attachments[0]!.sha256).toBeUndefined();
    expect(over!.warnings).toEqual([
      `media of ${LIMIT + 1} bytes is over the ${LIMIT}-byte limit and was not kept`,
    ]);
  });

  it('media over the limit without a mime type is still stored, as application/octet-stream', async () => {
    const [over] = await storedAfter([
      new FakeMessageMedia(undefined as unknown as string, bytes(LIMIT + 1).toString('base64')),
    ]);
    expect(over!.attachments[0]).toMatchObject({ contentType: 'application/octet-stream', size: LIMIT + 1 });
    expect(over!.attachments[0]!.content).toBeUndefined();
    expect(over!.warnings[0]).toMatch(/over the 64-byte limit/);
  });
});
