import type { ChannelAdapter } from '@omnithread/core';
import { ConfigurationError } from '@omnithread/core';
import { createEmailAdapter } from '@omnithread/email';
import { createSmsAdapter } from '@omnithread/sms';
import { createInstagramAdapter, createMessengerAdapter, createXAdapter } from '@omnithread/social';
import { createVoiceAdapter } from '@omnithread/voice';
import { createWhatsAppCloudAdapter } from '@omnithread/whatsapp/cloud';
import { type Outbox, withOutbox } from './outbox.js';
import { SANDBOX } from './sandbox-config.js';

type XClient = Parameters<typeof createXAdapter>[0]['client'];

/**
 * Every channel of the sandbox business, with the adapters' real webhook handling and signature
 * checks, and each `send` replaced by the local outbox.
 */
export function sandboxAdapters(outbox: Outbox, clock: () => Date): ChannelAdapter[] {
  const { twilio, meta } = SANDBOX;
  const adapters: ChannelAdapter[] = [
    createEmailAdapter({
      from: `Acme Outdoor Support <${SANDBOX.email.address}>`,
      // Mailgun routes forward raw MIME to /webhooks/email/mailgun/mime, signed with this key.
      inbound: { mailgun: { signingKey: SANDBOX.email.signingKey } },
      trustAuthenticationResultsFrom: [SANDBOX.email.authservId],
    }),
    createSmsAdapter({
      accountSid: twilio.accountSid,
      authToken: twilio.authToken,
      from: twilio.number,
      clock,
    }),
    createWhatsAppCloudAdapter({
      appSecret: meta.appSecret,
      verifyToken: meta.verifyToken,
      accessToken: meta.accessToken,
      phoneNumberId: SANDBOX.whatsapp.phoneNumberId,
      clock,
    }),
    createXAdapter({
      // Never called: sends go to the outbox and the sandbox does not poll.
      client: { v2: {} } as unknown as XClient,
      userId: SANDBOX.x.userId,
      consumerSecret: SANDBOX.x.consumerSecret,
    }),
    createMessengerAdapter({
      appSecret: meta.appSecret,
      verifyToken: meta.verifyToken,
      pageAccessToken: meta.accessToken,
      pageId: SANDBOX.messenger.pageId,
    }),
    createInstagramAdapter({
      appSecret: meta.appSecret,
      verifyToken: meta.verifyToken,
      pageAccessToken: meta.accessToken,
      igUserId: SANDBOX.instagram.igUserId,
    }),
    createVoiceAdapter({ authToken: twilio.authToken, clock }),
  ];
  // Calls are recorded, never placed: the voice adapter keeps its own `send` (NotSupportedError).
  return adapters.map((adapter) =>
    adapter.channel === 'voice' ? adapter : withOutbox(adapter, outbox, clock),
  );
}

export type Env = Record<string, string | undefined>;

/** What `adaptersFromEnv` mounted and what it left out, with the reason. */
export interface EnvAdapters {
  adapters: ChannelAdapter[];
  skipped: Array<{ channel: string; missing: string[] }>;
}

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * The adapters a production server mounts, from environment variables (see
 * examples/unified-inbox/.env.example). A channel whose credentials are missing is not mounted;
 * signature checks are always on.
 */
export async function adaptersFromEnv(env: Env): Promise<EnvAdapters> {
  const adapters: ChannelAdapter[] = [];
  const skipped: EnvAdapters['skipped'] = [];
  const need = (channel: string, names: string[]): boolean => {
    const missing = names.filter((n) => !env[n]?.trim());
    if (missing.length > 0) skipped.push({ channel, missing });
    return missing.length === 0;
  };
  const publicBaseUrl = env.PUBLIC_BASE_URL?.replace(/\/+$/, '');

  if (need('email', ['EMAIL_FROM']) && (env.MAILGUN_SIGNING_KEY || env.SMTP_HOST)) {
    const email = createEmailAdapter({
      from: env.EMAIL_FROM!,
      addresses: list(env.EMAIL_ADDRESSES),
      trustAuthenticationResultsFrom: list(env.EMAIL_TRUSTED_AUTHSERV_IDS),
      ...(env.MAILGUN_SIGNING_KEY ? { inbound: { mailgun: { signingKey: env.MAILGUN_SIGNING_KEY } } } : {}),
      ...(env.SMTP_HOST
        ? {
            smtp: {
              host: env.SMTP_HOST,
              port: Number(env.SMTP_PORT ?? 587),
              secure: env.SMTP_SECURE === 'true',
              ...(env.SMTP_USER ? { auth: { user: env.SMTP_USER, pass: env.SMTP_PASS ?? '' } } : {}),
            },
          }
        : {}),
    });
    // Without SMTP the route only receives: the page does not offer email replies.
    adapters.push(env.SMTP_HOST ? email : Object.assign(email, { receiveOnly: true }));
  } else if (env.EMAIL_FROM) {
    skipped.push({ channel: 'email', missing: ['MAILGUN_SIGNING_KEY or SMTP_HOST'] });
  }
  if (need('sms', ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN'])) {
    if (!env.TWILIO_FROM && !env.TWILIO_MESSAGING_SERVICE_SID)
      throw new ConfigurationError(
        'TWILIO_FROM',
        'set TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID to send SMS',
      );
    adapters.push(
      createSmsAdapter({
        accountSid: env.TWILIO_ACCOUNT_SID!,
        authToken: env.TWILIO_AUTH_TOKEN!,
        ...(env.TWILIO_FROM ? { from: env.TWILIO_FROM } : {}),
        ...(env.TWILIO_MESSAGING_SERVICE_SID
          ? { messagingServiceSid: env.TWILIO_MESSAGING_SERVICE_SID }
          : {}),
        ...(publicBaseUrl ? { publicBaseUrl, statusCallbackUrl: `${publicBaseUrl}/webhooks/sms` } : {}),
      }),
    );
  }
  if (need('voice', ['TWILIO_AUTH_TOKEN'])) {
    adapters.push(
      createVoiceAdapter({
        authToken: env.TWILIO_AUTH_TOKEN!,
        ...(env.TWILIO_ACCOUNT_SID ? { accountSid: env.TWILIO_ACCOUNT_SID } : {}),
        ...(publicBaseUrl ? { webhookUrl: `${publicBaseUrl}/webhooks/voice` } : {}),
        redact: env.VOICE_REDACT_PII !== 'false',
      }),
    );
  }
  if (
    need('whatsapp', [
      'META_APP_SECRET',
      'WHATSAPP_VERIFY_TOKEN',
      'WHATSAPP_TOKEN',
      'WHATSAPP_PHONE_NUMBER_ID',
    ])
  ) {
    adapters.push(
      createWhatsAppCloudAdapter({
        appSecret: env.META_APP_SECRET!,
        verifyToken: env.WHATSAPP_VERIFY_TOKEN!,
        accessToken: env.WHATSAPP_TOKEN!,
        phoneNumberId: env.WHATSAPP_PHONE_NUMBER_ID!,
      }),
    );
  }
  if (
    need('messenger', ['META_APP_SECRET', 'META_VERIFY_TOKEN', 'MESSENGER_PAGE_TOKEN', 'MESSENGER_PAGE_ID'])
  ) {
    adapters.push(
      createMessengerAdapter({
        appSecret: env.META_APP_SECRET!,
        verifyToken: env.META_VERIFY_TOKEN!,
        pageAccessToken: env.MESSENGER_PAGE_TOKEN!,
        pageId: env.MESSENGER_PAGE_ID!,
      }),
    );
  }
  if (
    need('instagram', [
      'META_APP_SECRET',
      'META_VERIFY_TOKEN',
      'INSTAGRAM_PAGE_TOKEN',
      'INSTAGRAM_ACCOUNT_ID',
    ])
  ) {
    adapters.push(
      createInstagramAdapter({
        appSecret: env.META_APP_SECRET!,
        verifyToken: env.META_VERIFY_TOKEN!,
        pageAccessToken: env.INSTAGRAM_PAGE_TOKEN!,
        igUserId: env.INSTAGRAM_ACCOUNT_ID!,
      }),
    );
  }
  if (need('x', ['X_API_KEY', 'X_API_SECRET', 'X_ACCESS_TOKEN', 'X_ACCESS_SECRET', 'X_USER_ID'])) {
    const { TwitterApi } = await import('twitter-api-v2');
    adapters.push(
      createXAdapter({
        client: new TwitterApi({
          appKey: env.X_API_KEY!,
          appSecret: env.X_API_SECRET!,
          accessToken: env.X_ACCESS_TOKEN!,
          accessSecret: env.X_ACCESS_SECRET!,
        }),
        userId: env.X_USER_ID!,
        consumerSecret: env.X_API_SECRET!,
      }),
    );
  }
  return { adapters, skipped };
}
