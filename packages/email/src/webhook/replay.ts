import { WebhookVerificationError } from '@omnithread/core';
import { TokenCache } from './verify.js';

/**
 * Where the Mailgun handler remembers the signature tokens it accepted. Mailgun signs only
 * `timestamp + token`, so within the timestamp window a captured signature could carry other
 * content; the guard refuses a token claimed before with other content. Every instance of the app
 * must share one guard (Redis, SQL) for that to hold across instances and restarts.
 */
export interface ReplayGuard {
  /**
   * Claims `token` for the content digested as `fingerprint`, until `expiresAt` (the end of the
   * timestamp window: the token is refused as stale after it, so it may be forgotten then).
   * Resolves `true` when the token is new, or was claimed with this same fingerprint (Mailgun
   * delivering the same request again after a 5xx); `false` when it was claimed with another.
   * Must be atomic: two concurrent claims of a new token give one first claimant, whose fingerprint
   * wins. A claim stores `fingerprint` once and never changes it, so "insert if absent, else read
   * what is there" is enough: one Redis `SET key fingerprint NX PXAT expiresAt GET`, or one SQL
   * `INSERT … ON CONFLICT DO NOTHING` followed, when nothing was inserted, by a `SELECT`.
   * A rejected promise refuses the request with a 500 (Mailgun retries), never lets it through.
   */
  claim(token: string, fingerprint: string, expiresAt: Date): Promise<boolean>;
}

export interface MemoryReplayGuardOptions {
  /** Most tokens remembered; past it the oldest are forgotten first. Default 10,000. */
  maxTokens?: number;
  /** The clock used to forget expired tokens. */
  now?: () => Date;
}

/**
 * The default guard: a bounded in-memory map, per process. It does not protect across instances
 * or restarts; pass a shared `replayGuard` for that. Past `maxTokens` unexpired tokens (that many
 * authentic Mailgun posts within the window) the oldest are forgotten, so memory stays bounded.
 */
export function memoryReplayGuard(options: MemoryReplayGuardOptions = {}): ReplayGuard {
  const cache = new TokenCache(options.maxTokens);
  const now = options.now ?? (() => new Date());
  return {
    async claim(token, fingerprint, expiresAt) {
      return cache.add(token, expiresAt.getTime(), now().getTime(), fingerprint);
    },
  };
}

export interface ClaimRequest {
  token: string;
  fingerprint: string;
  expiresAt: Date;
  /** Values that must not reach a log or an error: the token, the signature, the signing key. */
  secrets: string[];
}

const MAX_DETAIL = 300;

function detailOf(error: unknown, secrets: string[]): string {
  let text = error instanceof Error ? `${error.name}: ${error.message}` : `a thrown ${typeof error}`;
  for (const secret of secrets) if (secret) text = text.replaceAll(secret, '[redacted]');
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}…` : text;
}

/**
 * Claims a verified Mailgun token. Another content under the same token is a
 * `WebhookVerificationError` (401). A guard that fails, or answers anything but a boolean, fails
 * closed: the error is logged with the secrets redacted and the request refused with a plain
 * `Error` (the hub answers 500, so Mailgun delivers it again later).
 */
export async function claimMailgunToken(guard: ReplayGuard, request: ClaimRequest): Promise<void> {
  let claimed: unknown;
  try {
    claimed = await guard.claim(request.token, request.fingerprint, request.expiresAt);
    if (typeof claimed !== 'boolean')
      throw new TypeError(`claim() resolved to ${typeof claimed}, not a boolean`);
  } catch (error) {
    const detail = detailOf(error, request.secrets);
    console.error(`[omnithread/email] Mailgun replay guard failed, request refused (500): ${detail}`);
    throw new Error(`Mailgun replay guard failed, request refused so Mailgun retries: ${detail}`);
  }
  if (!claimed) {
    throw new WebhookVerificationError(
      'Mailgun token already used for other content (forged or replayed request)',
    );
  }
}
