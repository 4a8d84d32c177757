/**
 * @omnithread/social/x — X (Twitter) DMs and public mentions/replies through twitter-api-v2: DM
 * polling with a restart-safe cursor, Account Activity webhooks (CRC + signatures), DM and public
 * reply sends with media and rate-limit handling.
 */
export { createXAdapter, type XAdapter, type XAdapterConfig } from './adapter.js';
export { type CursorStore, fileCursorStore, memoryCursorStore } from './cursor.js';
export { xImporter } from './importer.js';
export { oneToOneConversationId, parseAccountActivity, parseXPayload, X_CHANNEL } from './parse.js';
export { DM_CURSOR, MENTIONS_CURSOR } from './poll.js';
export { isTooManyRequests, retryAfterMs } from './rate-limit.js';
export { TWEET_MAX_LENGTH } from './send.js';
export { crcResponseToken, verifyXSignature, xWebhookSignature } from './webhook.js';
