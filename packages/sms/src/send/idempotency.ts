import type { SendResult } from '@omnithread/core';

/**
 * What a key's record says when a send begins:
 * - `new`: nobody sent this message; the caller now holds the key and must `complete` or `release` it.
 * - `done`: it was sent; here is the result (answer it again, do not send twice).
 * - `pending`: another attempt holds the key right now.
 * - `uncertain`: an earlier attempt failed in a way that may have reached Twilio (a timeout, a dropped
 *   connection); sending again could text the customer twice, so the caller must check first.
 */
export type IdempotencyClaim =
  | { state: 'new' }
  | { state: 'done'; result: SendResult }
  | { state: 'pending' }
  | { state: 'uncertain'; reason: string };

/**
 * Where the send guard keeps what it did per outbound message id. The default lives in the process
 * (a Map with a TTL): a deployment with several processes that may retry the same send must pass a
 * shared one (Redis `SET NX`, a database row with a unique key) so they all see one record.
 */
export interface IdempotencyStore {
  /** Atomically claims `key` if it has no live record, else reports the record. */
  claim(key: string, ttlMs: number): Promise<IdempotencyClaim>;
  /** Records the provider's answer: later claims get `done` with it. */
  complete(key: string, result: SendResult, ttlMs: number): Promise<void>;
  /** Records that the outcome is unknown (later claims get `uncertain`). */
  markUncertain(key: string, reason: string, ttlMs: number): Promise<void>;
  /** Drops the claim after a definite refusal, so a later retry may try again. */
  release(key: string): Promise<void>;
}

type Entry =
  | { state: 'pending'; expires: number }
  | { state: 'done'; result: SendResult; expires: number }
  | { state: 'uncertain'; reason: string; expires: number };

export interface MemoryIdempotencyOptions {
  /** The clock, in ms; inject one in tests. */
  now?: () => number;
  /** Entries kept at most (the oldest are dropped first). Default 100 000. */
  maxEntries?: number;
}

/** The in-process idempotency store: a Map with per-entry expiry. Right for one process only. */
export function memoryIdempotencyStore(options: MemoryIdempotencyOptions = {}): IdempotencyStore {
  const now = options.now ?? Date.now;
  const maxEntries = options.maxEntries ?? 100_000;
  const entries = new Map<string, Entry>();
  const live = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (entry && entry.expires <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };
  const put = (key: string, entry: Entry) => {
    entries.delete(key);
    entries.set(key, entry);
    while (entries.size > maxEntries) {
      const oldest = entries.keys().next().value;
      if (oldest === undefined) break;
      entries.delete(oldest);
    }
  };
  return {
    async claim(key, ttlMs) {
      const entry = live(key);
      if (!entry) {
        put(key, { state: 'pending', expires: now() + ttlMs });
        return { state: 'new' };
      }
      if (entry.state === 'done') return { state: 'done', result: entry.result };
      if (entry.state === 'uncertain') return { state: 'uncertain', reason: entry.reason };
      return { state: 'pending' };
    },
    async complete(key, result, ttlMs) {
      put(key, { state: 'done', result, expires: now() + ttlMs });
    },
    async markUncertain(key, reason, ttlMs) {
      put(key, { state: 'uncertain', reason, expires: now() + ttlMs });
    },
    async release(key) {
      entries.delete(key);
    },
  };
}
