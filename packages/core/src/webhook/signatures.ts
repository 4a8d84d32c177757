import { createHash, createHmac } from 'node:crypto';
import { timingSafeEqualString } from './crypto.js';

/**
 * Signature schemes shared by several channels. They are plain crypto (no SDK), so the core can
 * hold them and each adapter verifies without importing another: Twilio's X-Twilio-Signature
 * (SMS, WhatsApp-via-Twilio, voice) and Meta's X-Hub-Signature-256 (WhatsApp Cloud, Messenger,
 * Instagram).
 */

export type FormParams = Record<string, string | readonly string[]> | URLSearchParams;

function sortedParamString(params: FormParams): string {
  const pairs: Array<[string, string]> = [];
  if (params instanceof URLSearchParams) for (const [k, v] of params) pairs.push([k, v]);
  else
    for (const [k, v] of Object.entries(params)) {
      if (typeof v === 'string') pairs.push([k, v]);
      else for (const item of v) pairs.push([k, item]);
    }
  pairs.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([k, v]) => k + v).join('');
}

/** The URL as Twilio may have signed it: as given, and with the default port added or removed. */
function urlVariants(url: string): string[] {
  const variants = new Set([url]);
  try {
    const parsed = new URL(url);
    const defaultPort = parsed.protocol === 'https:' ? '443' : parsed.protocol === 'http:' ? '80' : '';
    // URL() drops a default port, so look at the text itself.
    const withPort = `${parsed.hostname}:${defaultPort}`;
    if (defaultPort && url.includes(withPort)) variants.add(url.replace(withPort, parsed.hostname));
    else if (defaultPort && parsed.port === '') variants.add(url.replace(parsed.hostname, withPort));
  } catch {
    // an unparsable URL is only tried as given
  }
  return [...variants];
}

/** Computes X-Twilio-Signature: base64 HMAC-SHA1 of the URL followed by the sorted form params. */
export function twilioSignature(authToken: string, url: string, params: FormParams = {}): string {
  return createHmac('sha1', authToken)
    .update(url + sortedParamString(params), 'utf8')
    .digest('base64');
}

export interface TwilioSignatureInput {
  authToken: string;
  /** The full URL Twilio requested, as Twilio saw it (scheme, host, path, query). */
  url: string;
  /** The X-Twilio-Signature header. */
  signature: string | null | undefined;
  /** Form params of an application/x-www-form-urlencoded POST. */
  params?: FormParams;
  /** The raw body of a JSON POST; its SHA-256 must match the URL's `bodySHA256` parameter. */
  rawBody?: string;
}

/**
 * Verifies a Twilio webhook signature in constant time, for form posts and for JSON bodies (the
 * `bodySHA256` variant).
 *
 * @example
 * ```ts
 * verifyTwilioSignature({ authToken, url: 'https://example.com/webhooks/sms', params, signature: req.headers.get('x-twilio-signature') });
 * ```
 */
export function verifyTwilioSignature(input: TwilioSignatureInput): boolean {
  if (!input.signature || !input.authToken) return false;
  let params: FormParams = input.params ?? {};
  if (input.rawBody !== undefined) {
    let expectedHash: string | null = null;
    try {
      expectedHash = new URL(input.url).searchParams.get('bodySHA256');
    } catch {
      return false;
    }
    if (!expectedHash) return false;
    const actual = createHash('sha256').update(input.rawBody, 'utf8').digest('hex');
    if (!timingSafeEqualString(actual, expectedHash.toLowerCase())) return false;
    params = {};
  }
  let ok = false;
  for (const url of urlVariants(input.url)) {
    // Check every variant so the time does not reveal which one matched.
    if (timingSafeEqualString(twilioSignature(input.authToken, url, params), input.signature)) ok = true;
  }
  return ok;
}

/** Computes Meta's X-Hub-Signature-256 header value (`sha256=<hex>`) for a raw body. */
export function metaSignature(appSecret: string, rawBody: string | Uint8Array): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

/** Verifies Meta's X-Hub-Signature-256 (WhatsApp Cloud, Messenger, Instagram) in constant time. */
export function verifyMetaSignature(
  appSecret: string,
  rawBody: string | Uint8Array,
  header: string | null | undefined,
): boolean {
  if (!header || !appSecret) return false;
  return timingSafeEqualString(metaSignature(appSecret, rawBody), header.trim().toLowerCase());
}
