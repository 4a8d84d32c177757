import { describe, expect, it } from 'vitest';
import {
  isNotSupportedError,
  isOmnithreadError,
  isRateLimitedError,
  isValidationError,
  isWebhookParseError,
  isWebhookVerificationError,
  NotSupportedError,
  OmnithreadError,
  PayloadTooLargeError,
  RateLimitedError,
  ValidationError,
  WebhookParseError,
  WebhookVerificationError,
} from './errors.js';

describe('errors', () => {
  it('carry a code, a cause and HTTP statuses where they map to one', () => {
    const cause = new Error('socket hang up');
    const e = new RateLimitedError('slow down', { retryAfterMs: 2000, cause });
    expect(e).toBeInstanceOf(OmnithreadError);
    expect(e.code).toBe('RATE_LIMITED');
    expect(e.retryAfterMs).toBe(2000);
    expect(e.cause).toBe(cause);
    expect(new WebhookVerificationError('x').status).toBe(401);
    const parse = new WebhookParseError('no From', { raw: 'Body=hi', path: 'From' });
    expect([parse.status, parse.raw, parse.path]).toEqual([400, 'Body=hi', 'From']);
  });
  it('PayloadTooLargeError keeps the payload it refused, when it was read', () => {
    const payload = { Headers: [] };
    const read = new PayloadTooLargeError('too many headers', { limit: 1000, raw: payload });
    expect([read.status, read.limit, read.raw]).toEqual([413, 1000, payload]);
    expect(new PayloadTooLargeError('body too large', { limit: 10 }).raw).toBeUndefined();
  });
  it('type guards recognise each class and errors of another copy of the package', () => {
    expect(isValidationError(new ValidationError('x'))).toBe(true);
    expect(isValidationError(new NotSupportedError('send', 'x'))).toBe(false);
    expect(isNotSupportedError(new NotSupportedError('send', 'x'))).toBe(true);
    expect(isWebhookVerificationError(new WebhookVerificationError('x'))).toBe(true);
    expect(isWebhookParseError(new WebhookParseError('x', { raw: null }))).toBe(true);
    expect(isRateLimitedError(new Error('x'))).toBe(false);
    expect(isOmnithreadError({ code: 'VALIDATION' })).toBe(false);
    const foreign = Object.assign(new Error('from another copy'), {
      code: 'VALIDATION',
      [Symbol.for('omnithread.error')]: true,
    });
    expect(isValidationError(foreign)).toBe(true);
  });
});
