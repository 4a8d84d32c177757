import assert from 'node:assert/strict';
import {
  isPayloadTooLargeError,
  isValidationError,
  isWebhookParseError,
  isWebhookVerificationError,
} from '../errors.js';
import type { Hub } from '../hub/hub.js';

/**
 * How long one hostile input may take before it counts as a hang: a loop, or a path that grows
 * faster than the input. Generous on purpose, for a busy CI host; speed is `pnpm bench`'s business.
 */
export const HANG_BOUND_MS = 5_000;

function assertNoHang(startedAt: number, maxMs: number): void {
  const took = performance.now() - startedAt;
  assert.ok(took <= maxMs, `one input took ${Math.round(took)} ms (bound ${maxMs} ms): a hang`);
}

/**
 * Runs `fn` (sync or async) on one hostile input and fails when it takes longer than `maxMs`
 * (`HANG_BOUND_MS` by default). A parser that truly never returns is stopped by the test runner's
 * own timeout; this catches the ones that return, but only after seconds.
 *
 * @example
 * ```ts
 * await expectWithinHangBound(() => parseEmail(hostileBytes).catch(onlyTypedRefusals));
 * ```
 */
export async function expectWithinHangBound<T>(fn: () => T | Promise<T>, maxMs = HANG_BOUND_MS): Promise<T> {
  const startedAt = performance.now();
  const result = await fn();
  assertNoHang(startedAt, maxMs);
  return result;
}

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
 * Runs a parser on hostile input: it must return an array (of events) or throw a typed refusal,
 * within `maxMs` (`HANG_BOUND_MS` by default). Anything else — a TypeError, a RangeError — is
 * rethrown so the fuzz case fails.
 */
export function expectEventsOrTypedRefusal(parse: () => unknown, maxMs = HANG_BOUND_MS): void {
  const startedAt = performance.now();
  let result: unknown;
  try {
    result = parse();
  } catch (error) {
    if (!isTypedRefusal(error)) throw error;
    assertNoHang(startedAt, maxMs);
    return;
  }
  assertNoHang(startedAt, maxMs);
  assert.ok(Array.isArray(result), 'a parser must return an array of events');
}

export interface HandledOrRejectedOptions {
  /** The channel the rejected record must name. */
  channel: string;
  /** The request body, when known: a body of literally `null` is kept as a null raw payload. */
  body?: string;
  /** How long the request may take before it counts as a hang. Default `HANG_BOUND_MS`. */
  maxMs?: number;
}

/**
 * Sends a hostile but authentic request through `hub.handle`: the answer is 200, or 400/413 with
 * exactly one rejected record of the channel that keeps the raw payload — never a 500 or a throw,
 * and within `options.maxMs`.
 */
export async function expectHandledOrRejected(
  hub: Hub,
  request: Request,
  options: HandledOrRejectedOptions,
): Promise<void> {
  const response = await expectWithinHangBound(() => hub.handle(request), options.maxMs);
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
