import { parseRetryAfter } from './errors.js';

/** The parameters of `client.messages.create` this adapter uses (a subset of the twilio SDK's). */
export interface TwilioCreateParams {
  to: string;
  body?: string;
  from?: string;
  messagingServiceSid?: string;
  mediaUrl?: string[];
  statusCallback?: string;
}

/** What `client.messages.create` answers (a subset of the twilio SDK's MessageInstance). */
export interface TwilioMessageLike {
  sid: string;
  status?: string | null;
  from?: string | null;
  to?: string | null;
  body?: string | null;
  numSegments?: string | null;
  numMedia?: string | null;
  dateCreated?: Date | string | null;
  dateSent?: Date | string | null;
  messagingServiceSid?: string | null;
  price?: string | null;
  priceUnit?: string | null;
  errorCode?: number | string | null;
  errorMessage?: string | null;
}

/**
 * The part of a twilio client the adapter calls. Pass your own `twilio(accountSid, authToken)` to
 * reuse it (its structural type fits), or any object with this shape in tests.
 */
export interface TwilioMessagingClient {
  messages: { create(params: TwilioCreateParams): Promise<TwilioMessageLike> };
}

/** An HTTP error from Twilio's API that keeps what the SDK's RestException drops: the Retry-After header. */
export class TwilioHttpError extends Error {
  readonly status: number;
  readonly code: number | undefined;
  readonly moreInfo: string | undefined;
  readonly retryAfterMs: number | undefined;
  constructor(status: number, body: unknown, headers: Record<string, unknown>) {
    let parsed: Record<string, unknown> = {};
    try {
      parsed = (typeof body === 'string' ? JSON.parse(body) : (body ?? {})) as Record<string, unknown>;
    } catch {
      parsed = {};
    }
    super(typeof parsed.message === 'string' ? parsed.message : `[HTTP ${status}] Twilio request failed`);
    this.name = 'TwilioHttpError';
    this.status = status;
    this.code = typeof parsed.code === 'number' ? parsed.code : undefined;
    this.moreInfo = typeof parsed.more_info === 'string' ? parsed.more_info : undefined;
    const retryAfter = headers['retry-after'] ?? headers['Retry-After'];
    this.retryAfterMs = parseRetryAfter(retryAfter);
  }
}

/**
 * Makes the default client: the twilio SDK, loaded on first use (so an app that injects its own
 * client, or only receives webhooks, never pays for loading it), with an HTTP client that turns error
 * answers into `TwilioHttpError` so Retry-After reaches the retry loop.
 */
export async function createDefaultClient(
  accountSid: string,
  authToken: string,
): Promise<TwilioMessagingClient> {
  const mod = await import('twilio');
  const twilio = mod.default;
  const Base = twilio.RequestClient;
  class HeaderKeepingRequestClient extends Base {
    // biome-ignore lint/suspicious/noExplicitAny: mirrors the SDK's own generic signature
    override async request<TData>(opts: any) {
      const response = await super.request<TData>(opts);
      if (response.statusCode >= 400) {
        throw new TwilioHttpError(
          response.statusCode,
          response.body,
          (response.headers ?? {}) as Record<string, unknown>,
        );
      }
      return response;
    }
  }
  return twilio(accountSid, authToken, {
    httpClient: new HeaderKeepingRequestClient(),
  }) as unknown as TwilioMessagingClient;
}
