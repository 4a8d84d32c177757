import {
  parseJson,
  readBody,
  verifyTwilioSignature,
  WebhookParseError,
  WebhookVerificationError,
} from '@omnithread/core';

/**
 * Reading and verifying a Twilio webhook request: the body (size-limited), the URL as Twilio signed
 * it, and X-Twilio-Signature over the form parameters, or over the URL with `bodySHA256` for JSON.
 */

export interface UrlOptions {
  webhookUrl?: string | ((request: Request) => string);
  publicBaseUrl?: string;
  trustForwardedHeaders?: boolean;
}

const firstValue = (header: string | null): string | undefined => header?.split(',')[0]?.trim() || undefined;

/**
 * The URL Twilio requested. Behind a proxy or tunnel the server sees another scheme, host or port
 * than Twilio did, and the signature is over Twilio's. In order: an explicit `webhookUrl`; the
 * request's path and query on `publicBaseUrl`; X-Forwarded-Proto/Host when (and only when) trusted;
 * else the request URL as is. Forwarded headers are never trusted by default: anyone can send them.
 */
export function signedUrl(request: Request, options: UrlOptions): string {
  if (typeof options.webhookUrl === 'function') return options.webhookUrl(request);
  if (typeof options.webhookUrl === 'string') return options.webhookUrl;
  const url = new URL(request.url);
  if (options.publicBaseUrl) {
    const base = new URL(options.publicBaseUrl);
    const prefix = base.pathname.replace(/\/+$/, '');
    return `${base.origin}${prefix}${url.pathname}${url.search}`;
  }
  if (options.trustForwardedHeaders) {
    const proto = firstValue(request.headers.get('x-forwarded-proto'));
    const host = firstValue(request.headers.get('x-forwarded-host'));
    if (proto && /^https?$/i.test(proto)) url.protocol = `${proto.toLowerCase()}:`;
    if (host) {
      url.host = host;
      // The URL setter keeps the old port when the new host has none: the proxy's host is the whole authority.
      if (!/:\d+$/.test(host)) url.port = '';
    }
  }
  return url.toString();
}

export interface VerifiedWebhook {
  /** The form parameters (or the JSON body's top-level fields) as sent. */
  params: URLSearchParams | Record<string, string>;
  /** The body text as received, kept for the rejected-payload record. */
  body: string;
  url: string;
}

/**
 * Reads the body within `maxBodyBytes`, then verifies X-Twilio-Signature before anything is parsed.
 * Throws `WebhookVerificationError` (→ 401) for a missing or wrong signature, `PayloadTooLargeError`
 * (→ 413) past the limit, `WebhookParseError` (→ 400, body kept) for a body that is not a form or JSON.
 */
export async function readVerifiedWebhook(
  request: Request,
  options: UrlOptions & { authToken: string; verifySignature: boolean; maxBodyBytes: number },
): Promise<VerifiedWebhook> {
  const url = signedUrl(request, options);
  const body =
    request.method === 'GET' || request.method === 'HEAD'
      ? ''
      : await readBody(request, { maxBytes: options.maxBodyBytes });
  const contentType = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const signature = request.headers.get('x-twilio-signature');
  const isJson = contentType === 'application/json' || contentType.endsWith('+json');

  if (options.verifySignature) {
    if (!signature) throw new WebhookVerificationError('The request has no X-Twilio-Signature header');
    const ok =
      request.method === 'GET'
        ? verifyTwilioSignature({ authToken: options.authToken, url, signature })
        : isJson
          ? verifyTwilioSignature({ authToken: options.authToken, url, rawBody: body, signature })
          : verifyTwilioSignature({
              authToken: options.authToken,
              url,
              params: new URLSearchParams(body),
              signature,
            });
    if (!ok) {
      throw new WebhookVerificationError(
        `X-Twilio-Signature does not match ${withoutSecrets(url)}: check authToken, and webhookUrl/publicBaseUrl when behind a proxy`,
      );
    }
  }

  if (request.method === 'GET') return { params: new URL(request.url).searchParams, body, url };
  if (isJson) {
    let parsed: unknown;
    try {
      parsed = parseJson(body);
    } catch (cause) {
      throw new WebhookParseError('The JSON body does not parse', { raw: body, cause });
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new WebhookParseError('The JSON body is not an object of parameters', { raw: body });
    }
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(parsed))
      if (typeof v === 'string' || typeof v === 'number') params[k] = String(v);
    return { params, body, url };
  }
  if (contentType !== '' && contentType !== 'application/x-www-form-urlencoded') {
    throw new WebhookParseError(`Twilio posts application/x-www-form-urlencoded, got ${contentType}`, {
      raw: body,
    });
  }
  return { params: new URLSearchParams(body), body, url };
}

/** The URL for an error message: no user:password (Twilio's basic-auth webhooks) and no query (tokens). */
function withoutSecrets(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}${u.search ? '?…' : ''}`;
  } catch {
    return '(unparsable URL)';
  }
}
