import { createHash } from 'node:crypto';
import {
  type AdapterResult,
  ConfigurationError,
  type InboundEvent,
  isPayloadTooLargeError,
  PayloadTooLargeError,
  parseJson,
  WebhookParseError,
  WebhookVerificationError,
} from '@omnithread/core';
import { type ToMessageOptions, toInboundMessage } from '../mime/message.js';
import { type ParseMimeOptions, parseMime } from '../mime/parse.js';
import type { ParsedEmail } from '../mime/types.js';
import { authenticateEmail, type MailauthOptions } from '../trust/mailauth.js';
import { readBytes, readForm } from './body.js';
import { mailgunToParsed, postmarkToParsed, rawMimeOf, sendgridToParsed } from './parse.js';
import { type InboundFormPayload, isPostmarkInbound } from './payloads.js';
import { claimMailgunToken, memoryReplayGuard, type ReplayGuard } from './replay.js';
import {
  type BasicAuthCredentials,
  verifyBasicAuth,
  verifyMailgunSignature,
  verifyQueryToken,
} from './verify.js';

export type InboundProvider = 'sendgrid' | 'mailgun' | 'postmark';

/** Webhook settings per provider. A provider with no settings is refused (401). */
export interface InboundWebhookConfig {
  /**
   * SendGrid Inbound Parse has no signature: put basic-auth credentials in the webhook URL
   * (`https://user:pass@example.com/webhooks/email/sendgrid`) and/or a `?token=` secret.
   */
  sendgrid?: { basicAuth?: BasicAuthCredentials; token?: string };
  /**
   * Mailgun routes: the HTTP webhook signing key; stale timestamps are refused, and so is a token
   * reused with other content. `replayGuard` remembers the tokens: by default in this process's
   * memory; give every instance one shared guard (Redis, SQL) to refuse replays across instances
   * and restarts.
   */
  mailgun?: { signingKey: string; toleranceSeconds?: number; replayGuard?: ReplayGuard };
  /** Postmark inbound: basic-auth credentials in the webhook URL, and/or a `?token=` secret. */
  postmark?: { basicAuth?: BasicAuthCredentials; token?: string };
  /** Provider for requests to the bare route (`/webhooks/email`). */
  defaultProvider?: InboundProvider;
  /** Largest body accepted. Default 30 MiB (SendGrid's limit). */
  maxBodyBytes?: number;
}

export interface HandleOptions extends ToMessageOptions, ParseMimeOptions {
  now?: () => Date;
  /** Check DKIM/SPF/DMARC of raw-MIME posts with mailauth. */
  mailauth?: MailauthOptions;
}

function providerOf(request: Request, config: InboundWebhookConfig): InboundProvider {
  const segments = new URL(request.url).pathname.split('/').filter(Boolean);
  const last = segments.at(-1);
  if (last === 'sendgrid' || last === 'mailgun' || last === 'postmark') return last;
  // Mailgun's raw-MIME routes end with "mime": /webhooks/email/mailgun/mime.
  if (last === 'mime' && segments.at(-2) === 'mailgun') return 'mailgun';
  if (config.defaultProvider) return config.defaultProvider;
  throw new WebhookVerificationError(
    'No inbound email provider in the webhook path (…/sendgrid, …/mailgun, …/postmark)',
  );
}

function checkSecrets(
  request: Request,
  settings: { basicAuth?: BasicAuthCredentials; token?: string } | undefined,
  name: string,
): void {
  if (!settings || (!settings.basicAuth && !settings.token)) {
    throw new WebhookVerificationError(
      `${name} inbound webhooks are not configured (set basicAuth or token)`,
    );
  }
  if (settings.basicAuth) verifyBasicAuth(request, settings.basicAuth);
  if (settings.token) verifyQueryToken(request, settings.token);
}

/**
 * Creates the inbound-webhook handler: it verifies first (basic auth / token / Mailgun HMAC), then
 * reads the bounded body, then parses: raw MIME when the provider posted it (SendGrid "send raw",
 * Mailgun `…/mime` routes, Postmark `RawEmail`), else the provider's parsed fields.
 */
export function inboundWebhookHandler(config: InboundWebhookConfig, options: HandleOptions = {}) {
  const replayGuard =
    config.mailgun?.replayGuard ?? memoryReplayGuard(options.now ? { now: options.now } : {});
  if (typeof replayGuard.claim !== 'function') {
    throw new ConfigurationError(
      'inbound.mailgun.replayGuard',
      'inbound.mailgun.replayGuard needs a claim(token, fingerprint, expiresAt) method',
    );
  }
  const maxBytes = config.maxBodyBytes ?? 30 * 1024 * 1024;
  return async function handle(request: Request): Promise<AdapterResult> {
    const provider = providerOf(request, config);
    if (provider === 'sendgrid') checkSecrets(request, config.sendgrid, 'SendGrid');
    if (provider === 'postmark') checkSecrets(request, config.postmark, 'Postmark');
    if (provider === 'mailgun' && !config.mailgun)
      throw new WebhookVerificationError('Mailgun inbound webhooks are not configured');
    const bytes = await readBytes(request, maxBytes);
    const contentType = request.headers.get('content-type') ?? '';
    let payload: unknown;
    if (provider === 'postmark') {
      try {
        payload = parseJson(new TextDecoder().decode(bytes));
      } catch (error) {
        throw new WebhookParseError('Postmark inbound body is not JSON', {
          raw: new TextDecoder().decode(bytes),
          cause: error,
        });
      }
      if (!isPostmarkInbound(payload))
        throw new WebhookParseError('Not a Postmark inbound message', { raw: payload });
    } else {
      let form: InboundFormPayload;
      try {
        form = await readForm(provider, bytes, contentType);
      } catch (error) {
        // Mailgun's signature travels inside the form: a body that is no form carries none, so it is
        // refused as unsigned (401, not kept) like any other request nobody vouches for. SendGrid's
        // secrets were checked above: its unreadable forms are authentic, and kept as rejected.
        if (provider === 'mailgun')
          throw new WebhookVerificationError(
            'Mailgun webhook body is not a form, so it carries no signature',
            {
              cause: error,
            },
          );
        throw error;
      }
      if (provider === 'mailgun') {
        const mailgun = config.mailgun!;
        const verify: Parameters<typeof verifyMailgunSignature>[1] = { signingKey: mailgun.signingKey };
        if (mailgun.toleranceSeconds !== undefined) verify.toleranceSeconds = mailgun.toleranceSeconds;
        if (options.now) verify.now = options.now();
        const { token, expiresAt } = verifyMailgunSignature(form.fields, verify);
        await claimMailgunToken(replayGuard, {
          token,
          fingerprint: formFingerprint(form),
          expiresAt,
          secrets: [token, form.fields.signature ?? '', mailgun.signingKey],
        });
      }
      payload = form;
    }
    const raw = rawMimeOf(payload);
    let parsed: ParsedEmail;
    let messageOptions: ToMessageOptions = options;
    if (raw !== undefined) {
      parsed = await parseMimeKeeping(raw, payload, options);
      if (options.mailauth)
        messageOptions = { ...options, trust: await authenticateEmail(raw, options.mailauth) };
    } else if (provider === 'postmark')
      parsed = postmarkToParsed(payload as Parameters<typeof postmarkToParsed>[0], options);
    else if (provider === 'sendgrid')
      parsed = sendgridToParsed(payload as Parameters<typeof sendgridToParsed>[0], options);
    else parsed = mailgunToParsed(payload as Parameters<typeof mailgunToParsed>[0], options);
    const events: InboundEvent[] = [{ type: 'message', message: toInboundMessage(parsed, messageOptions) }];
    return {
      response: new Response('ok', { status: 200, headers: { 'content-type': 'text/plain' } }),
      events,
    };
  };
}

/** `parseMime`, with the webhook payload kept on a limit's refusal (the hub stores it as rejected). */
async function parseMimeKeeping(
  raw: string,
  payload: unknown,
  options: ParseMimeOptions,
): Promise<ParsedEmail> {
  try {
    return await parseMime(raw, options);
  } catch (error) {
    if (!isPayloadTooLargeError(error) || error.raw !== undefined) throw error;
    throw new PayloadTooLargeError(error.message, { limit: error.limit, raw: payload, cause: error });
  }
}

/** A digest of a form's fields and files that does not depend on the multipart boundary. */
function formFingerprint(form: InboundFormPayload): string {
  const fields = Object.entries(form.fields).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const files = form.files.map((f) => [f.field, f.filename ?? '', f.contentType, f.content]);
  return createHash('sha256')
    .update(JSON.stringify([fields, files]))
    .digest('hex');
}
