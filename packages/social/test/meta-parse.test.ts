import { isWebhookParseError } from '@omnithread/core';
import { parseMetaWebhook } from '@omnithread/social/messenger';
import { describe, expect, it } from 'vitest';
import { fixture } from './helpers.js';

const PSID = '6100000000000001';
const PAGE = '104000000000001';
const FIRST_MID = 'm_AG5Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma6AC8fplwlqLP_5cgXIbu7I3rBN0P';

describe('Messenger webhook parsing', () => {
  it('reads a text message with a quick reply payload', () => {
    const [event] = parseMetaWebhook(fixture('meta/messenger-text.json'), { object: 'page' });
    expect(event?.type).toBe('message');
    if (event?.type !== 'message') return;
    const m = event.message;
    expect(m).toMatchObject({
      channel: 'messenger',
      direction: 'inbound',
      from: { kind: 'messenger', value: PSID },
      to: [{ kind: 'messenger', value: PAGE }],
      endpoint: PAGE,
      sentAt: '2023-11-14T22:13:20.000Z',
      text: 'Hi! Where is my order?',
      external: { id: FIRST_MID },
      thread: { keys: [`messenger:${FIRST_MID}`], refs: [] },
      metadata: { quickReply: { payload: 'ORDER_STATUS' } },
    });
    expect(m.raw).toMatchObject({ object: 'page', entry: { id: PAGE } });
  });

  it('reads every attachment kind, and reply_to as a thread reference', () => {
    const [event] = parseMetaWebhook(fixture('meta/messenger-attachments.json'));
    if (event?.type !== 'message') throw new Error('expected a message');
    const m = event.message;
    expect(m.replyTo).toBe(FIRST_MID);
    expect(m.thread?.refs).toEqual([`messenger:${FIRST_MID}`]);
    expect(m.attachments?.map((a) => [a.contentType, a.url?.split('/').at(-1)])).toEqual([
      ['image/*', 'box.jpg'],
      ['video/*', 'unboxing.mp4'],
      ['audio/*', 'voice.mp4'],
      ['application/octet-stream', 'invoice.pdf'],
      ['image/*', 'like.png'],
    ]);
    expect(m.attachments?.every((a) => a.size === -1 && a.id.startsWith('m_attachments_1#'))).toBe(true);
    expect(m.metadata).toMatchObject({
      location: { lat: 38.7223, long: -9.1393, title: "Dana's Location" },
      links: [{ url: 'https://track.example.com/4411', title: 'Order tracking' }],
      stickerId: '369239263222822',
    });
    // A message made only of a shared link still shows the link as its text.
    expect(m.text).toBe('Order tracking https://track.example.com/4411');
  });

  it('turns an echo of the page’s own message into an outbound message to the customer, never an inbound one', () => {
    const [event] = parseMetaWebhook(fixture('meta/messenger-echo.json'));
    if (event?.type !== 'message') throw new Error('expected a message');
    expect(event.message).toMatchObject({
      direction: 'outbound',
      from: { kind: 'messenger', value: PAGE },
      to: [{ kind: 'messenger', value: PSID }],
      status: 'sent',
      external: { id: 'm_echo_1' },
      metadata: { echo: { appId: '1517776481860111', metadata: 'msg_ours_1' } },
    });
  });

  it('keeps a postback as a message whose text is the button title', () => {
    const [event] = parseMetaWebhook(fixture('meta/messenger-postback.json'));
    if (event?.type !== 'message') throw new Error('expected a message');
    expect(event.message).toMatchObject({
      text: 'Talk to a human',
      external: { id: 'm_postback_1' },
      metadata: { postback: { payload: 'HUMAN_HANDOVER' } },
    });
  });

  it('reads reactions (react and unreact), deliveries, read watermarks and edits', () => {
    expect(parseMetaWebhook(fixture('meta/messenger-reaction.json'))).toMatchObject([
      { type: 'reaction', targetExternalId: 'm_echo_1', emoji: '❤️', by: { kind: 'messenger', value: PSID } },
      { type: 'reaction', targetExternalId: 'm_echo_1', emoji: '' },
    ]);
    expect(parseMetaWebhook(fixture('meta/messenger-delivery-read.json'))).toMatchObject([
      { type: 'status', status: { externalId: 'm_echo_1', status: 'delivered' } },
      { type: 'status', status: { externalId: 'm_echo_2', status: 'delivered' } },
      { type: 'notice', name: 'messenger.read-watermark' },
    ]);
    expect(parseMetaWebhook(fixture('meta/messenger-edit.json'))).toMatchObject([
      {
        type: 'edit',
        targetExternalId: FIRST_MID,
        text: 'Hi! Where is my order #4411?',
        at: '2023-11-14T22:20:00.000Z',
      },
    ]);
  });
});

describe('Instagram webhook parsing', () => {
  it('reads a DM and a read receipt', () => {
    const events = parseMetaWebhook(fixture('meta/instagram-text.json'), { object: 'instagram' });
    expect(events).toMatchObject([
      {
        type: 'message',
        message: {
          channel: 'instagram',
          from: { kind: 'instagram', value: '5300000000000001' },
          text: 'Do you ship to Porto?',
        },
      },
      {
        type: 'status',
        status: { channel: 'instagram', externalId: 'aWdfZAG1faXRlbTpvdXJfcmVwbHk', status: 'read' },
      },
    ]);
  });

  it('reads story mentions and story replies', () => {
    const [mention, reply] = parseMetaWebhook(fixture('meta/instagram-story.json'));
    if (mention?.type !== 'message' || reply?.type !== 'message') throw new Error('expected two messages');
    expect(mention.message.attachments).toHaveLength(1);
    expect(mention.message.attachments?.[0]).toMatchObject({ caption: 'Instagram story mention' });
    expect(mention.message.metadata).toMatchObject({
      storyMention: { url: expect.stringContaining('asset_id=17900000000000001') },
    });
    expect(reply.message.text).toBe('Love these mugs! Still in stock?');
    expect(reply.message.metadata).toMatchObject({ storyReply: { id: '17900000000000002' } });
    expect(reply.message.thread?.refs).toEqual(['instagram:story:17900000000000002']);
  });

  it('turns an unsend into a delete event and an echo into an outbound message', () => {
    expect(parseMetaWebhook(fixture('meta/instagram-unsend-echo.json'))).toMatchObject([
      {
        type: 'delete',
        channel: 'instagram',
        targetExternalId: 'aWdfZAG1faXRlbTpzdG9yeV9yZXBseQ',
        by: { kind: 'instagram', value: '5300000000000001' },
      },
      {
        type: 'message',
        message: {
          direction: 'outbound',
          to: [{ kind: 'instagram', value: '5300000000000001' }],
          text: 'Yes, we ship to Porto!',
        },
      },
    ]);
  });
});

describe('malformed Graph payloads', () => {
  const cases: Array<[string, unknown, string | undefined]> = [
    ['not an object', 'hello', undefined],
    ['a WhatsApp payload', { object: 'whatsapp_business_account', entry: [] }, 'object'],
    ['entry not an array', { object: 'page', entry: {} }, 'entry'],
    [
      'an item without sender',
      {
        object: 'page',
        entry: [{ id: '1', messaging: [{ recipient: { id: '1' }, timestamp: 1, message: { mid: 'm' } }] }],
      },
      'entry[0].messaging[0].sender.id',
    ],
    [
      'a message without mid',
      {
        object: 'page',
        entry: [
          {
            id: '1',
            messaging: [
              {
                sender: { id: '2' },
                recipient: { id: '1' },
                timestamp: 1700000000000,
                message: { text: 'hi' },
              },
            ],
          },
        ],
      },
      'entry[0].messaging[0].message.mid',
    ],
    [
      'a bad timestamp',
      {
        object: 'page',
        entry: [
          {
            id: '1',
            messaging: [
              { sender: { id: '2' }, recipient: { id: '1' }, timestamp: 'soon', message: { mid: 'm' } },
            ],
          },
        ],
      },
      'entry[0].messaging[0].timestamp',
    ],
  ];
  for (const [name, payload, path] of cases) {
    it(`refuses ${name} with a WebhookParseError that keeps the payload`, () => {
      let caught: unknown;
      try {
        parseMetaWebhook(payload);
      } catch (error) {
        caught = error;
      }
      expect(isWebhookParseError(caught)).toBe(true);
      expect((caught as { raw: unknown }).raw).toEqual(payload);
      expect((caught as { path?: string }).path).toBe(path);
    });
  }

  it('refuses a Messenger payload on the Instagram endpoint', () => {
    expect(() => parseMetaWebhook(fixture('meta/messenger-text.json'), { object: 'instagram' })).toThrow(
      /takes object "instagram"/,
    );
  });
});
