/**
 * @omnithread/social/messenger — Facebook Messenger: Graph webhooks in (signed, with echoes of the
 * page's own messages), the Send API out, with the 24-hour / HUMAN_AGENT rules as typed errors.
 */
import { createMetaAdapter, type MetaAdapter, type MetaAdapterBaseConfig } from '../meta/adapter.js';

export interface MessengerAdapterConfig extends MetaAdapterBaseConfig {
  /** The Facebook Page id the webhooks and sends are for. */
  pageId: string;
}

/**
 * @example
 * ```ts
 * import { createHub, memoryStore } from '@omnithread/core';
 * import { createMessengerAdapter } from '@omnithread/social/messenger';
 *
 * const messenger = createMessengerAdapter({
 *   appSecret: process.env.META_APP_SECRET!,
 *   verifyToken: process.env.META_VERIFY_TOKEN!,
 *   pageAccessToken: process.env.MESSENGER_PAGE_TOKEN!,
 *   pageId: process.env.MESSENGER_PAGE_ID!,
 * });
 * const hub = createHub({ store: memoryStore(), adapters: [messenger] });
 * // POST/GET /webhooks/messenger → hub.handle(request)
 * ```
 */
export function createMessengerAdapter(config: MessengerAdapterConfig): MetaAdapter {
  return createMetaAdapter('messenger', 'page', 'pageId', config?.pageId, config, {
    maxTextLength: 2000,
    media: true,
    templates: false,
    reactions: true,
    edits: true,
    readReceipts: true,
    threaded: false,
    identityKinds: ['messenger'],
    subject: false,
  });
}

export type { MetaAdapter, MetaAdapterBaseConfig } from '../meta/adapter.js';
export { messengerImporter } from '../meta/importer.js';
export { type MetaParseOptions, parseMetaWebhook } from '../meta/parse.js';
export { metaSendError } from '../meta/send.js';
export { HUMAN_AGENT_WINDOW_MS, STANDARD_WINDOW_MS, sendMode, windowState } from '../meta/window.js';
