import {
  type ChannelAdapter,
  ConfigurationError,
  type InboundEvent,
  isRateLimitedError,
  type Stop,
  type WebhookParseError,
} from '@omnithread/core';
import type { TwitterApi } from 'twitter-api-v2';
import { type CursorStore, memoryCursorStore } from './cursor.js';
import { parseXPayload } from './parse.js';
import { type PollDeps, pollDmEvents, pollMentions } from './poll.js';
import { withRateLimit } from './rate-limit.js';
import { xSend } from './send.js';
import { readXWebhook } from './webhook.js';

export interface XAdapterConfig {
  /** A twitter-api-v2 client with user context (OAuth 1.0a or OAuth 2.0 user token) of the brand account. */
  client: TwitterApi;
  /** The brand's numeric user id (never the handle: handles change). */
  userId: string;
  /** The app's consumer secret: answers CRC challenges and verifies webhook signatures. */
  consumerSecret: string;
  /** Where the poller keeps its place across restarts. Default: in memory (use `fileCursorStore` or your own). */
  cursorStore?: CursorStore;
  /** How often `listen()` polls. Default 60 s (the dm_events limit is 15 requests / 15 min per user). */
  pollIntervalMs?: number;
  /** Whether `listen()` also polls mentions (`GET /2/users/:id/mentions`). Default true. */
  pollMentions?: boolean;
  /** On the first poll without a cursor, emit the history X still has. Default true (the hub dedups). */
  backfill?: boolean;
  /** `match` (default): public mentions get public replies, DMs get DMs. `dm`: always reply by DM. */
  replyMode?: 'match' | 'dm';
  /** Webhook signature verification. On by default; turning it off is loud. */
  verifySignature?: boolean;
  /** Injectable wait for rate-limit backoff. */
  sleep?: (ms: number) => Promise<void>;
  /** Injectable clock (ms) for rate-limit arithmetic. */
  now?: () => number;
  /** 429s waited out before `RateLimitedError`. Default 2. */
  maxRateLimitRetries?: number;
  /** Longest in-process wait for a rate-limit reset. Default 15 min. */
  maxRateLimitWaitMs?: number;
  /** Polled items that cannot be parsed (kept by the app, e.g. `hub.rejected.record('x', raw, error)`). */
  onRejected?: (error: WebhookParseError, raw: unknown) => void | Promise<void>;
  /** Errors of a poll round (the loop goes on). Default: console.error. */
  onError?: (error: unknown) => void;
  /** Injectable fetch, for attachments given by URL. */
  fetch?: typeof fetch;
  maxBodyBytes?: number;
  route?: string;
}

export interface XAdapter extends ChannelAdapter {
  readonly channel: 'x';
  /** One poll round (DMs, then mentions); resolves to the number of events emitted. */
  poll(emit: (event: InboundEvent) => Promise<void>): Promise<number>;
}

/**
 * The X adapter: DMs (polled from `/2/dm_events` or pushed by Account Activity webhooks), public
 * mentions and replies, and sends (DM or public reply) through twitter-api-v2.
 *
 * @example
 * ```ts
 * import { TwitterApi } from 'twitter-api-v2';
 * import { createXAdapter, fileCursorStore } from '@omnithread/social/x';
 *
 * const x = createXAdapter({
 *   client: new TwitterApi({ appKey, appSecret, accessToken, accessSecret }),
 *   userId: '1234567890',
 *   consumerSecret: appSecret,
 *   cursorStore: fileCursorStore('.omnithread/x-cursor.json'),
 * });
 * ```
 */
export function createXAdapter(config: XAdapterConfig): XAdapter {
  if (!config || typeof config !== 'object')
    throw new ConfigurationError('config', 'create the X adapter with a config object');
  if (!config.client || typeof config.client !== 'object' || !('v2' in config.client)) {
    throw new ConfigurationError('client', 'the X adapter needs `client`, a twitter-api-v2 TwitterApi');
  }
  if (typeof config.userId !== 'string' || !/^\d+$/.test(config.userId)) {
    throw new ConfigurationError(
      'userId',
      "the X adapter needs `userId`, the brand's numeric user id (not the handle)",
    );
  }
  if (typeof config.consumerSecret !== 'string' || config.consumerSecret.length === 0) {
    throw new ConfigurationError(
      'consumerSecret',
      'the X adapter needs `consumerSecret` for CRC challenges and webhook signatures',
    );
  }
  const verifySignature = config.verifySignature ?? true;
  if (!verifySignature)
    console.warn('[omnithread] X webhook signature verification is OFF: anyone can post fake messages');
  const { client, userId } = config;
  const policy = {
    sleep: config.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))),
    now: config.now ?? Date.now,
    maxRetries: config.maxRateLimitRetries ?? 2,
    maxWaitMs: config.maxRateLimitWaitMs ?? 15 * 60_000,
  };
  const call = <T>(what: string, fn: () => Promise<T>) => withRateLimit(what, fn, policy);
  const parse = (raw: unknown) => parseXPayload(raw, userId);
  const pollDeps: PollDeps = {
    client,
    userId,
    cursors: config.cursorStore ?? memoryCursorStore(),
    parse,
    call,
    backfill: config.backfill ?? true,
    maxPages: 50,
    onRejected:
      config.onRejected ??
      ((error, raw) =>
        console.error('[omnithread] an X item could not be parsed', error.message, JSON.stringify(raw))),
  };
  const onError = config.onError ?? ((error: unknown) => console.error('[omnithread] X poll failed', error));
  const pollIntervalMs = config.pollIntervalMs ?? 60_000;
  const withMentions = config.pollMentions ?? true;

  async function poll(emit: (event: InboundEvent) => Promise<void>): Promise<number> {
    let count = await pollDmEvents(pollDeps, emit);
    if (withMentions) count += await pollMentions(pollDeps, emit);
    return count;
  }

  return {
    channel: 'x',
    route: config.route ?? 'x',
    capabilities: {
      maxTextLength: 10_000,
      media: ['image/*', 'video/*'],
      templates: false,
      reactions: false,
      edits: false,
      readReceipts: true,
      // DMs are a session channel; public Tweets are treated as threaded by the hub (visibility: public).
      threaded: false,
      identityKinds: ['x'],
      subject: false,
    },
    parse,
    poll,
    async handle(request) {
      const read = await readXWebhook(request, {
        consumerSecret: config.consumerSecret,
        verifySignature,
        ...(config.maxBodyBytes === undefined ? {} : { maxBodyBytes: config.maxBodyBytes }),
      });
      if (read.kind === 'crc') return { response: read.response, events: [] };
      return { response: new Response(null, { status: 200 }), events: parse(read.payload) };
    },
    send(message, context) {
      return xSend(message, context, {
        client,
        userId,
        replyMode: config.replyMode ?? 'match',
        fetch: config.fetch ?? globalThis.fetch,
        call,
      });
    },
    async listen(emit): Promise<Stop> {
      let stopped = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let running: Promise<void> = Promise.resolve();
      const round = () => {
        let delay = pollIntervalMs;
        running = poll(emit)
          .then(() => undefined)
          .catch((error: unknown) => {
            // A rate limit longer than we wait in-process: come back when X says the window resets.
            if (isRateLimitedError(error) && error.retryAfterMs !== undefined)
              delay = Math.max(delay, error.retryAfterMs);
            onError(error);
          })
          .finally(() => {
            if (!stopped) timer = setTimeout(round, delay);
          });
      };
      round();
      return async () => {
        stopped = true;
        if (timer) clearTimeout(timer);
        await running;
      };
    },
  };
}
