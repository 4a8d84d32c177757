import { type Capabilities, type ChannelAdapter, ConfigurationError } from '@omnithread/core';
import { type MetaChannel, type MetaObject, parseMetaWebhook } from './parse.js';
import { metaSend } from './send.js';
import { readMetaWebhook } from './webhook.js';
import { STANDARD_WINDOW_MS, windowState } from './window.js';

/** Settings common to the Messenger and Instagram adapters. */
export interface MetaAdapterBaseConfig {
  /** The Meta app secret: signs every webhook (X-Hub-Signature-256). */
  appSecret: string;
  /** The token you typed in the app dashboard; Meta sends it back on the GET verification request. */
  verifyToken: string;
  /** A Page access token with messaging permissions, for the Send API. */
  pageAccessToken: string;
  /** Graph API version, e.g. `v21.0`. */
  graphVersion?: string;
  /** Graph host; default `https://graph.facebook.com`. */
  apiBaseUrl?: string;
  /** Injectable fetch (tests, proxies). Default: the global fetch. */
  fetch?: typeof fetch;
  /**
   * Allow human agents to reply between 24 hours and 7 days after the customer's last message, using
   * the HUMAN_AGENT message tag (only for real human replies: Meta's policy). Default false.
   */
  humanAgentTag?: boolean;
  /** Webhook signature verification. On by default; turning it off is loud. */
  verifySignature?: boolean;
  /** Largest webhook body accepted, in bytes. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Webhook path segment under the hub's base path; default the channel name. */
  route?: string;
}

export interface MetaAdapter extends ChannelAdapter {
  readonly channel: MetaChannel;
  /** The page or Instagram account id this adapter answers for. */
  readonly businessId: string;
}

const SECRET_SETTINGS = ['appSecret', 'verifyToken', 'pageAccessToken'] as const;

export function createMetaAdapter(
  channel: MetaChannel,
  object: MetaObject,
  businessIdSetting: string,
  businessId: unknown,
  config: MetaAdapterBaseConfig,
  capabilities: Capabilities,
): MetaAdapter {
  if (!config || typeof config !== 'object')
    throw new ConfigurationError('config', `create the ${channel} adapter with a config object`);
  for (const setting of SECRET_SETTINGS) {
    if (typeof config[setting] !== 'string' || config[setting].length === 0) {
      throw new ConfigurationError(setting, `the ${channel} adapter needs \`${setting}\``);
    }
  }
  if (typeof businessId !== 'string' || !/^\d+$/.test(businessId)) {
    throw new ConfigurationError(
      businessIdSetting,
      `the ${channel} adapter needs \`${businessIdSetting}\` (a numeric id)`,
    );
  }
  const fetchImpl = config.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') throw new ConfigurationError('fetch', 'no global fetch: pass `fetch`');
  const verifySignature = config.verifySignature ?? true;
  if (!verifySignature) {
    console.warn(
      `[omnithread] ${channel} webhook signature verification is OFF: anyone can post fake messages`,
    );
  }
  const humanAgentTag = config.humanAgentTag ?? false;
  const graphVersion = config.graphVersion ?? 'v21.0';
  const apiBaseUrl = (config.apiBaseUrl ?? 'https://graph.facebook.com').replace(/\/+$/, '');
  const parse = (raw: unknown) => parseMetaWebhook(raw, { object });

  return {
    channel,
    businessId,
    route: config.route ?? channel,
    capabilities: { ...capabilities, replyWindowMs: STANDARD_WINDOW_MS },
    parse,
    async handle(request) {
      const read = await readMetaWebhook(request, {
        appSecret: config.appSecret,
        verifyToken: config.verifyToken,
        verifySignature,
        ...(config.maxBodyBytes === undefined ? {} : { maxBodyBytes: config.maxBodyBytes }),
      });
      if (read.kind === 'challenge') return { response: read.response, events: [] };
      const events = parse(read.payload);
      // Meta wants a fast 200 for every delivered batch, or it retries and eventually disables the hook.
      return { response: new Response('EVENT_RECEIVED', { status: 200 }), events };
    },
    send(message, context) {
      return metaSend(message, context, {
        channel,
        accessToken: config.pageAccessToken,
        businessId,
        graphVersion,
        apiBaseUrl,
        fetch: fetchImpl,
        humanAgentTag,
      });
    },
    replyWindow(_conversation, lastInbound, now) {
      return windowState(lastInbound, now, humanAgentTag);
    },
  };
}
