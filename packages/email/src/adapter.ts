import {
  type AdapterResult,
  type Capabilities,
  type ChannelAdapter,
  ConfigurationError,
  type InboundEvent,
  isOmnithreadError,
  isValidEmail,
  NotSupportedError,
  type OutboundMessage,
  type SendContext,
  type SendResult,
  type Stop,
  WebhookParseError,
} from '@omnithread/core';
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { type ImapListenConfig, listenImap } from './imap/listen.js';
import type { ParseLimits } from './mime/limits.js';
import { type ToMessageOptions, toInboundMessage } from './mime/message.js';
import type { ParsedEmail } from './mime/types.js';
import { type MailTransport, sendEmail } from './send/send.js';
import type { AuthenticationTrustOptions } from './trust/authres.js';
import type { MailauthOptions } from './trust/mailauth.js';
import { type InboundWebhookConfig, inboundWebhookHandler } from './webhook/handle.js';
import { mailgunToParsed, postmarkToParsed, rawMimeOf, sendgridToParsed } from './webhook/parse.js';
import { isFormPayload, isPostmarkInbound } from './webhook/payloads.js';

export interface EmailAdapterConfig extends AuthenticationTrustOptions {
  /** Our sender address, e.g. `Support <help@shop.test>`. */
  from: string;
  /** All our mailboxes (aliases); `from` is always included. They are never participants. */
  addresses?: string[];
  /** Domain of the Message-IDs of sent mail. Default: the domain of `from`. */
  messageIdDomain?: string;
  /** nodemailer SMTP options (host, port, secure, auth…): the default transport. */
  smtp?: SMTPTransport.Options;
  /** Any nodemailer transporter (or an object with `sendMail`), instead of `smtp`. */
  transport?: MailTransport;
  /** Inbound webhooks (SendGrid, Mailgun, Postmark) answered by `handle()`. */
  inbound?: InboundWebhookConfig;
  /** IMAP mailbox to `listen()` to. */
  imap?: ImapListenConfig;
  /** Bounds applied to every message: raw MIME, IMAP and the providers' parsed webhook fields. */
  limits?: ParseLimits;
  /** Split quoted history and signatures off into `newText`. Default true. */
  extractReplies?: boolean;
  /**
   * Check DKIM/SPF/DMARC with mailauth on raw mail (IMAP, raw-MIME webhooks). `true` reads the
   * client IP from the topmost Received header, which must be written by your own MX.
   */
  mailauth?: MailauthOptions | true;
}

/** Whether a webhook payload carries the provider's parsed fields (not only raw MIME). */
function hasParsedFields(raw: unknown): boolean {
  if (isPostmarkInbound(raw))
    return raw.TextBody !== undefined || raw.HtmlBody !== undefined || Array.isArray(raw.Headers);
  if (!isFormPayload(raw)) return false;
  return raw.provider === 'sendgrid'
    ? raw.fields.headers !== undefined
    : raw.fields['message-headers'] !== undefined;
}

export const EMAIL_CAPABILITIES: Capabilities = {
  media: true,
  templates: false,
  reactions: false,
  edits: false,
  readReceipts: false,
  threaded: true,
  identityKinds: ['email'],
  subject: true,
};

/**
 * The email channel adapter. `parse` is synchronous and pure, so it takes what is already decoded:
 * a `ParsedEmail` (from `parseMime`), a SendGrid / Mailgun form payload, or Postmark inbound JSON.
 * Raw MIME goes through `parseEmail` (async); `handle`, `listen` and the importers do that for you.
 *
 * @example
 * ```ts
 * const email = createEmailAdapter({
 *   from: 'Support <help@shop.test>',
 *   smtp: { host: 'smtp.shop.test', port: 587, auth: { user: 'help', pass: process.env.SMTP_PASS } },
 *   inbound: { mailgun: { signingKey: process.env.MAILGUN_SIGNING_KEY! } },
 * });
 * const hub = createHub({ store: memoryStore(), adapters: [email] });
 * ```
 */
export function createEmailAdapter(config: EmailAdapterConfig): ChannelAdapter {
  if (!config || typeof config.from !== 'string' || !isValidEmail(config.from)) {
    throw new ConfigurationError(
      'from',
      'createEmailAdapter needs `from`, our sender address (e.g. "Support <help@shop.test>")',
    );
  }
  const domain = config.from.trim().replace(/>$/, '').split('@').at(-1)!.toLowerCase();
  const messageIdDomain = config.messageIdDomain ?? domain;
  if (!/^[A-Za-z0-9.-]+$/.test(messageIdDomain))
    throw new ConfigurationError('messageIdDomain', 'messageIdDomain must be a domain name');
  if (config.inbound?.mailgun && !config.inbound.mailgun.signingKey) {
    throw new ConfigurationError(
      'inbound.mailgun.signingKey',
      'Mailgun inbound webhooks need the HTTP webhook signing key',
    );
  }
  const addresses = [config.from, ...(config.addresses ?? [])].map((a) => a.trim().replace(/^.*<|>$/g, ''));
  const messageOptions: ToMessageOptions = { addresses, endpoint: addresses[0]! };
  if (config.trustAuthenticationResultsFrom)
    messageOptions.trustAuthenticationResultsFrom = config.trustAuthenticationResultsFrom;
  if (config.extractReplies !== undefined) messageOptions.extractReplies = config.extractReplies;
  let transport = config.transport;
  const mailauth: MailauthOptions | undefined =
    config.mailauth === true ? { trustReceived: true } : config.mailauth;
  const rawOptions = { ...messageOptions, ...config.limits, ...(mailauth ? { mailauth } : {}) };
  const handler = config.inbound ? inboundWebhookHandler(config.inbound, rawOptions) : undefined;

  const parse = (raw: unknown): InboundEvent[] => {
    try {
      let parsed: ParsedEmail;
      if (typeof raw === 'object' && raw !== null && (raw as ParsedEmail).type === 'parsed-email')
        parsed = raw as ParsedEmail;
      else if (isFormPayload(raw) || isPostmarkInbound(raw)) {
        if (rawMimeOf(raw) !== undefined && !hasParsedFields(raw)) {
          throw new WebhookParseError(
            'This payload carries raw MIME: decode it with parseEmail() or handle()',
            { raw },
          );
        }
        const limits = config.limits ?? {};
        parsed = isPostmarkInbound(raw)
          ? postmarkToParsed(raw, limits)
          : raw.provider === 'sendgrid'
            ? sendgridToParsed(raw, limits)
            : mailgunToParsed(raw, limits);
      } else
        throw new WebhookParseError(
          'Not an email payload (ParsedEmail, SendGrid/Mailgun form or Postmark JSON)',
          { raw },
        );
      return [{ type: 'message', message: toInboundMessage(parsed, messageOptions) }];
    } catch (error) {
      if (isOmnithreadError(error)) throw error;
      throw new WebhookParseError(`Unreadable email payload: ${(error as Error).message}`, {
        raw,
        cause: error,
      });
    }
  };

  const adapter: ChannelAdapter = {
    channel: 'email',
    capabilities: EMAIL_CAPABILITIES,
    parse,
    async send(message: OutboundMessage, context: SendContext): Promise<SendResult> {
      if (!transport) {
        if (!config.smtp)
          throw new NotSupportedError('send', 'The email adapter has no `smtp` settings or `transport`');
        transport = nodemailer.createTransport(config.smtp) as unknown as MailTransport;
      }
      return sendEmail(message, context, { from: config.from, messageIdDomain, transport });
    },
  };
  if (handler) adapter.handle = (request: Request): Promise<AdapterResult> => handler(request);
  if (config.imap) {
    const imap = config.imap;
    adapter.listen = (emit: (event: InboundEvent) => Promise<void>): Promise<Stop> =>
      listenImap(imap, emit, rawOptions);
  }
  return adapter;
}
