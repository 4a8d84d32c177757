import assert from 'node:assert/strict';
import {
  isPayloadTooLargeError,
  isValidationError,
  isWebhookParseError,
  isWebhookVerificationError,
} from '../errors.js';
import type { Hub } from '../hub/hub.js';

/** Whether an error is one of the typed refusals hostile input may cause (never a crash). */
export function isTypedRefusal(error: unknown): boolean {
  return (
    isWebhookParseError(error) ||
    isValidationError(error) ||
    isPayloadTooLargeError(error) ||
    isWebhookVerificationError(error)
  );
}

/**
 * Runs a parser on hostile input: it must return an array (of events) or throw a typed refusal.
 * Anything else — a TypeError, a RangeError — is rethrown so the fuzz case fails.
 */
export function expectEventsOrTypedRefusal(parse: () => unknown): void {
  let result: unknown;
  try {
    result = parse();
  } catch (error) {
    if (!isTypedRefusal(error)) throw error;
    return;
  }
  assert.ok(Array.isArray(result), 'a parser must return an array of events');
}

export interface HandledOrRejectedOptions {
  /** The channel the rejected record must name. */
  channel: string;
  /** The request body, when known: a body of literally `null` is kept as a null raw payload. */
  body?: string;
}

/**
 * Sends a hostile but authentic request through `hub.handle`: the answer is 200, or 400/413 with
 * exactly one rejected record of the channel that keeps the raw payload — never a 500 or a throw.
 */
export async function expectHandledOrRejected(
  hub: Hub,
  request: Request,
  options: HandledOrRejectedOptions,
): Promise<void> {
  const response = await hub.handle(request);
  if (response.status === 200) return;
  assert.ok(
    [400, 413].includes(response.status),
    `answered ${response.status}: ${await response.clone().text()}`,
  );
  const rejected = (await hub.rejected.list()).items;
  assert.equal(rejected.length, 1, 'exactly one rejected record');
  assert.equal(rejected[0]!.channel, options.channel);
  if (response.status === 400 && options.body?.trim() !== 'null')
    assert.notEqual(rejected[0]!.raw, null, 'the raw payload is kept');
}
