/**
 * @omnithread/sms — Twilio Programmable Messaging for Omnithread: SMS/MMS and Twilio's `whatsapp:`
 * senders in by signed webhook, out through the twilio SDK, with delivery statuses, opt-out keywords,
 * an idempotent retrying send and segment counting.
 */
export { createSmsAdapter, EMPTY_TWIML, SMS_CAPABILITIES, type SmsAdapter } from './adapter.js';
export { addressIdentity, channelOfAddress, stripChannelPrefix } from './address.js';
export type { RetryOptions, SmsAdapterConfig } from './config.js';
export { importers, messageResourceToEvents, twilioImporter } from './import/importer.js';
export { type FetchedMedia, type FetchMediaOptions, fetchTwilioMedia } from './media.js';
export { countSegments, type SegmentCount, type SmsEncoding } from './segments.js';
export {
  type TwilioCreateParams,
  TwilioHttpError,
  type TwilioMessageLike,
  type TwilioMessagingClient,
} from './send/client.js';
export { describeTwilioError, mapTwilioError, parseRetryAfter } from './send/errors.js';
export {
  type IdempotencyClaim,
  type IdempotencyStore,
  type MemoryIdempotencyOptions,
  memoryIdempotencyStore,
} from './send/idempotency.js';
export { buildCreateParams, recipientAddress } from './send/send.js';
export { mapMessageStatus } from './status.js';
export {
  HELP_KEYWORDS,
  type KeywordKind,
  type KeywordMatch,
  matchKeyword,
  OPT_IN_KEYWORDS,
  OPT_OUT_KEYWORDS,
} from './webhook/keywords.js';
export {
  parseDlrDoneDate,
  parseTwilioWebhook,
  type TwilioParams,
  type TwilioWebhookEnvelope,
} from './webhook/parse.js';
export { readVerifiedWebhook, signedUrl, type UrlOptions, type VerifiedWebhook } from './webhook/verify.js';
