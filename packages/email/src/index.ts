/**
 * @omnithread/email — email in and out for Omnithread: MIME parsing (postal-mime), JWZ / RFC 5256
 * threading, quoted-reply and signature stripping, streaming eml/mbox import, IMAP listen
 * (imapflow), sending (nodemailer) and inbound-parse webhooks (SendGrid, Mailgun, Postmark).
 */

export { createEmailAdapter, EMAIL_CAPABILITIES, type EmailAdapterConfig } from './adapter.js';
export { type CursorStore, fileCursorStore, type ImapCursor, memoryCursorStore } from './imap/cursor.js';
export { type ImapListenConfig, listenImap } from './imap/listen.js';
export { type EmailImportOptions, emlImporter, importers, mboxImporter } from './import/importers.js';
export { fromLineDate, type MboxMessage, type MboxReadOptions, readMbox } from './import/mbox.js';
export { type ParseEmailOptions, parseEmail } from './mime/email.js';
export { decodeEncodedWords, parseAddressList, parseHeaderBlock } from './mime/headers.js';
export { bracket, emailThreadKey, normalizeMessageId, parseIdList } from './mime/ids.js';
export { checkLimits, DEFAULT_LIMITS, type ParseLimits } from './mime/limits.js';
export { syntheticMessageId, type ToMessageOptions, toInboundMessage } from './mime/message.js';
export { type ParseMimeOptions, parseMime } from './mime/parse.js';
export { htmlToText } from './mime/text.js';
export type { EmailAddress, EmailWarningCode, ParsedAttachment, ParsedEmail, RawMime } from './mime/types.js';
export { type ExtractedContent, type ExtractOptions, extractNewContent } from './reply/extract.js';
export { replySubject, threadingHeaders } from './send/headers.js';
export { type MailTransport, type SendOptions, sendEmail } from './send/send.js';
export { emailThreadEvidence } from './threading/evidence.js';
export {
  formatThreads,
  peopleOf,
  type Threadable,
  type ThreadNode,
  type ThreadOptions,
  threadMessages,
} from './threading/jwz.js';
export { threadOrderedSubject } from './threading/ordered-subject.js';
export { type BaseSubject, baseSubject } from './threading/subject.js';
export {
  type AuthenticationResults,
  type AuthenticationTrustOptions,
  type AuthResult,
  parseAuthenticationResults,
  trustFromAuthenticationResults,
} from './trust/authres.js';
export { authenticateEmail, type MailauthOptions } from './trust/mailauth.js';
export {
  type HandleOptions,
  type InboundProvider,
  type InboundWebhookConfig,
  inboundWebhookHandler,
} from './webhook/handle.js';
export {
  mailgunToParsed,
  postmarkToParsed,
  rawMimeOf,
  sendgridToParsed,
  type WebhookLimits,
} from './webhook/parse.js';
export type {
  InboundFormPayload,
  PostmarkInbound,
  PostmarkMailbox,
  WebhookFile,
} from './webhook/payloads.js';
export {
  type MemoryReplayGuardOptions,
  memoryReplayGuard,
  type ReplayGuard,
} from './webhook/replay.js';
export {
  type BasicAuthCredentials,
  type MailgunSignature,
  type MailgunVerifyOptions,
  TokenCache,
  verifyBasicAuth,
  verifyMailgunSignature,
  verifyQueryToken,
} from './webhook/verify.js';
