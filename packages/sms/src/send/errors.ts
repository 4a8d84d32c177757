import {
  type OmnithreadError,
  OptedOutError,
  RateLimitedError,
  ReplyWindowClosedError,
  SendFailedError,
} from '@omnithread/core';

/**
 * Twilio error codes, grouped by what a caller does about them. The texts say what went wrong in
 * words an agent can act on; the code is kept as `providerCode` for anything finer.
 * Reference: Twilio's error and warning dictionary (twilio.com/docs/api/errors).
 */
const DESCRIPTIONS: Record<string, string> = {
  '20003': 'Twilio refused the credentials: check accountSid and authToken',
  '20404': 'Twilio could not find the resource (a wrong account SID or Messaging Service SID?)',
  '20429': 'Twilio is rate limiting requests (too many requests)',
  '21211': 'the recipient is not a valid phone number',
  '21212': 'the sender ("from") is not a valid phone number, short code or alphanumeric sender ID',
  '21265': 'the recipient number is a short code, which cannot receive messages from this sender',
  '21408': 'this account has no permission to send to that region (enable it in Messaging Geo Permissions)',
  '21602': 'the message has neither a body nor media',
  '21603': 'a sender ("from") or Messaging Service is required',
  '21606': 'the sender ("from") is not an SMS-capable number of this account',
  '21608': 'trial accounts can only send to verified numbers',
  '21610': 'the recipient replied STOP to this sender and is unsubscribed',
  '21611': 'the sender has too many messages queued',
  '21612': 'the recipient cannot be reached from this sender (the route or carrier does not support it)',
  '21614': 'the recipient number is not a mobile number and cannot receive SMS',
  '21617': 'the body exceeds the 1600-character limit',
  '21620': 'a media URL is invalid',
  '21621': 'the sender is not enabled for WhatsApp',
  '21623': 'the media is larger than Twilio accepts',
  '21703': 'the Messaging Service has no senders in its pool',
  '30001': 'the message queue overflowed',
  '30002': 'the Twilio account was suspended',
  '30003': 'the recipient handset is unreachable (off or out of coverage)',
  '30004': 'the message was blocked (the recipient blocks this sender, or the carrier does)',
  '30005': 'the recipient number is unknown or no longer exists',
  '30006': 'the recipient is a landline or unreachable carrier',
  '30007': 'the carrier filtered the message as spam or unregistered traffic',
  '30008': 'the carrier reported an unknown delivery error',
  '30019': 'the content size exceeds the carrier limit',
  '30032': 'the toll-free number is not verified',
  '30034': 'the US A2P 10DLC campaign for this number is not registered',
  '63003': 'the WhatsApp recipient is not a valid WhatsApp user',
  '63016': 'the WhatsApp 24-hour customer service window is closed: send an approved template',
  '63018': 'WhatsApp rate limit exceeded for this sender',
  '63024': 'the WhatsApp recipient is invalid',
  '63032': 'the WhatsApp user chose not to receive marketing messages from this business',
};

const RATE_LIMIT_CODES = new Set(['20429', '21611', '63018']);
const OPT_OUT_CODES = new Set(['21610', '63032']);
const REPLY_WINDOW_CODES = new Set(['63016']);

/** A readable description of a Twilio error code, for status callbacks and errors. */
export function describeTwilioError(code: string | number | undefined | null): string | undefined {
  if (code === undefined || code === null || code === '') return undefined;
  return DESCRIPTIONS[String(code)];
}

/** What we read off an error thrown by the twilio SDK (or by our own HTTP client wrapper). */
export interface TwilioErrorFacts {
  status?: number;
  code?: string;
  message: string;
  moreInfo?: string;
  retryAfterMs?: number;
}

/** Reads a Retry-After header: seconds, or an HTTP date. */
export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = String(value).trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function errorFacts(error: unknown): TwilioErrorFacts {
  const e = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  const facts: TwilioErrorFacts = {
    message: typeof e.message === 'string' && e.message ? e.message : String(error),
  };
  const status = Number(e.status ?? e.statusCode);
  if (Number.isInteger(status) && status > 0) facts.status = status;
  if (e.code !== undefined && e.code !== null && /^\d+$/.test(String(e.code))) facts.code = String(e.code);
  if (typeof e.moreInfo === 'string') facts.moreInfo = e.moreInfo;
  if (typeof e.retryAfterMs === 'number') facts.retryAfterMs = e.retryAfterMs;
  return facts;
}

/** Whether another attempt may succeed: rate limits and server errors, never a 4xx refusal. */
export function isRetryable(facts: TwilioErrorFacts): boolean {
  if (facts.status === 429 || (facts.code !== undefined && RATE_LIMIT_CODES.has(facts.code))) return true;
  return facts.status !== undefined && facts.status >= 500;
}

export function isRateLimit(facts: TwilioErrorFacts): boolean {
  return facts.status === 429 || (facts.code !== undefined && RATE_LIMIT_CODES.has(facts.code));
}

/**
 * Turns a Twilio failure into Omnithread's typed errors: 21610 → `OptedOutError`, 429/20429 →
 * `RateLimitedError` (with `retryAfterMs`), 63016 → `ReplyWindowClosedError`, everything else a
 * `SendFailedError` with `providerCode` and a message that says what to fix.
 */
export function mapTwilioError(
  error: unknown,
  channel: string,
  fallbackRetryAfterMs?: number,
): OmnithreadError {
  const facts = errorFacts(error);
  const description = describeTwilioError(facts.code);
  const detail = [
    description ?? facts.message,
    facts.code ? `Twilio error ${facts.code}` : facts.status ? `HTTP ${facts.status}` : undefined,
    description && facts.message && facts.message !== description ? `"${facts.message}"` : undefined,
  ]
    .filter(Boolean)
    .join('; ');
  const options = { cause: error };
  if (facts.code && OPT_OUT_CODES.has(facts.code)) {
    return new OptedOutError(channel, `Not sent: ${detail}`, options);
  }
  if (isRateLimit(facts)) {
    const retryAfterMs = facts.retryAfterMs ?? fallbackRetryAfterMs;
    return new RateLimitedError(
      `Twilio rate limit: ${detail}`,
      retryAfterMs === undefined ? options : { ...options, retryAfterMs },
    );
  }
  if (facts.code && REPLY_WINDOW_CODES.has(facts.code)) {
    return new ReplyWindowClosedError(channel, `Not sent: ${detail}`, options);
  }
  const providerCode = facts.code ?? (facts.status ? `HTTP ${facts.status}` : undefined);
  return new SendFailedError(`Twilio refused the ${channel} message: ${detail}`, {
    ...options,
    ...(providerCode ? { providerCode } : {}),
    retryable: isRetryable(facts),
  });
}
