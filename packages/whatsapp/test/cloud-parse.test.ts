import {
  createHub,
  type InboundEvent,
  inboundEventSchema,
  isWebhookParseError,
  memoryStore,
} from '@omnithread/core';
import { parseCloudWebhook } from '@omnithread/whatsapp/cloud';
import { describe, expect, it } from 'vitest';
import { pywa, pywaEnvelopes } from './helpers.js';

type Msg = Extract<InboundEvent, { type: 'message' }>['message'];
const iso = (unix: number) => new Date(unix * 1000).toISOString();
const WA = { kind: 'whatsapp', value: '972987654321' };
const BSUID = { kind: 'whatsapp-bsuid', value: 'US.13491208655302741918' };

// What each pywa envelope must give. A fixture missing here fails the walk below.
const expectations: Record<string, (events: InboundEvent[]) => void> = {
  'message.json#text': ([e]) => {
    const m = (e as { message: Msg }).message;
    expect(m).toMatchObject({
      text: 'Body Text',
      external: { id: 'wamid.xyzxyz' },
      sentAt: iso(1697043223),
      from: WA,
      fromName: 'Test Name',
    });
    expect(m.thread).toEqual({ keys: ['whatsapp:wamid.xyzxyz'], refs: [] });
    expect(m.endpoint).toBe('1122334455667');
    expect(m.links).toEqual([
      expect.objectContaining({
        identity: BSUID,
        trust: 'provider',
        evidence: expect.stringContaining('user_id'),
      }),
    ]);
    expect(m.metadata).toMatchObject({
      type: 'text',
      userId: BSUID.value,
      parentUserId: 'US.ENT.11815799212886844830',
    });
  },
  'message.json#image': ([e]) => {
    expect((e as { message: Msg }).message.attachments).toEqual([
      { id: '65463453', providerId: '65463453', contentType: 'image/jpeg', size: -1 },
    ]);
  },
  'message.json#media_with_url': ([e]) => {
    expect((e as { message: Msg }).message.attachments?.[0]).toMatchObject({
      providerId: '65463453',
      url: expect.stringContaining('lookaside.fbsbx.com'),
    });
  },
  'message.json#video': ([e]) => {
    const m = (e as { message: Msg }).message;
    expect(m.text).toBe('caption');
    expect(m.attachments?.[0]).toMatchObject({
      providerId: '765756756',
      contentType: 'video/mp4',
      caption: 'caption',
    });
    expect(m.metadata?.forwarded).toBe(true);
  },
  'message.json#document': ([e]) => {
    expect((e as { message: Msg }).message.attachments?.[0]).toMatchObject({
      filename: 'filename.pdf',
      contentType: 'application/pdf',
    });
  },
  'message.json#audio': ([e]) => {
    const m = (e as { message: Msg }).message;
    expect(m.attachments?.[0]?.contentType).toBe('audio/ogg; codecs=opus');
    expect(m.metadata?.voice).toBeUndefined();
  },
  'message.json#voice': ([e]) => expect((e as { message: Msg }).message.metadata?.voice).toBe(true),
  'message.json#static_sticker': ([e]) => {
    const m = (e as { message: Msg }).message;
    expect(m.attachments?.[0]?.contentType).toBe('image/webp');
    expect(m.attachments?.[0]?.sha256).toBe(
      Buffer.from('OmT4nhjUhCMIPNmj7eeOZeCYjTXkLxoOv85OMCFwSuc=', 'base64').toString('hex'),
    );
    expect(m.metadata).toMatchObject({ type: 'sticker', animated: false });
  },
  'message.json#animated_sticker': ([e]) =>
    expect((e as { message: Msg }).message.metadata).toMatchObject({ type: 'sticker', animated: true }),
  'message.json#reaction': ([e]) =>
    expect(e).toMatchObject({
      type: 'reaction',
      targetExternalId: 'wamid.yzxyzx=',
      emoji: '😮',
      by: WA,
      at: iso(1697044456),
    }),
  'message.json#unreaction_empty': ([e]) =>
    expect(e).toMatchObject({ type: 'reaction', targetExternalId: 'wamid.yzxyzx=', emoji: '' }),
  'message.json#unreaction_no_emoji': ([e]) => expect(e).toMatchObject({ type: 'reaction', emoji: '' }),
  'message.json#current_location': ([e]) => {
    const m = (e as { message: Msg }).message;
    expect(m.metadata?.location).toEqual({ latitude: 12.25089, longitude: 43.90539 });
    expect(m.text).toContain('12.25089');
  },
  'message.json#chosen_location': ([e]) =>
    expect((e as { message: Msg }).message.text).toContain('Facebook HQ, 1 Hacker Way'),
  'message.json#contacts': ([e]) => {
    const m = (e as { message: Msg }).message;
    expect(m.text).toContain('Chandler Bing (+1 555-555-5555)');
    expect(m.metadata?.contacts).toHaveLength(3);
  },
  'message.json#order': ([e]) =>
    expect((e as { message: Msg }).message.metadata).toMatchObject({
      type: 'order',
      order: { catalog_id: '354160437058781' },
    }),
  'message.json#unsupported': ([e]) => {
    const m = (e as { message: Msg }).message;
    expect(m.metadata).toMatchObject({
      type: 'unsupported',
      errors: [{ code: '131051', title: 'Message type unknown' }],
    });
    expect(m.warnings?.[0]).toContain('unsupported');
    expect(m.raw).toMatchObject({ id: 'wamid.xyzxyz', type: 'unsupported' });
  },
  'message.json#unsupported_with_type': ([e]) =>
    expect((e as { message: Msg }).message.metadata).toMatchObject({ unsupported: { type: 'pool' } }),
  'message.json#reply': ([e]) => {
    const m = (e as { message: Msg }).message;
    expect(m.replyTo).toBe('wamid.xyzxyz==');
    expect(m.thread).toEqual({ keys: ['whatsapp:wamid.xyzxyz'], refs: ['whatsapp:wamid.xyzxyz=='] });
  },
  'message.json#forwarded': ([e]) => expect((e as { message: Msg }).message.metadata?.forwarded).toBe(true),
  'message.json#forwarded_many_times': ([e]) =>
    expect((e as { message: Msg }).message.metadata?.frequentlyForwarded).toBe(true),
  'message.json#interactive_message_with_err': ([e]) => {
    const m = (e as { message: Msg }).message;
    expect(m.metadata).toMatchObject({
      type: 'interactive',
      errors: [{ code: '131000', details: 'Unsupported webhook payload' }],
    });
    expect(m.warnings).toHaveLength(1);
  },
  'message.json#referral': ([e]) =>
    expect((e as { message: Msg }).message.metadata?.referral).toMatchObject({
      source_id: 'ADID',
      headline: 'AD_TITLE',
      ctwa_clid: 'CTWA_CLID',
    }),
  'message_status.json#sent': ([e]) =>
    expect(e).toMatchObject({
      type: 'status',
      status: { externalId: 'wamid.xyzxyz', status: 'sent', at: iso(1698266945) },
    }),
  'message_status.json#delivered': ([e]) => expect(e).toMatchObject({ status: { status: 'delivered' } }),
  'message_status.json#read': ([e]) =>
    expect(e).toMatchObject({ status: { status: 'read', at: iso(1689380458) } }),
  'message_status.json#played': ([e]) => expect(e).toMatchObject({ status: { status: 'read' } }),
  'message_status.json#failed': ([e]) =>
    expect(e).toMatchObject({
      type: 'status',
      status: {
        status: 'failed',
        error: { code: '130472', message: expect.stringContaining("User's number is part of an experiment") },
      },
    }),
  'message_status.json#with_tracker': ([e]) =>
    expect(e).toMatchObject({ status: { status: 'sent', raw: { biz_opaque_callback_data: 'some data' } } }),
  'message_status.json#group': ([e]) =>
    expect(e).toMatchObject({
      type: 'status',
      status: { externalId: '<WHATSAPP_MESSAGE_ID>', status: 'read' },
    }),
  'system.json#phone_number_change': ([m, link]) => {
    expect((m as { message: Msg }).message).toMatchObject({
      metadata: { type: 'system', system: { type: 'user_changed_number' } },
    });
    expect(link).toMatchObject({
      type: 'identity-link',
      identity: WA,
      link: { identity: { kind: 'whatsapp', value: '972912345678' }, trust: 'provider' },
    });
  },
  'system.json#identity_change': ([e]) =>
    expect((e as { message: Msg }).message.metadata).toMatchObject({
      system: { type: 'customer_identity_changed' },
      identity: { acknowledged: true },
    }),
  'callback_button.json#button': ([e]) => {
    const m = (e as { message: Msg }).message;
    expect(m.text).toBe('title');
    expect(m.metadata?.interactive).toMatchObject({
      type: 'button_reply',
      button_reply: { id: 'callback_data' },
    });
    expect(m.replyTo).toBe('wamid.xyzxyz');
  },
  'callback_button.json#quick_reply': ([e]) =>
    expect((e as { message: Msg }).message.metadata?.button).toEqual({
      payload: 'callback_data',
      text: 'title',
    }),
  'callback_button.json#quick_reply_without_context': ([e]) => {
    const m = (e as { message: Msg }).message;
    expect(m.replyTo).toBeUndefined();
    expect(m.links?.[0]?.identity).toEqual(BSUID);
  },
  'callback_selection.json#callback': ([e]) =>
    expect((e as { message: Msg }).message.metadata?.interactive).toMatchObject({ type: 'list_reply' }),
  'callback_selection.json#description': ([e]) =>
    expect((e as { message: Msg }).message.metadata?.interactive).toMatchObject({
      list_reply: { description: 'description' },
    }),
  'flow_completion.json#completion': ([e]) =>
    expect((e as { message: Msg }).message.metadata?.flowResponse).toMatchObject({
      flow_token: 'AQAAAAACS5FpgQ_cAAAAAD0QI3s.',
      delivery_rating: '4',
    }),
  'flow_completion.json#without_flow_token': ([e]) =>
    expect((e as { message: Msg }).message.text).toBe('Sent'),
  'deleted_message.json#revoke': ([e]) =>
    // The fixture's `from` is a placeholder: the sender comes from contacts[].
    expect(e).toMatchObject({
      type: 'delete',
      targetExternalId: '<ORIGINAL_WHATSAPP_MESSAGE_ID>',
      by: WA,
      at: iso(1697043223),
    }),
  'edited_message.json#image': ([e]) =>
    expect(e).toMatchObject({
      type: 'edit',
      targetExternalId: 'wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA=',
      text: 'Updated image caption',
      at: iso(1749854575),
    }),
  'outgoing_message.json#text': ([e]) =>
    expect((e as { message: Msg }).message).toMatchObject({
      direction: 'outbound',
      text: 'Test message',
      to: [WA],
      status: 'sent',
    }),
  'outgoing_message.json#delete': ([e]) =>
    expect(e).toMatchObject({ type: 'delete', targetExternalId: 'wamid.zzzzzz' }),
  'outgoing_message.json#edit': ([e]) =>
    expect(e).toMatchObject({ type: 'edit', targetExternalId: 'wamid.zzzzzz', text: 'Text was edited' }),
  'call_permission_update.json#accept': ([e]) =>
    expect((e as { message: Msg }).message.text).toBe('Call permission: accept'),
  'call_permission_update.json#reject': ([e]) =>
    expect((e as { message: Msg }).message.text).toBe('Call permission: reject'),
};
const NOTICE_FILES: Record<string, string> = {
  'account_update.json': 'account_update',
  'call_connect.json': 'calls',
  'call_status.json': 'calls',
  'call_terminate.json': 'calls',
  'template_category_update.json': 'template_category_update',
  'template_components_update.json': 'message_template_components_update',
  'template_quality_update.json': 'message_template_quality_update',
  'template_status_update.json': 'message_template_status_update',
  'user_marketing_preferences.json': 'user_preferences',
};

describe('WhatsApp Cloud parse: every pywa fixture', () => {
  const all = pywaEnvelopes();
  it('finds the fixtures', () => expect(all.length).toBeGreaterThan(70));
  for (const { file, name, envelope } of all) {
    it(`${file}#${name}`, () => {
      const before = JSON.stringify(envelope);
      const events = parseCloudWebhook(envelope);
      expect(events.length).toBeGreaterThan(0);
      for (const event of events) expect(inboundEventSchema.safeParse(event).success).toBe(true);
      expect(JSON.stringify(envelope)).toBe(before);
      const check = expectations[`${file}#${name}`];
      if (check) check(events);
      else {
        expect(NOTICE_FILES[file], `no expectation for ${file}#${name}`).toBeDefined();
        for (const event of events) {
          expect(event.type).toBe('notice');
          if (event.type === 'notice') {
            expect(event.name.startsWith(NOTICE_FILES[file]!)).toBe(true);
            expect(Number.isNaN(Date.parse(event.at))).toBe(false);
            expect(event.at).not.toBe('1970-01-01T00:00:00.000Z');
          }
        }
      }
    });
  }

  it('every event of every fixture ingests into a hub without a validation error', async () => {
    const hub = createHub({ store: memoryStore(), clock: () => new Date('2026-01-01T00:00:00Z') });
    for (const { envelope } of all) for (const event of parseCloudWebhook(envelope)) await hub.ingest(event);
    const contacts = await hub.contacts.list();
    expect(contacts.items.length).toBeGreaterThan(0);
  });
});

describe('WhatsApp Cloud parse: bad and unknown input', () => {
  it('keeps unknown message types as messages with their raw payload', () => {
    const env = structuredClone(pywa('message.json', 'text')) as {
      entry: Array<{ changes: Array<{ value: { messages: unknown[] } }> }>;
    };
    env.entry[0]!.changes[0]!.value.messages[0] = {
      from: '972987654321',
      id: 'wamid.future',
      timestamp: '1697043223',
      type: 'hologram',
      hologram: { depth: 3 },
    };
    const m = msg2(parseCloudWebhook(env));
    expect(m.metadata).toMatchObject({ type: 'hologram', hologram: { depth: 3 } });
    expect(m.raw).toMatchObject({ type: 'hologram' });
    expect(m.warnings?.[0]).toContain('hologram');
  });

  it('refuses envelopes it cannot use with a WebhookParseError keeping raw', () => {
    for (const bad of [
      null,
      'x',
      [],
      {},
      { object: 'page', entry: [] },
      { entry: 5 },
      { entry: [{}] },
      { entry: [{ changes: [{}] }] },
    ]) {
      try {
        parseCloudWebhook(bad);
        throw new Error(`accepted ${JSON.stringify(bad)}`);
      } catch (error) {
        expect(isWebhookParseError(error)).toBe(true);
        expect((error as { raw: unknown }).raw).toEqual(bad);
      }
    }
  });

  it('refuses a message with no usable sender rather than inventing one', () => {
    const env = {
      object: 'whatsapp_business_account',
      entry: [
        {
          changes: [
            { field: 'messages', value: { messages: [{ id: 'wamid.x', from: 'nobody', type: 'text' }] } },
          ],
        },
      ],
    };
    expect(() => parseCloudWebhook(env)).toThrowError(/usable sender/);
  });
});

function msg2(events: InboundEvent[]): Msg {
  const event = events[0];
  if (event?.type !== 'message') throw new Error('not a message');
  return event.message;
}
