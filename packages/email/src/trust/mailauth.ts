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

// mailauth 4 (the last line for Node 20) pins nodemailer 8.0.7, whose address parser takes quadratic
// time (GHSA-2x7j-588g-ccc2, GHSA-v53p-9fqp-m79j) and reads From and Return-Path of every message: a
// From of 40,000 addresses took 5.5 s. No real message has an address header this long; it is left
// unverified without running mailauth, whatever nodemailer the app's install resolves.
const MAX_ADDRESS_HEADER_BYTES = 16 * 1024;
// Received too: with `trustReceived`, mailauth takes the envelope sender from it.
const ADDRESS_HEADERS = new Set(['from', 'sender', 'return-path', 'received']);

/** The first From, Sender, Return-Path or Received field (folded lines included) over the limit, if any. */
export function overlongAddressHeader(
  raw: string | Uint8Array,
  limit = MAX_ADDRESS_HEADER_BYTES,
): { name: string; bytes: number } | undefined {
  let header: string;
  if (typeof raw === 'string') {
    const end = raw.search(/\r?\n\r?\n/);
    header = end < 0 ? raw : raw.slice(0, end);
  } else {
    // Only the header block is decoded, not a message of megabytes.
    const bytes = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    const ends = [bytes.indexOf('\n\n'), bytes.indexOf('\n\r\n')].filter((i) => i >= 0);
    header = bytes.toString('latin1', 0, ends.length > 0 ? Math.min(...ends) : bytes.length);
  }
  let current: { name: string; bytes: number } | undefined;
  for (const line of header.split('\n')) {
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (current) current.bytes += line.length + 1;
    } else {
      const colon = line.indexOf(':');
      const name = colon < 0 ? '' : line.slice(0, colon).trim().toLowerCase();
      current = ADDRESS_HEADERS.has(name) ? { name, bytes: line.length + 1 } : undefined;
    }
    if (current && current.bytes > limit) return current;
  }
  return undefined;
}

/**
 * Runs DKIM, SPF and DMARC on a raw message with mailauth and turns the DMARC verdict into a trust
 * level: `dmarc=pass` → `provider`, anything else (fail, none, temperror) → `unverified`. mailauth is
 * loaded on first use only. A message with a From, Sender, Return-Path or Received field over 16 KiB
 * is `unverified` without running mailauth (see above).
 */
export async function authenticateEmail(
  raw: string | Uint8Array,
  options: MailauthOptions = {},
): Promise<{ trust: Trust; reason: string }> {
  const overlong = overlongAddressHeader(raw);
  if (overlong) {
    return {
      trust: 'unverified',
      reason: `mailauth not run: its ${overlong.name} header is over ${MAX_ADDRESS_HEADER_BYTES} bytes`,
    };
  }
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
