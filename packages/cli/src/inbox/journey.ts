import type { Hub } from '@omnithread/core';
import type { InboxClock } from './clock.js';
import type { Outbox } from './outbox.js';
import { SANDBOX } from './sandbox-config.js';
import { mailgunMimeRequest, metaRequest, twilioFormRequest, twilioJsonRequest, xRequest } from './signed.js';

/** The journey's customer: one person, five addresses on six channels. */
export const MAYA = {
  name: 'Maya Okafor',
  email: 'maya.okafor@example.org',
  phone: '+14155550173',
  waId: '14155550173',
  xUserId: '1589000000000000173',
  xScreenName: 'maya_outdoors',
  messengerPsid: '6100000000000173',
  instagramIgsid: '5300000000000173',
  callSid: 'CA7c1e0b2d4f6a8c0e1b3d5f7a9c1e2291',
} as const;

/** A word only the call transcript says, for search. */
export const TRANSCRIPT_WORD = 'guylines';

export interface JourneyStep {
  /** Offset from the journey's end, in minutes (negative: in the past). */
  minutesAgo: number;
  label: string;
  run(ctx: JourneyContext): Promise<void>;
}

export interface JourneyContext {
  hub: Hub;
  outbox: Outbox;
  at: Date;
  /** `http://127.0.0.1:<port>`: the URL the webhooks are addressed (and signed) to. */
  baseUrl: string;
  deliver(request: Request): Promise<void>;
}

export interface JourneyResult {
  contactId: string;
  conversationId: string;
  steps: number;
}

const HOUR = 60;
const rfc2822 = (d: Date) => d.toUTCString().replace('GMT', '+0000');
const seconds = (d: Date) => String(Math.floor(d.getTime() / 1000));

async function maya(hub: Hub) {
  const contact = await hub.contacts.findByIdentity({ kind: 'email', value: MAYA.email });
  if (!contact) throw new Error('the journey lost its customer: no contact for the first email');
  return contact;
}

async function mayaConversation(hub: Hub): Promise<string> {
  const contact = await maya(hub);
  const list = await hub.conversations.list({ contactId: contact.id, limit: 5 });
  const first = list.items[0];
  if (!first) throw new Error('the journey lost its conversation');
  return first.id;
}

function twilioSms(body: string, sid: string, from: string = MAYA.phone): Record<string, string> {
  return {
    ToCountry: 'US',
    ToState: 'CA',
    SmsMessageSid: sid,
    NumMedia: '0',
    SmsSid: sid,
    SmsStatus: 'received',
    Body: body,
    FromCountry: from.startsWith('+44') ? 'GB' : 'US',
    To: SANDBOX.twilio.number,
    NumSegments: '1',
    MessageSid: sid,
    AccountSid: SANDBOX.twilio.accountSid,
    From: from,
    ApiVersion: '2010-04-01',
  };
}

/** A WhatsApp Cloud webhook envelope around one change value of the sandbox business number. */
function whatsappEnvelope(value: Record<string, unknown>) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: SANDBOX.whatsapp.businessAccountId,
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: {
                display_phone_number: SANDBOX.whatsapp.displayNumber,
                phone_number_id: SANDBOX.whatsapp.phoneNumberId,
              },
              ...value,
            },
          },
        ],
      },
    ],
  };
}

function whatsappImage(id: string, at: Date, caption: string, mediaId: string) {
  return whatsappEnvelope({
    contacts: [{ profile: { name: 'Maya O.' }, wa_id: MAYA.waId }],
    messages: [
      {
        from: MAYA.waId,
        id,
        timestamp: seconds(at),
        type: 'image',
        image: {
          caption,
          mime_type: 'image/jpeg',
          sha256: 'Vd6bVqFkBdmhF3l1fNkKp2Vd2cQ2tE3lGw1kq3wq8nY=',
          id: mediaId,
        },
      },
    ],
  });
}

function whatsappStatus(wamid: string, status: 'delivered' | 'read', at: Date) {
  return whatsappEnvelope({
    statuses: [
      {
        id: wamid,
        status,
        timestamp: seconds(at),
        recipient_id: MAYA.waId,
        conversation: { id: 'c0a8f1e2d3b4a5968778695a4b3c2d1e', origin: { type: 'service' } },
        pricing: { billable: true, pricing_model: 'CBP', category: 'service' },
      },
    ],
  });
}

function metaMessage(
  object: 'page' | 'instagram',
  businessId: string,
  sender: string,
  mid: string,
  text: string,
  at: Date,
) {
  return {
    object,
    entry: [
      {
        id: businessId,
        time: at.getTime() + 400,
        messaging: [
          {
            sender: { id: sender },
            recipient: { id: businessId },
            timestamp: at.getTime(),
            message: { mid, text },
          },
        ],
      },
    ],
  };
}

const FIRST_EMAIL_ID = 'CAM2291.0a9f3e.maya@mail.example.org';

function firstEmail(at: Date): string {
  const pdf = Buffer.from('%PDF-1.4\n% Acme Outdoor order 2291: Ridgeline 2P tent, 1x\n%%EOF\n').toString(
    'base64',
  );
  return [
    `Return-Path: <${MAYA.email}>`,
    `Authentication-Results: ${SANDBOX.email.authservId}; dkim=pass header.d=example.org; spf=pass smtp.mailfrom=example.org; dmarc=pass (p=QUARANTINE) header.from=example.org`,
    `From: ${MAYA.name} <${MAYA.email}>`,
    `To: Acme Outdoor Support <${SANDBOX.email.address}>`,
    'Subject: Order #2291: tent arrived without poles',
    `Date: ${rfc2822(at)}`,
    `Message-ID: <${FIRST_EMAIL_ID}>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="mixed-2291"',
    '',
    '--mixed-2291',
    'Content-Type: multipart/alternative; boundary="alt-2291"',
    '',
    '--alt-2291',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Hello,',
    '',
    'My Ridgeline 2P tent (order #2291) arrived today, but the pole bag is empty.',
    'We leave for a camping trip on Saturday. Can you send the poles quickly?',
    '',
    'Order confirmation attached.',
    '',
    'Maya',
    '--alt-2291',
    'Content-Type: text/html; charset=utf-8',
    '',
    '<p>Hello,</p><p>My <b>Ridgeline 2P</b> tent (order #2291) arrived today, but the pole bag is empty.<br>We leave for a camping trip on Saturday. Can you send the poles quickly?</p><p>Order confirmation attached.</p><p>Maya</p><img src="https://tracker.example.net/open.gif" onerror="alert(1)">',
    '--alt-2291--',
    '--mixed-2291',
    'Content-Type: application/pdf; name="order-2291.pdf"',
    'Content-Disposition: attachment; filename="order-2291.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    pdf,
    '--mixed-2291--',
    '',
  ].join('\r\n');
}

const url = (ctx: JourneyContext, channel: string) => `${ctx.baseUrl}/webhooks/${channel}`;

/**
 * One customer over three days: an email with an attachment, an SMS, a WhatsApp photo, a phone call
 * with its transcript, an X DM, a Messenger message, an SMS STOP, a second WhatsApp photo, and an
 * Instagram DM from an account nobody has tied to her yet (for the agent to merge). The agent
 * answers by email, SMS and WhatsApp in between; providers' status webhooks follow the answers.
 * Another customer asks a one-off question by SMS.
 */
export const JOURNEY: readonly JourneyStep[] = [
  {
    minutesAgo: -72 * HOUR,
    label: 'email from Maya (Mailgun raw MIME)',
    async run(ctx) {
      await ctx.deliver(
        mailgunMimeRequest(`${url(ctx, 'email')}/mailgun/mime`, firstEmail(ctx.at), {
          from: `${MAYA.name} <${MAYA.email}>`,
          recipient: SANDBOX.email.address,
          subject: 'Order #2291: tent arrived without poles',
        }),
      );
    },
  },
  {
    minutesAgo: -72 * HOUR + 1,
    label: "the shop links Maya's verified phone and connected X and Messenger accounts",
    async run(ctx) {
      // Identities the app knows from its own user record: only the app can vouch for these.
      const contact = await maya(ctx.hub);
      await ctx.hub.contacts.link(
        contact.id,
        { kind: 'phone', value: MAYA.phone },
        {
          evidence: "phone verified by SMS code on Maya's Acme account",
        },
      );
      await ctx.hub.contacts.link(
        contact.id,
        { kind: 'x', value: MAYA.xUserId },
        {
          evidence: "X account connected by OAuth on Maya's Acme account",
        },
      );
      await ctx.hub.contacts.link(
        contact.id,
        { kind: 'messenger', value: MAYA.messengerPsid },
        {
          evidence: 'Messenger opt-in (checkbox plugin user_ref) at checkout',
        },
      );
    },
  },
  {
    minutesAgo: -70 * HOUR,
    label: 'agent answers by email',
    async run(ctx) {
      await ctx.hub.reply(await mayaConversation(ctx.hub), {
        text: "Hi Maya, I'm so sorry. I've asked the warehouse to send a pole set by courier today. — Sam, Acme Outdoor",
      });
    },
  },
  {
    minutesAgo: -50 * HOUR,
    label: 'SMS from Maya (Twilio)',
    async run(ctx) {
      await ctx.deliver(
        twilioFormRequest(
          url(ctx, 'sms'),
          twilioSms(
            "Hi it's Maya, order 2291. Any tracking for the poles? We leave Saturday",
            'SM4f2d9a0c1b3e5d7f9a1c3e5b7d9f2291',
          ),
        ),
      );
    },
  },
  {
    minutesAgo: -50 * HOUR + 10,
    label: 'agent answers by SMS, Twilio reports it delivered',
    async run(ctx) {
      const sent = await ctx.hub.reply(await mayaConversation(ctx.hub), {
        text: 'Hi Maya, Sam from Acme. Poles shipped: track at acme-outdoor.example/t/2291',
      });
      await ctx.deliver(
        twilioFormRequest(url(ctx, 'sms'), {
          SmsSid: sent.external.id,
          SmsStatus: 'delivered',
          MessageStatus: 'delivered',
          To: MAYA.phone,
          MessageSid: sent.external.id,
          AccountSid: SANDBOX.twilio.accountSid,
          From: SANDBOX.twilio.number,
          ApiVersion: '2010-04-01',
        }),
      );
    },
  },
  {
    minutesAgo: -47 * HOUR,
    label: 'another customer asks by SMS',
    async run(ctx) {
      await ctx.deliver(
        twilioFormRequest(
          url(ctx, 'sms'),
          twilioSms('Do you ship tents to the UK?', 'SM0b9a8c7d6e5f4a3b2c1d0e9f8a7b6c5d', '+447700900123'),
        ),
      );
    },
  },
  {
    minutesAgo: -46 * HOUR,
    label: 'WhatsApp photo from Maya (Cloud API)',
    async run(ctx) {
      await ctx.deliver(
        metaRequest(
          url(ctx, 'whatsapp'),
          whatsappImage(
            'wamid.HBgLMTQxNTU1NTAxNzMVAgASGBQzRUIwMkI5RjE0RTZGQzdBNTU5MgA=',
            ctx.at,
            'This is what arrived: the pole bag is empty',
            '1029384756102938',
          ),
        ),
      );
    },
  },
  {
    minutesAgo: -45 * HOUR,
    label: 'agent answers on WhatsApp, Meta reports delivered and read',
    async run(ctx) {
      const sent = await ctx.hub.reply(await mayaConversation(ctx.hub), {
        text: 'Thanks for the photo, Maya. The courier has the poles; they should reach you tomorrow.',
      });
      const later = new Date(ctx.at.getTime() + 60_000);
      await ctx.deliver(
        metaRequest(url(ctx, 'whatsapp'), whatsappStatus(sent.external.id, 'delivered', later)),
      );
      await ctx.deliver(
        metaRequest(
          url(ctx, 'whatsapp'),
          whatsappStatus(sent.external.id, 'read', new Date(later.getTime() + 120_000)),
        ),
      );
    },
  },
  {
    minutesAgo: -26 * HOUR,
    label: 'Maya calls (Twilio voice status callback)',
    async run(ctx) {
      await ctx.deliver(
        twilioFormRequest(url(ctx, 'voice'), {
          AccountSid: SANDBOX.twilio.accountSid,
          ApiVersion: '2010-04-01',
          CallSid: MAYA.callSid,
          CallStatus: 'completed',
          CallDuration: '94',
          Called: SANDBOX.twilio.number,
          Caller: MAYA.phone,
          Direction: 'inbound',
          From: MAYA.phone,
          To: SANDBOX.twilio.number,
          Timestamp: rfc2822(ctx.at),
          CallbackSource: 'call-progress-events',
          SequenceNumber: '0',
        }),
      );
    },
  },
  {
    minutesAgo: -26 * HOUR + 3,
    label: 'the call transcript (Twilio Voice Intelligence)',
    async run(ctx) {
      const started = new Date(ctx.at.getTime() - 3 * 60_000);
      const sentences = [
        [1, 'Hi, this is Maya Okafor, order 2291. The poles still have not arrived.'],
        [2, 'I am sorry Maya. I can see your WhatsApp photo and the courier scan from this morning.'],
        [1, 'We leave on Saturday. Can you also add the guylines? Those were missing too.'],
        [2, 'Of course. I will add a set of guylines and upgrade the courier to next-day.'],
        [1, 'Great, thank you.'],
      ] as const;
      let t = 0.4;
      await ctx.deliver(
        twilioJsonRequest(url(ctx, 'voice'), {
          transcript: {
            sid: 'GT5c0d1e2f3a4b5c6d7e8f9a0b1c2d2291',
            account_sid: SANDBOX.twilio.accountSid,
            customer_key: MAYA.callSid,
            language_code: 'en-US',
            duration: 94,
            date_created: started.toISOString(),
            media_start_time: started.toISOString(),
            channel: {
              media_properties: { source_sid: MAYA.callSid },
              participants: [
                { channel_participant: 1, role: 'Customer', media_participant_id: MAYA.phone },
                { channel_participant: 2, role: 'Agent', media_participant_id: SANDBOX.twilio.number },
              ],
            },
          },
          sentences: sentences.map(([speaker, text], index) => {
            const start = t;
            t += 1.2 + text.length / 14;
            return {
              media_channel: speaker,
              sentence_index: index,
              start_time: Number(start.toFixed(2)),
              end_time: Number(t.toFixed(2)),
              transcript: text,
              confidence: 0.93,
            };
          }),
        }),
      );
    },
  },
  {
    minutesAgo: -20 * HOUR,
    label: 'X DM from Maya (Account Activity)',
    async run(ctx) {
      await ctx.deliver(
        xRequest(url(ctx, 'x'), {
          for_user_id: SANDBOX.x.userId,
          direct_message_events: [
            {
              type: 'message_create',
              id: '1860000000000002291',
              created_timestamp: String(ctx.at.getTime()),
              message_create: {
                target: { recipient_id: SANDBOX.x.userId },
                sender_id: MAYA.xUserId,
                message_data: {
                  text: 'The tracking link in your SMS gives me a 404',
                  entities: { hashtags: [], symbols: [], user_mentions: [], urls: [] },
                },
              },
            },
          ],
          users: {
            [MAYA.xUserId]: { id: MAYA.xUserId, name: MAYA.name, screen_name: MAYA.xScreenName },
            [SANDBOX.x.userId]: {
              id: SANDBOX.x.userId,
              name: 'Acme Outdoor',
              screen_name: SANDBOX.x.screenName,
            },
          },
        }),
      );
    },
  },
  {
    minutesAgo: -8 * HOUR,
    label: 'Messenger message from Maya',
    async run(ctx) {
      await ctx.deliver(
        metaRequest(
          url(ctx, 'messenger'),
          metaMessage(
            'page',
            SANDBOX.messenger.pageId,
            MAYA.messengerPsid,
            'm_Pq9Zr2291maya0Messenger0dTl8vXyZaBcDeFgHiJkLmNoPqRsTuVwXyZ',
            'Poles arrived! But one section is bent',
            ctx.at,
          ),
        ),
      );
    },
  },
  {
    minutesAgo: -6 * HOUR,
    label: 'Maya texts STOP (SMS opt-out)',
    async run(ctx) {
      await ctx.deliver(
        twilioFormRequest(url(ctx, 'sms'), twilioSms('STOP', 'SM9e8d7c6b5a4f3e2d1c0b9a8f7e6d2291')),
      );
    },
  },
  {
    minutesAgo: -50,
    label: 'second WhatsApp photo from Maya',
    async run(ctx) {
      await ctx.deliver(
        metaRequest(
          url(ctx, 'whatsapp'),
          whatsappImage(
            'wamid.HBgLMTQxNTU1NTAxNzMVAgASGBQ0QTFDOEQyRTNGNDA1QjZDNzhEOQA=',
            ctx.at,
            'Here is the bent section. Can you send just that one?',
            '1029384756102939',
          ),
        ),
      );
    },
  },
  {
    minutesAgo: -20,
    label: 'Instagram DM from an account nobody has tied to Maya yet',
    async run(ctx) {
      await ctx.deliver(
        metaRequest(
          url(ctx, 'instagram'),
          metaMessage(
            'instagram',
            SANDBOX.instagram.igUserId,
            MAYA.instagramIgsid,
            'aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDAwMDAwMDAwMDAxOjIyOTFtYXlh',
            "It's Maya (order 2291), writing here too in case WhatsApp is slow",
            ctx.at,
          ),
        ),
      );
    },
  },
];

/**
 * Plays the journey through `hub.handle` (signed webhooks, as the providers would post them) and
 * the hub's own API (links, replies), with the clock pinned to each step's moment.
 */
export async function playJourney(options: {
  hub: Hub;
  outbox: Outbox;
  clock: InboxClock;
  baseUrl: string;
  /** The journey's end; default now. */
  end?: Date;
  onStep?: (step: JourneyStep, at: Date) => void;
}): Promise<JourneyResult> {
  const end = options.end ?? new Date();
  const deliver = async (request: Request) => {
    const response = await options.hub.handle(request);
    if (!response.ok) {
      throw new Error(
        `the ${new URL(request.url).pathname} webhook answered ${response.status}: ${await response.text()}`,
      );
    }
  };
  try {
    for (const step of JOURNEY) {
      const at = new Date(end.getTime() + step.minutesAgo * 60_000);
      options.clock.pin(at);
      options.onStep?.(step, at);
      await step.run({ hub: options.hub, outbox: options.outbox, at, baseUrl: options.baseUrl, deliver });
    }
  } finally {
    options.clock.release();
  }
  const contact = await maya(options.hub);
  return {
    contactId: contact.id,
    conversationId: await mayaConversation(options.hub),
    steps: JOURNEY.length,
  };
}
