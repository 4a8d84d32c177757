import { inboundEventSchema, isWebhookParseError } from '@omnithread/core';
import { describe, expect, it } from 'vitest';
import {
  ACCOUNT_SID,
  CUSTOMER,
  inboundMms,
  inboundSms,
  inboundWhatsApp,
  OUR_NUMBER,
  statusCallback,
  whatsAppButtonReply,
  whatsAppLocation,
  withBody,
} from '../../test/payloads.js';
import { matchKeyword } from './keywords.js';
import { parseDlrDoneDate, parseTwilioWebhook } from './parse.js';

const AT = '2026-03-02T10:00:00.000Z';
const parse = (params: Record<string, string>) => {
  const events = parseTwilioWebhook({ params, receivedAt: AT });
  for (const event of events) expect(inboundEventSchema.safeParse(event).success).toBe(true);
  return events;
};
const messageOf = (params: Record<string, string>) => {
  const [event] = parse(params);
  if (event?.type !== 'message') throw new Error(`expected a message event, got ${event?.type}`);
  return event.message;
};

describe('parse: incoming SMS', () => {
  it('maps the documented parameters onto the model', () => {
    const m = messageOf(inboundSms);
    expect(m).toMatchObject({
      channel: 'sms',
      direction: 'inbound',
      from: { kind: 'phone', value: CUSTOMER },
      to: [{ kind: 'phone', value: OUR_NUMBER }],
      endpoint: OUR_NUMBER,
      sentAt: AT,
      text: 'Hi, my order #1234 has not arrived yet',
      external: { id: 'SM3558804311501f712c1b4772546a80e0' },
      thread: { keys: ['twilio:SM3558804311501f712c1b4772546a80e0'], refs: [] },
      status: 'received',
      trust: 'provider',
      attachments: [],
    });
    expect(m.metadata ?? {}).toEqual({
      accountSid: ACCOUNT_SID,
      numSegments: 1,
      numMedia: 0,
      geo: {
        from: { city: 'SAN FRANCISCO', state: 'CA', zip: '94107', country: 'US' },
        to: { city: 'SAN BRUNO', state: 'CA', zip: '94030', country: 'US' },
      },
    });
    expect(m.raw).toEqual(inboundSms);
  });

  it('accepts the same payload as URLSearchParams, a form string or a bare object', () => {
    const viaEnvelope = parseTwilioWebhook({ params: inboundSms, receivedAt: AT });
    const form = new URLSearchParams(inboundSms).toString();
    expect(parseTwilioWebhook({ params: form, receivedAt: AT })).toEqual(viaEnvelope);
    expect(parseTwilioWebhook({ params: new URLSearchParams(form), receivedAt: AT })).toEqual(viaEnvelope);
    expect(parseTwilioWebhook(inboundSms, () => new Date(AT))).toEqual(viaEnvelope);
  });

  it('keeps the Messaging Service SID and gives short codes an opaque identity instead of failing', () => {
    const m = messageOf({
      ...inboundSms,
      From: '72345',
      MessagingServiceSid: 'MG9752274e9e519418a7406176694466fa',
    });
    expect(m.from).toEqual({ kind: 'twilio-address', value: '72345' });
    expect(m.metadata?.messagingServiceSid).toBe('MG9752274e9e519418a7406176694466fa');
  });
});

describe('parse: MMS', () => {
  it('turns NumMedia / MediaUrlN / MediaContentTypeN into attachments fetched on demand', () => {
    const m = messageOf(inboundMms);
    expect(m.attachments).toEqual([
      {
        id: 'ME88ee37a8772f605eb9a588dca17b62ba',
        providerId: 'ME88ee37a8772f605eb9a588dca17b62ba',
        contentType: 'image/jpeg',
        size: -1,
        url: inboundMms.MediaUrl0,
      },
      {
        id: 'ME99ff48b9883f716fc0b699edb28c73cb',
        providerId: 'ME99ff48b9883f716fc0b699edb28c73cb',
        contentType: 'application/pdf',
        size: -1,
        url: inboundMms.MediaUrl1,
      },
    ]);
    expect(m.warnings).toEqual([]);
  });

  it('warns (and keeps the rest) when NumMedia promises more than the payload has', () => {
    const { MediaUrl1: _dropped, ...partial } = inboundMms;
    const m = messageOf(partial);
    expect(m.attachments).toHaveLength(1);
    expect(m.warnings).toEqual(['NumMedia is 2 but MediaUrl1 is missing']);
  });
});

describe('parse: WhatsApp via Twilio', () => {
  it('makes whatsapp: senders channel whatsapp with the wa_id identity and the profile name', () => {
    const m = messageOf(inboundWhatsApp);
    expect(m).toMatchObject({
      channel: 'whatsapp',
      from: { kind: 'whatsapp', value: '14155550123' },
      fromName: 'Jane Doe',
      to: [{ kind: 'whatsapp', value: '15005550006' }],
      endpoint: `whatsapp:${OUR_NUMBER}`,
    });
    expect(m.metadata ?? {}).toMatchObject({ waId: '14155550123', messageType: 'text' });
    expect(m.links ?? []).toEqual([]);
  });

  it('reads a shared location', () => {
    const m = messageOf(whatsAppLocation);
    expect(m.metadata?.location).toEqual({
      latitude: 37.7749,
      longitude: -122.4194,
      address: '1 Market St, San Francisco, CA',
      label: 'Pickup point',
    });
    expect(m.text).toBe('');
  });

  it('reads a quick-reply button answer to a quoted message, linking the dialled number when WaId differs', () => {
    const m = messageOf(whatsAppButtonReply);
    expect(m.metadata?.button).toEqual({ text: 'Track my order', payload: 'track-order' });
    expect(m.replyTo).toBe('SM0f1e2d3c4b5a69788796a5b4c3d2e1f0');
    expect(m.thread?.refs).toEqual(['twilio:SM0f1e2d3c4b5a69788796a5b4c3d2e1f0']);
    expect(m.from).toEqual({ kind: 'whatsapp', value: '553188888888' });
    // A Brazilian number: WhatsApp's id lacks the ninth digit the dialled number has.
    expect(m.links).toEqual([
      {
        identity: { kind: 'phone', value: '+5531988888888' },
        trust: 'provider',
        evidence: 'Twilio sent From and WaId',
      },
    ]);
  });
});

describe('parse: status callbacks', () => {
  const sid = 'SM1342fe1b2c904d1ab04f0fc7a58abca9';
  it.each([
    ['queued', 'queued'],
    ['sending', 'queued'],
    ['sent', 'sent'],
    ['delivered', 'delivered'],
    ['read', 'read'],
    ['undelivered', 'undelivered'],
    ['failed', 'failed'],
  ] as const)('%s → %s', (twilioStatus, modelStatus) => {
    const [event] = parse(statusCallback(sid, twilioStatus));
    expect(event).toMatchObject({
      type: 'status',
      status: { channel: 'sms', externalId: sid, status: modelStatus, at: AT },
    });
  });

  it('uses the carrier DLR done date and describes the error code', () => {
    const [event] = parse(
      statusCallback(sid, 'undelivered', { ErrorCode: '30003', RawDlrDoneDate: '2603021004' }),
    );
    expect(event).toMatchObject({
      type: 'status',
      status: {
        status: 'undelivered',
        at: '2026-03-02T10:04:00.000Z',
        error: { code: '30003', message: 'the recipient handset is unreachable (off or out of coverage)' },
      },
    });
  });

  it('keeps ErrorMessage when Twilio sends one, and reads WhatsApp statuses as channel whatsapp', () => {
    const [event] = parse(
      statusCallback(sid, 'failed', {
        From: `whatsapp:${OUR_NUMBER}`,
        To: `whatsapp:${CUSTOMER}`,
        ErrorCode: '63016',
        ErrorMessage: 'Outside the allowed window',
      }),
    );
    expect(event).toMatchObject({
      type: 'status',
      status: {
        channel: 'whatsapp',
        status: 'failed',
        error: { code: '63016', message: 'Outside the allowed window' },
      },
    });
  });

  it('keeps an unknown status as a notice instead of failing', () => {
    expect(parse(statusCallback(sid, 'teleported'))).toMatchObject([
      { type: 'notice', name: 'twilio.status.teleported' },
    ]);
  });

  it('reads RawDlrDoneDate only when it is a real date', () => {
    expect(parseDlrDoneDate('2602291200')).toBeUndefined(); // 2026 is not a leap year
    expect(parseDlrDoneDate('2402291200')).toBe('2024-02-29T12:00:00.000Z');
    expect(parseDlrDoneDate('nonsense')).toBeUndefined();
  });
});

describe('parse: compliance keywords', () => {
  it.each(['STOP', 'stop', ' Stop. ', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'OPTOUT', 'REVOKE'])(
    '%j opts out',
    (body) => {
      const events = parse(withBody(inboundSms, body));
      expect(events).toHaveLength(2);
      expect(events[0]).toMatchObject({ type: 'message', message: { text: body } });
      expect(events[1]).toMatchObject({
        type: 'consent',
        channel: 'sms',
        identity: { kind: 'phone', value: CUSTOMER },
        optedOut: true,
        at: AT,
      });
    },
  );

  it.each(['START', 'yes', 'UNSTOP', 'OPTIN'])('%j opts back in', (body) => {
    expect(parse(withBody(inboundSms, body))[1]).toMatchObject({
      type: 'consent',
      optedOut: false,
      keyword: body.toUpperCase(),
    });
  });

  it('records HELP / INFO on the message without a consent change', () => {
    const events = parse(withBody(inboundSms, 'help'));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'message',
      message: { metadata: { keyword: { kind: 'help', keyword: 'HELP' } } },
    });
  });

  it('does not treat a sentence that contains a keyword as a keyword', () => {
    expect(parse(withBody(inboundSms, 'Please stop sending the wrong size'))).toHaveLength(1);
    expect(matchKeyword('Please stop')).toBeUndefined();
  });

  it("trusts Twilio's Advanced Opt-Out OptOutType for custom keywords", () => {
    const events = parse({ ...withBody(inboundSms, 'ARRET'), OptOutType: 'STOP' });
    expect(events[1]).toMatchObject({ type: 'consent', optedOut: true, keyword: 'STOP' });
  });
});

describe('parse: malformed input', () => {
  it.each([
    ['no MessageSid', { From: CUSTOMER, Body: 'hi' }],
    ['a MessageSid that is not a SID', { ...inboundSms, MessageSid: 'x', SmsSid: 'x', SmsMessageSid: 'x' }],
    ['no From on a message', { ...inboundSms, From: '' }],
    ['an array', ['MessageSid']],
    ['null', null],
    ['a bad receivedAt', { params: inboundSms, receivedAt: 'yesterday' }],
  ])('refuses %s with a WebhookParseError keeping raw', (_name, payload) => {
    try {
      parseTwilioWebhook(payload);
      expect.unreachable('parse accepted a malformed payload');
    } catch (error) {
      expect(isWebhookParseError(error)).toBe(true);
      expect((error as { raw: unknown }).raw).toEqual(payload);
    }
  });
});
