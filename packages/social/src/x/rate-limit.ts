import { RateLimitedError } from '@omnithread/core';

export interface RateLimitPolicy {
  /** Waits; injectable so tests do not sleep. */
  sleep(ms: number): Promise<void>;
  now(): number;
  /** How many times a 429 is waited out before giving up with `RateLimitedError`. */
  maxRetries: number;
  /** A wait longer than this is not done in-process: `RateLimitedError` says when to come back. */
  maxWaitMs: number;
}

interface ErrorWithHeaders {
  code?: unknown;
  rateLimit?: { reset?: number };
  headers?: Record<string, string | string[] | undefined>;
}

function header(error: ErrorWithHeaders, name: string): string | undefined {
  const value = error.headers?.[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Whether an error from twitter-api-v2 is an HTTP 429. */
export function isTooManyRequests(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as ErrorWithHeaders).code === 429;
}

/**
 * How long X asks us to wait: `x-rate-limit-reset` is the epoch second the window resets
 * (twitter-api-v2 exposes it as `rateLimit.reset`); `retry-after` in seconds is the fallback.
 */
export function retryAfterMs(error: unknown, now: number): number | undefined {
  const e = error as ErrorWithHeaders;
  const reset = e.rateLimit?.reset ?? Number(header(e, 'x-rate-limit-reset'));
  if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - now);
  const after = Number(header(e, 'retry-after'));
  if (Number.isFinite(after) && after >= 0) return after * 1000;
  return undefined;
}

const DEFAULT_WAIT_MS = 60_000;

/**
 * twitter-api-v2 errors keep the Node request and response (behind `request`/`response` getters on a
 * hidden `_options`), and the request's headers hold the bearer or OAuth token. Drop them before the
 * error travels on (thrown, wrapped as a cause, logged with `showHidden`); code, data, headers and
 * rateLimit stay.
 */
export function dropTransport(error: unknown): void {
  let e = error;
  for (let depth = 0; depth < 5 && typeof e === 'object' && e !== null; depth++) {
    const options = (e as { _options?: unknown })._options;
    if (typeof options === 'object' && options !== null) {
      for (const key of ['request', 'response', 'requestError', 'responseError']) {
        if (key in options) (options as Record<string, unknown>)[key] = undefined;
      }
    }
    e = (e as { cause?: unknown }).cause;
  }
}

/** Runs `fn`, waiting out 429s up to the policy's limits, then throws `RateLimitedError`. */
export async function withRateLimit<T>(
  what: string,
  fn: () => Promise<T>,
  policy: RateLimitPolicy,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      dropTransport(error);
      if (!isTooManyRequests(error)) throw error;
      const wait = retryAfterMs(error, policy.now());
      if (attempt >= policy.maxRetries || (wait ?? DEFAULT_WAIT_MS) > policy.maxWaitMs) {
        throw new RateLimitedError(
          `X rate limit on ${what}${wait === undefined ? '' : `; retry in ${Math.ceil(wait / 1000)} s`}`,
          wait === undefined ? { cause: error } : { retryAfterMs: wait, cause: error },
        );
      }
      await policy.sleep(wait ?? DEFAULT_WAIT_MS * 2 ** attempt);
    }
  }
}
