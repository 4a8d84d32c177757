import { RateLimitedError, ReplyWindowClosedError, SendFailedError } from '@omnithread/core';
import { nonEmpty, obj, str } from '../shared/json.js';

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface GraphClientOptions {
  accessToken: string;
  graphVersion: string;
  fetch: FetchLike;
  /** Default https://graph.facebook.com */
  baseUrl?: string;
  channel?: string;
}

// Error codes from Meta's Cloud API error-code reference.
const RE_ENGAGEMENT = new Set(['131047']);
const RATE_LIMITS = new Set(['130429', '131056', '80007', '4', '613']);
const RETRYABLE = new Set(['1', '2', '131000', '131016', '133004']);

function retryAfterMs(response: Response): number | undefined {
  const header = response.headers.get('retry-after');
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * Turns a Graph API error answer into Omnithread's typed errors: 131047 (more than 24 hours since
 * the customer last wrote) → `ReplyWindowClosedError`; 130429 / 131056 and the throttling codes →
 * `RateLimitedError`; anything else → `SendFailedError` carrying the provider's code.
 */
export function graphError(response: Response, body: unknown, channel = 'whatsapp'): Error {
  const error = obj(obj(body)?.error);
  const code = str(error?.code) ?? `http-${response.status}`;
  const details = nonEmpty(obj(error?.error_data)?.details);
  const text = nonEmpty(error?.message) ?? nonEmpty(error?.error_user_msg) ?? `HTTP ${response.status}`;
  const message = `WhatsApp Cloud API error ${code}: ${text}${details && details !== text ? ` (${details})` : ''}`;
  if (RE_ENGAGEMENT.has(code)) {
    return new ReplyWindowClosedError(
      channel,
      `${message}. The 24-hour window is closed: send an approved template instead`,
    );
  }
  if (RATE_LIMITS.has(code) || response.status === 429) {
    const after = retryAfterMs(response);
    return new RateLimitedError(message, after === undefined ? {} : { retryAfterMs: after });
  }
  return new SendFailedError(message, {
    providerCode: code,
    retryable: RETRYABLE.has(code) || response.status >= 500,
  });
}

/** A thin Graph API client: JSON in, JSON out, typed errors, no retries (the app decides). */
export function graphClient(options: GraphClientOptions) {
  const base = `${options.baseUrl ?? 'https://graph.facebook.com'}/${options.graphVersion}`;
  const auth = { authorization: `Bearer ${options.accessToken}` };
  async function call(path: string, init: RequestInit): Promise<unknown> {
    let response: Response;
    try {
      response = await options.fetch(`${base}/${path}`, {
        ...init,
        headers: { ...auth, ...(init.headers as Record<string, string>) },
      });
    } catch (cause) {
      throw new SendFailedError(
        `WhatsApp Cloud API unreachable: ${cause instanceof Error ? cause.message : String(cause)}`,
        {
          cause,
          retryable: true,
        },
      );
    }
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      // keep the text: an HTML error page from a proxy says more than nothing
    }
    if (!response.ok || obj(body)?.error) throw graphError(response, body, options.channel);
    return body;
  }
  return {
    baseUrl: base,
    authHeader: auth,
    postJson: (path: string, payload: unknown) =>
      call(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
      }),
    postForm: (path: string, form: FormData) => call(path, { method: 'POST', body: form }),
    get: (path: string) => call(path, { method: 'GET' }),
  };
}
export type GraphClient = ReturnType<typeof graphClient>;
