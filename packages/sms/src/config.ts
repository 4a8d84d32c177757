import { ConfigurationError } from '@omnithread/core';
import type { TwilioMessagingClient } from './send/client.js';
import type { IdempotencyStore } from './send/idempotency.js';

export interface RetryOptions {
  /** Further attempts after the first, on 429 and 5xx answers. Default 3. */
  retries?: number;
  /** First backoff delay in ms, doubled each attempt. Default 500. */
  baseDelayMs?: number;
  /** Longest wait in ms, also the cap on a Retry-After the provider asks for. Default 30 000. */
  maxDelayMs?: number;
}

export interface SmsAdapterConfig {
  /** Twilio Account SID (`AC…`). */
  accountSid: string;
  /** Twilio Auth Token: signs webhooks, authenticates sends and media downloads. */
  authToken: string;
  /** The sender for replies that have no business endpoint yet: an E.164 number, short code, alphanumeric ID, or `whatsapp:+…`. */
  from?: string;
  /** The WhatsApp sender (`whatsapp:+…` or `+…`) for WhatsApp replies without an endpoint; defaults to `from`. */
  whatsappFrom?: string;
  /** A Messaging Service (`MG…`) that picks the sender; used when a reply has no endpoint and `from` is not set. */
  messagingServiceSid?: string;
  /**
   * The exact public URL Twilio posts to, when it is fixed (or a function of the request). Twilio
   * signs the URL it requested, so behind a proxy the URL the server sees differs from the signed one.
   */
  webhookUrl?: string | ((request: Request) => string);
  /** The public origin (`https://example.com`) to rebuild webhook URLs with: the request's path and query are kept. */
  publicBaseUrl?: string;
  /** Trust X-Forwarded-Proto / X-Forwarded-Host to rebuild the URL. Only when a proxy you run sets them. Default false. */
  trustForwardedHeaders?: boolean;
  /** Where Twilio reports delivery statuses of sent messages (usually this adapter's webhook URL). */
  statusCallbackUrl?: string;
  /** Your twilio client; by default one is made from accountSid/authToken on the first send. */
  client?: TwilioMessagingClient;
  /** fetch for media downloads; default globalThis.fetch. */
  fetch?: typeof fetch;
  /** Verify X-Twilio-Signature (default true). Turning it off lets anyone post fake messages: tests only. */
  verifySignature?: boolean;
  /** Largest webhook body accepted, in bytes. Default 256 KiB (Twilio's are a few KiB). */
  maxBodyBytes?: number;
  /** Largest media download, in bytes. Default 20 MiB. */
  maxMediaBytes?: number;
  retry?: RetryOptions;
  /** How to wait between retries; inject in tests. */
  sleep?: (ms: number) => Promise<void>;
  /** Where sends are remembered per outbound message id. Default: in-process; pass a shared one for several processes. */
  idempotencyStore?: IdempotencyStore;
  /** How long a send is remembered. Default 24 h. */
  idempotencyTtlMs?: number;
  /** The clock, stamped on webhooks (Twilio's message webhook carries no time). */
  clock?: () => Date;
  /** Webhook path segment under the hub's base path. Default `sms`. */
  route?: string;
}

export interface ResolvedConfig extends SmsAdapterConfig {
  verifySignature: boolean;
  maxBodyBytes: number;
  maxMediaBytes: number;
  retry: Required<RetryOptions>;
  sleep: (ms: number) => Promise<void>;
  idempotencyTtlMs: number;
  clock: () => Date;
}

function requireString(config: Record<string, unknown>, key: string, hint: string): void {
  const value = config[key];
  if (typeof value !== 'string' || value.trim() === '')
    throw new ConfigurationError(key, `createSmsAdapter needs \`${key}\`: ${hint}`);
}

function optionalUrl(config: Record<string, unknown>, key: string): void {
  const value = config[key];
  if (value === undefined || typeof value === 'function') return;
  if (typeof value !== 'string') throw new ConfigurationError(key, `\`${key}\` must be a URL string`);
  try {
    const url = new URL(value);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('not http(s)');
  } catch {
    throw new ConfigurationError(
      key,
      `\`${key}\` must be an absolute http(s) URL, got ${JSON.stringify(value)}`,
    );
  }
}

const nonNegativeInt = (value: unknown, key: string, fallback: number): number => {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ConfigurationError(key, `\`${key}\` must be a non-negative number`);
  }
  return value;
};

/** Validates the config at creation, naming the setting that is missing or wrong. */
export function resolveConfig(input: SmsAdapterConfig): ResolvedConfig {
  if (typeof input !== 'object' || input === null)
    throw new ConfigurationError('config', 'createSmsAdapter needs a config object');
  const raw = input as unknown as Record<string, unknown>;
  requireString(raw, 'accountSid', 'the Twilio Account SID (AC…) from the Twilio Console');
  if (!/^AC[0-9a-fA-F]{32}$/.test(input.accountSid)) {
    throw new ConfigurationError(
      'accountSid',
      `\`accountSid\` must look like AC followed by 32 hex digits, got ${JSON.stringify(input.accountSid.slice(0, 40))}`,
    );
  }
  requireString(raw, 'authToken', 'the Twilio Auth Token (it signs webhooks and authenticates sends)');
  if (input.messagingServiceSid !== undefined && !/^MG[0-9a-fA-F]{32}$/.test(input.messagingServiceSid)) {
    throw new ConfigurationError(
      'messagingServiceSid',
      '`messagingServiceSid` must look like MG followed by 32 hex digits',
    );
  }
  for (const key of ['from', 'whatsappFrom'] as const) {
    if (input[key] !== undefined && (typeof input[key] !== 'string' || input[key]!.trim() === '')) {
      throw new ConfigurationError(key, `\`${key}\` must be a non-empty sender address`);
    }
  }
  optionalUrl(raw, 'webhookUrl');
  optionalUrl(raw, 'publicBaseUrl');
  optionalUrl(raw, 'statusCallbackUrl');
  if (input.client !== undefined && typeof input.client?.messages?.create !== 'function') {
    throw new ConfigurationError('client', '`client` must be a twilio client (with messages.create)');
  }
  const retries = nonNegativeInt(input.retry?.retries, 'retry.retries', 3);
  return {
    ...input,
    verifySignature: input.verifySignature ?? true,
    maxBodyBytes: nonNegativeInt(input.maxBodyBytes, 'maxBodyBytes', 256 * 1024),
    maxMediaBytes: nonNegativeInt(input.maxMediaBytes, 'maxMediaBytes', 20 * 1024 * 1024),
    retry: {
      retries: Math.floor(retries),
      baseDelayMs: nonNegativeInt(input.retry?.baseDelayMs, 'retry.baseDelayMs', 500),
      maxDelayMs: nonNegativeInt(input.retry?.maxDelayMs, 'retry.maxDelayMs', 30_000),
    },
    sleep: input.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    idempotencyTtlMs: nonNegativeInt(input.idempotencyTtlMs, 'idempotencyTtlMs', 24 * 3_600_000),
    clock: input.clock ?? (() => new Date()),
  };
}
