/**
 * @omnithread/core — the normalized omnichannel model, identity normalization, the thread-merging
 * engine, the store contract with an in-memory store, the webhook router, errors and the adapter
 * contract. It depends on no channel SDK.
 */
export type {
  AdapterResult,
  Capabilities,
  ChannelAdapter,
  OutboundMessage,
  ReplyWindowState,
  SendContext,
  SendResult,
  Stop,
} from './adapter.js';
export { mediaAllowed } from './adapter.js';
export {
  ConfigurationError,
  isConfigurationError,
  isNotFoundError,
  isNotSupportedError,
  isOmnithreadError,
  isOptedOutError,
  isPayloadTooLargeError,
  isRateLimitedError,
  isReplyWindowClosedError,
  isSendFailedError,
  isStoreConflictError,
  isValidationError,
  isWebhookParseError,
  isWebhookVerificationError,
  NotFoundError,
  NotSupportedError,
  OmnithreadError,
  type OmnithreadErrorCode,
  OptedOutError,
  PayloadTooLargeError,
  RateLimitedError,
  ReplyWindowClosedError,
  SendFailedError,
  StoreConflictError,
  ValidationError,
  WebhookParseError,
  WebhookVerificationError,
} from './errors.js';
export { applyMessageEvent, statusRank } from './hub/apply.js';
export { summarizeMessages } from './hub/conversations.js';
export type { HubEventMap, HubEventName } from './hub/engine.js';
export { createHub, type Hub, type HubOptions, type IngestManyOptions } from './hub/hub.js';
export type { IngestResult } from './hub/ingest.js';
export { CONTACT_LOCK_PREFIX, contactLockKey } from './hub/prepare.js';
export type { ReplyContent, ReplyOptions } from './hub/reply.js';
export { isValidEmail, normalizeEmail, stripDisplayName } from './identity/email.js';
export {
  describeIdentity,
  type IdentityOptions,
  identityKey,
  normalizeIdentity,
  sameIdentity,
} from './identity/normalize.js';
export {
  type CountryCode,
  canonicalPhone,
  e164ToWaId,
  normalizePhone,
  normalizeWaId,
  waIdToE164,
} from './identity/phone.js';
export type { Importer, ImportOptions, ImportProblem } from './importer.js';
export {
  DEFAULT_MAX_ITEM_BYTES,
  type JsonItem,
  type JsonItemText,
  OVERSIZED_PREFIX_BYTES,
  type OversizedJsonItem,
  type ReadJsonItemsOptions,
  readJsonItems,
} from './json-items.js';
export {
  type Attachment,
  attachmentSchema,
  type CallInfo,
  type ChannelActivity,
  type ChannelSwitch,
  type Contact,
  type ContactIdentity,
  type Conversation,
  type ConversationStatus,
  callInfoSchema,
  channelSwitchSchema,
  contactIdentitySchema,
  contactSchema,
  conversationSchema,
  conversationStatusSchema,
  type DeliveryStatus,
  type Direction,
  deliveryStatusSchema,
  type Edit,
  type Identity,
  type IdentityKind,
  type IdentityLink,
  type InboundEvent,
  type InboundEventType,
  type InboundMessage,
  identityLinkSchema,
  identitySchema,
  inboundEventSchema,
  inboundMessageSchema,
  type JsonValue,
  KNOWN_IDENTITY_KINDS,
  type Message,
  messageSchema,
  type NormalizedInboundEvent,
  type NormalizedInboundMessage,
  type Placement,
  placementSchema,
  RECENT_SWITCHES,
  type Reaction,
  type Redaction,
  type RejectedPayload,
  rejectedPayloadSchema,
  type SpeakerRole,
  type StatusHistoryEntry,
  type StatusUpdate,
  statusUpdateSchema,
  switchCountOf,
  type ThreadEvidence,
  type Transcript,
  type TranscriptTurn,
  type Trust,
  transcriptSchema,
  transcriptTurnSchema,
  trustSchema,
} from './model/index.js';
export { describeDuration, describeThreadKey } from './placement/describe.js';
export {
  type CrossChannelContinuationOptions,
  crossChannelContinuation,
  type DefaultRulesOptions,
  defaultRules,
  type ExplicitThreadOptions,
  explicitThread,
  newConversation,
  type SameChannelSessionOptions,
  sameChannelSession,
} from './placement/rules.js';
export type {
  ChannelPolicy,
  ContactResolution,
  PlacementContext,
  PlacementDecision,
  PlacementRule,
} from './placement/types.js';
export { type SafeFilenameOptions, safeFilename } from './security/filename.js';
export { deeplyNested, mutateJson, mutateText } from './security/hostile.js';
export { sanitizeHtml } from './security/html.js';
export { jsonDepth, nestsDeeperThan, type ParseJsonOptions, parseJson } from './security/json.js';
export { wellFormed } from './security/well-formed.js';
export type {
  ConversationsOfContactsOptions,
  ListConversationsOptions,
  MessageChannel,
  Page,
  PageOptions,
  PendingEvent,
  PrefetchHint,
  Store,
  StoreReader,
  StoreTransaction,
} from './store/contract.js';
export { memoryStore } from './store/memory.js';
export { decodeCursor, encodeCursor, pageLimit, searchWords } from './store/pagination.js';
export { canonicalIso, isoFromEpochMs } from './time.js';
export {
  type ReadBodyOptions,
  type ReadStreamOptions,
  readBody,
  readBodyBytes,
  readStreamBytes,
} from './webhook/body.js';
export { hmacSha256, timingSafeEqualString } from './webhook/crypto.js';
export {
  type FormParams,
  metaSignature,
  type TwilioSignatureInput,
  twilioSignature,
  verifyMetaSignature,
  verifyTwilioSignature,
} from './webhook/signatures.js';
