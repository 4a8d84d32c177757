import { hmacSha256, timingSafeEqualString, WebhookVerificationError } from '@omnithread/core';

export interface BasicAuthCredentials {
  username: string;
  password: string;
}

/** Checks `Authorization: Basic …` (credentials put in the webhook URL, as SendGrid and Postmark send them). */
export function verifyBasicAuth(request: Request, expected: BasicAuthCredentials): void {
  const header = request.headers.get('authorization') ?? '';
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) throw new WebhookVerificationError('Missing basic auth credentials');
  const given = Buffer.from(match[1]!, 'base64').toString('utf8');
  // Compare the whole "user:password" string in constant time.
  if (!timingSafeEqualString(given, `${expected.username}:${expected.password}`)) {
    throw new WebhookVerificationError('Wrong basic auth credentials');
  }
}

/** Checks a shared secret passed as a query parameter (`?token=…`) of the webhook URL. */
export function verifyQueryToken(request: Request, token: string, parameter = 'token'): void {
  const given = new URL(request.url).searchParams.get(parameter);
  if (!given) throw new WebhookVerificationError(`Missing ${parameter} query parameter`);
  if (!timingSafeEqualString(given, token))
    throw new WebhookVerificationError(`Wrong ${parameter} query parameter`);
}

export interface MailgunVerifyOptions {
  signingKey: string;
  /** Oldest (or furthest in the future) timestamp accepted, in seconds. Default 300. */
  toleranceSeconds?: number;
  now?: Date;
  /**
   * Tokens already seen (replay protection within the tolerance window), in this process only; the
   * webhook handler uses a `ReplayGuard` (`inbound.mailgun.replayGuard`) instead, which can be shared.
   */
  seen?: TokenCache;
  /** A digest of the request's content, so a redelivery of the same request is told from a forgery. */
  fingerprint?: string;
}

/** A verified Mailgun signature: its token, and when its timestamp leaves the accepted window. */
export interface MailgunSignature {
  token: string;
  expiresAt: Date;
}

/**
 * A bounded memory of recently used webhook tokens (behind `memoryReplayGuard`) with a fingerprint of what each one carried. A
 * token seen again with the same content is a redelivery (Mailgun retries after a 5xx with the same
 * token): let it through, the hub's dedup makes it harmless. The same token with other content is a
 * forgery riding on a captured signature (Mailgun signs only timestamp + token): refuse it.
 */
export class TokenCache {
  readonly #seen = new Map<string, { expiresAt: number; fingerprint: string | undefined }>();
  constructor(readonly max = 10_000) {}
  /** Records the token; false when it was already used with other (or unknown) content. */
  add(token: string, expiresAt: number, now: number, fingerprint?: string): boolean {
    for (const [t, entry] of this.#seen) {
      if (entry.expiresAt > now && this.#seen.size < this.max) break;
      this.#seen.delete(t);
    }
    const seen = this.#seen.get(token);
    if (seen) return fingerprint !== undefined && seen.fingerprint === fingerprint;
    this.#seen.set(token, { expiresAt, fingerprint });
    return true;
  }
}

/**
 * Mailgun's webhook signature: hex HMAC-SHA256 of `timestamp + token` with the HTTP webhook signing
 * key, a timestamp within the tolerance (stale requests are replays), and a token not seen before
 * with other content.
 */
export function verifyMailgunSignature(
  fields: Record<string, string | undefined>,
  options: MailgunVerifyOptions,
): MailgunSignature {
  const { timestamp, token, signature } = fields;
  if (!timestamp || !token || !signature)
    throw new WebhookVerificationError('Missing Mailgun timestamp, token or signature');
  const now = (options.now ?? new Date()).getTime();
  const tolerance = (options.toleranceSeconds ?? 300) * 1000;
  const at = Number(timestamp) * 1000;
  if (!Number.isFinite(at) || Math.abs(now - at) > tolerance) {
    throw new WebhookVerificationError(
      'Mailgun timestamp outside the accepted window (stale or replayed request)',
    );
  }
  const expected = hmacSha256(options.signingKey, `${timestamp}${token}`, 'hex');
  if (!timingSafeEqualString(signature.toLowerCase(), expected))
    throw new WebhookVerificationError('Wrong Mailgun signature');
  if (options.seen && !options.seen.add(token, at + tolerance, now, options.fingerprint)) {
    throw new WebhookVerificationError(
      'Mailgun token already used for other content (forged or replayed request)',
    );
  }
  return { token, expiresAt: new Date(at + tolerance) };
}
