/**
 * Omnithread's error hierarchy: one base class with a stable `code`, a `cause`, and a few subclasses
 * that callers branch on. Each subclass has a type guard that also works across package copies
 * (it checks the code, not the prototype chain).
 *
 * @example
 * ```ts
 * try {
 *   await hub.reply(conversationId, { text: 'Hi' });
 * } catch (error) {
 *   if (isRateLimitedError(error)) setTimeout(retry, error.retryAfterMs);
 *   else if (isOptedOutError(error)) showBanner(error.message);
 *   else throw error;
 * }
 * ```
 */

export type OmnithreadErrorCode =
  | 'VALIDATION'
  | 'WEBHOOK_VERIFICATION'
  | 'WEBHOOK_PARSE'
  | 'NOT_SUPPORTED'
  | 'RATE_LIMITED'
  | 'NOT_FOUND'
  | 'OPTED_OUT'
  | 'REPLY_WINDOW_CLOSED'
  | 'SEND_FAILED'
  | 'CONFIGURATION'
  | 'STORE_CONFLICT'
  | 'PAYLOAD_TOO_LARGE';

export interface OmnithreadErrorOptions {
  cause?: unknown;
}

// A registry symbol, so the guards recognise errors thrown by another copy of this package.
const BRAND = Symbol.for('omnithread.error');

/** The base class of every error Omnithread throws on purpose. */
export class OmnithreadError extends Error {
  readonly code: OmnithreadErrorCode;
  readonly [BRAND] = true;

  constructor(code: OmnithreadErrorCode, message: string, options: OmnithreadErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'OmnithreadError';
    this.code = code;
  }
}

/** Input that does not fit the model: an invalid address, a missing field, a wrong type. */
export class ValidationError extends OmnithreadError {
  /** Where in the input the problem is, e.g. `from.value` or `entry[0].changes`. */
  readonly path: string | undefined;
  constructor(message: string, options: OmnithreadErrorOptions & { path?: string } = {}) {
    super('VALIDATION', message, options);
    this.name = 'ValidationError';
    this.path = options.path;
  }
}

/** A setting an adapter or store needs is missing or wrong; thrown by factories at creation. */
export class ConfigurationError extends OmnithreadError {
  readonly setting: string;
  constructor(setting: string, message: string, options: OmnithreadErrorOptions = {}) {
    super('CONFIGURATION', message, options);
    this.name = 'ConfigurationError';
    this.setting = setting;
  }
}

/** A webhook whose signature is missing, wrong or replayed. Maps to HTTP 401. */
export class WebhookVerificationError extends OmnithreadError {
  readonly status = 401;
  constructor(message: string, options: OmnithreadErrorOptions = {}) {
    super('WEBHOOK_VERIFICATION', message, options);
    this.name = 'WebhookVerificationError';
  }
}

/**
 * A payload that was authentic but could not be understood. Maps to HTTP 400. It carries the raw
 * payload so the caller can store it as rejected: nothing a customer sent is dropped.
 */
export class WebhookParseError extends OmnithreadError {
  readonly status = 400;
  readonly raw: unknown;
  readonly path: string | undefined;
  constructor(message: string, options: OmnithreadErrorOptions & { raw: unknown; path?: string }) {
    super('WEBHOOK_PARSE', message, options);
    this.name = 'WebhookParseError';
    this.raw = options.raw;
    this.path = options.path;
  }
}

/**
 * An input over a size limit (body bytes, header count, attachment size). Maps to HTTP 413. When
 * the input was read before the limit was hit (an authentic payload with too many headers), it
 * carries it as `raw`, so the caller can store it as rejected like a `WebhookParseError`'s.
 */
export class PayloadTooLargeError extends OmnithreadError {
  readonly status = 413;
  readonly limit: number;
  readonly raw?: unknown;
  constructor(message: string, options: OmnithreadErrorOptions & { limit: number; raw?: unknown }) {
    super('PAYLOAD_TOO_LARGE', message, options);
    this.name = 'PayloadTooLargeError';
    this.limit = options.limit;
    if (options.raw !== undefined) this.raw = options.raw;
  }
}

/** An operation the channel or adapter cannot do. Adapters throw it instead of silently doing nothing. */
export class NotSupportedError extends OmnithreadError {
  readonly operation: string;
  constructor(operation: string, message: string, options: OmnithreadErrorOptions = {}) {
    super('NOT_SUPPORTED', message, options);
    this.name = 'NotSupportedError';
    this.operation = operation;
  }
}

/** The provider said "slow down". `retryAfterMs` says when to try again, when the provider told us. */
export class RateLimitedError extends OmnithreadError {
  readonly retryAfterMs: number | undefined;
  constructor(message: string, options: OmnithreadErrorOptions & { retryAfterMs?: number } = {}) {
    super('RATE_LIMITED', message, options);
    this.name = 'RateLimitedError';
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** A contact, conversation or message id that resolves to nothing. */
export class NotFoundError extends OmnithreadError {
  readonly entity: string;
  readonly id: string;
  constructor(entity: string, id: string, options: OmnithreadErrorOptions = {}) {
    super('NOT_FOUND', `${entity} ${id} was not found`, options);
    this.name = 'NotFoundError';
    this.entity = entity;
    this.id = id;
  }
}

/** The contact opted out of this channel (SMS STOP and the like); the hub refuses to send. */
export class OptedOutError extends OmnithreadError {
  readonly channel: string;
  constructor(channel: string, message: string, options: OmnithreadErrorOptions = {}) {
    super('OPTED_OUT', message, options);
    this.name = 'OptedOutError';
    this.channel = channel;
  }
}

/** A free-form reply outside the channel's reply window (WhatsApp's 24 hours): send a template instead. */
export class ReplyWindowClosedError extends OmnithreadError {
  readonly channel: string;
  readonly closedAt: string | undefined;
  constructor(
    channel: string,
    message: string,
    options: OmnithreadErrorOptions & { closedAt?: string } = {},
  ) {
    super('REPLY_WINDOW_CLOSED', message, options);
    this.name = 'ReplyWindowClosedError';
    this.channel = channel;
    this.closedAt = options.closedAt;
  }
}

/** A provider refused a send. `providerCode` is the provider's own error code, when it gave one. */
export class SendFailedError extends OmnithreadError {
  readonly providerCode: string | undefined;
  readonly retryable: boolean;
  constructor(
    message: string,
    options: OmnithreadErrorOptions & { providerCode?: string; retryable?: boolean } = {},
  ) {
    super('SEND_FAILED', message, options);
    this.name = 'SendFailedError';
    this.providerCode = options.providerCode;
    this.retryable = options.retryable ?? false;
  }
}

/**
 * A store transaction lost a race (a unique-constraint conflict, a deadlock, a serialization
 * failure). The hub retries the whole transaction when it sees one.
 */
export class StoreConflictError extends OmnithreadError {
  constructor(message: string, options: OmnithreadErrorOptions = {}) {
    super('STORE_CONFLICT', message, options);
    this.name = 'StoreConflictError';
  }
}

function hasCode(error: unknown, code: OmnithreadErrorCode): boolean {
  return isOmnithreadError(error) && error.code === code;
}

export function isOmnithreadError(error: unknown): error is OmnithreadError {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[BRAND] === true;
}
export const isValidationError = (e: unknown): e is ValidationError => hasCode(e, 'VALIDATION');
export const isConfigurationError = (e: unknown): e is ConfigurationError => hasCode(e, 'CONFIGURATION');
export const isWebhookVerificationError = (e: unknown): e is WebhookVerificationError =>
  hasCode(e, 'WEBHOOK_VERIFICATION');
export const isWebhookParseError = (e: unknown): e is WebhookParseError => hasCode(e, 'WEBHOOK_PARSE');
export const isPayloadTooLargeError = (e: unknown): e is PayloadTooLargeError =>
  hasCode(e, 'PAYLOAD_TOO_LARGE');
export const isNotSupportedError = (e: unknown): e is NotSupportedError => hasCode(e, 'NOT_SUPPORTED');
export const isRateLimitedError = (e: unknown): e is RateLimitedError => hasCode(e, 'RATE_LIMITED');
export const isNotFoundError = (e: unknown): e is NotFoundError => hasCode(e, 'NOT_FOUND');
export const isOptedOutError = (e: unknown): e is OptedOutError => hasCode(e, 'OPTED_OUT');
export const isReplyWindowClosedError = (e: unknown): e is ReplyWindowClosedError =>
  hasCode(e, 'REPLY_WINDOW_CLOSED');
export const isSendFailedError = (e: unknown): e is SendFailedError => hasCode(e, 'SEND_FAILED');
export const isStoreConflictError = (e: unknown): e is StoreConflictError => hasCode(e, 'STORE_CONFLICT');
