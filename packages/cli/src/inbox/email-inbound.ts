import {
  type AdapterResult,
  type Capabilities,
  type ChannelAdapter,
  ConfigurationError,
  hmacSha256,
  NotSupportedError,
  readBody,
  timingSafeEqualString,
  WebhookParseError,
  WebhookVerificationError,
} from '@omnithread/core';
import { parseEmail } from '@omnithread/email';

/**
 * Inbound email through a provider's "forward the raw MIME to a URL" route, Mailgun's shape: a form
 * post with `body-mime` (the whole RFC 5322 message) and `timestamp`, `token`, `signature`, where
 * `signature` = hex HMAC-SHA256 of `timestamp + token` keyed by the webhook signing key. The MIME
 * goes through @omnithread/email's parser, so threading headers, quoted replies and trust are theirs.
 * Sending email is @omnithread/email's job (SMTP); this adapter only receives.
 */
export interface MailgunInboundConfig {
  /** Mailgun's HTTP webhook signing key. */
  signingKey: string;
  /** Our mailboxes: mail from them is outbound, and they are never taken for participants. */
  addresses?: readonly string[];
  /** Authserv-ids of the receiving servers whose Authentication-Results are believed (e.g. `mxa.mailgun.org`). */
  trustAuthenticationResultsFrom?: readonly string[];
  /** Reject signatures older than this (replays). Default 15 minutes; 0 turns the check off. */
  maxAgeMs?: number;
  maxBodyBytes?: number;
  verifySignature?: boolean;
  clock?: () => Date;
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

/** Mailgun's signature fields for a webhook: what the sandbox journey signs its posts with. */
export function mailgunSignature(signingKey: string, timestamp: string, token: string): string {
  return hmacSha256(signingKey, timestamp + token, 'hex');
}

export function createMailgunInboundAdapter(
  config: MailgunInboundConfig,
): ChannelAdapter & { receiveOnly: true } {
  const verify = config.verifySignature ?? true;
  if (verify && !config.signingKey)
    throw new ConfigurationError('signingKey', 'the inbound email adapter needs the webhook `signingKey`');
  if (!verify)
    console.warn('[omnithread/inbox] inbound email signature checks are OFF: anyone can post mail');
  const clock = config.clock ?? (() => new Date());
  const maxAgeMs = config.maxAgeMs ?? 15 * 60_000;
  const parseOptions = {
    ...(config.addresses ? { addresses: config.addresses, endpoint: config.addresses[0] } : {}),
    ...(config.trustAuthenticationResultsFrom
      ? { trustAuthenticationResultsFrom: config.trustAuthenticationResultsFrom }
      : {}),
  };
  return {
    channel: 'email',
    receiveOnly: true,
    capabilities: EMAIL_CAPABILITIES,
    parse() {
      // parseEmail is asynchronous (streams the MIME); the pure path is `handle` → parseEmail.
      throw new NotSupportedError('parse', 'use @omnithread/email parseEmail for raw MIME');
    },
    async handle(request: Request): Promise<AdapterResult> {
      const body = await readBody(request, { maxBytes: config.maxBodyBytes ?? 25 * 1024 * 1024 });
      const type = request.headers.get('content-type') ?? 'application/x-www-form-urlencoded';
      let form: FormData;
      try {
        form = await new Response(body, { headers: { 'content-type': type } }).formData();
      } catch (cause) {
        throw new WebhookVerificationError(
          'the inbound email post is not a form, so it carries no signature',
          {
            cause,
          },
        );
      }
      const field = (name: string) => {
        const value = form.get(name);
        return typeof value === 'string' ? value : undefined;
      };
      if (verify) {
        const timestamp = field('timestamp');
        const token = field('token');
        const signature = field('signature');
        if (!timestamp || !token || !signature)
          throw new WebhookVerificationError('the inbound email post has no timestamp/token/signature');
        if (!timingSafeEqualString(mailgunSignature(config.signingKey, timestamp, token), signature))
          throw new WebhookVerificationError('the inbound email signature does not match');
        const age = clock().getTime() - Number(timestamp) * 1000;
        if (maxAgeMs > 0 && !(Math.abs(age) <= maxAgeMs))
          throw new WebhookVerificationError('the inbound email signature is too old (a replay?)');
      }
      const mime = field('body-mime');
      if (!mime) throw new WebhookParseError('the inbound email post has no body-mime field', { raw: body });
      let events: Awaited<ReturnType<typeof parseEmail>>;
      try {
        events = await parseEmail(mime, parseOptions);
      } catch (cause) {
        throw new WebhookParseError(`the MIME message does not parse: ${(cause as Error).message}`, {
          raw: mime,
          cause,
        });
      }
      return { response: new Response('ok', { status: 200 }), events };
    },
    async send() {
      throw new NotSupportedError(
        'send',
        'this inbound email route only receives; configure SMTP sending with @omnithread/email',
      );
    },
  };
}
