import type { Trust } from '@omnithread/core';
import type { DNSResolver } from 'mailauth';

/** Settings for checking DKIM, SPF and DMARC ourselves with mailauth (when no trusted MTA did). */
export interface MailauthOptions {
  /** The client IP the message came from (SPF). With `trustReceived`, read from the Received chain. */
  ip?: string;
  helo?: string;
  /** The envelope sender (MAIL FROM), for SPF. Default: Return-Path. */
  sender?: string;
  /** Read ip/helo/sender from the topmost Received header (only when your own MTA wrote it). */
  trustReceived?: boolean;
  /** Our host name for the Authentication-Results it computes. */
  mta?: string;
  /** DNS lookups (default: the system resolver). Inject for tests or caching. */
  resolver?: DNSResolver;
}

/**
 * Runs DKIM, SPF and DMARC on a raw message with mailauth and turns the DMARC verdict into a trust
 * level: `dmarc=pass` → `provider`, anything else (fail, none, temperror) → `unverified`. mailauth is
 * loaded on first use only.
 */
export async function authenticateEmail(
  raw: string | Uint8Array,
  options: MailauthOptions = {},
): Promise<{ trust: Trust; reason: string }> {
  const { authenticate } = await import('mailauth');
  const settings: Parameters<typeof authenticate>[1] = { disableBimi: true, disableArc: true };
  for (const key of ['ip', 'helo', 'sender', 'mta', 'resolver', 'trustReceived'] as const) {
    if (options[key] !== undefined) (settings as Record<string, unknown>)[key] = options[key];
  }
  const result = await authenticate(typeof raw === 'string' ? raw : Buffer.from(raw), settings);
  const dmarc = result.dmarc;
  if (!dmarc) return { trust: 'unverified', reason: 'mailauth: no DMARC result (no From domain)' };
  const verdict = dmarc.status.result;
  return {
    trust: verdict === 'pass' ? 'provider' : 'unverified',
    reason: `mailauth: dmarc=${verdict} for ${dmarc.domain}`,
  };
}
