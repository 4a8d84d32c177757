/**
 * @omnithread/social/instagram — Instagram DMs through the Messenger Platform: Graph webhooks in
 * (`object: "instagram"`: messages, story mentions and story replies, reactions, unsends, echoes),
 * the Send API out with the 24-hour / HUMAN_AGENT rules.
 */
import { createMetaAdapter, type MetaAdapter, type MetaAdapterBaseConfig } from '../meta/adapter.js';

export interface InstagramAdapterConfig extends MetaAdapterBaseConfig {
  /** The Instagram professional account id (the `entry[].id` of the webhooks). */
  igUserId: string;
}

/**
 * @example
 * ```ts
 * import { createInstagramAdapter } from '@omnithread/social/instagram';
 *
 * const instagram = createInstagramAdapter({
 *   appSecret: process.env.META_APP_SECRET!,
 *   verifyToken: process.env.META_VERIFY_TOKEN!,
 *   pageAccessToken: process.env.INSTAGRAM_PAGE_TOKEN!,
 *   igUserId: process.env.INSTAGRAM_ACCOUNT_ID!,
 * });
 * ```
 */
export function createInstagramAdapter(config: InstagramAdapterConfig): MetaAdapter {
  return createMetaAdapter('instagram', 'instagram', 'igUserId', config?.igUserId, config, {
    maxTextLength: 1000,
    media: ['image/*', 'video/*', 'audio/*'],
    templates: false,
    reactions: true,
    edits: false,
    readReceipts: true,
    threaded: false,
    identityKinds: ['instagram'],
    subject: false,
  });
}

export type { MetaAdapter, MetaAdapterBaseConfig } from '../meta/adapter.js';
export { type MetaParseOptions, parseMetaWebhook } from '../meta/parse.js';
export { HUMAN_AGENT_WINDOW_MS, STANDARD_WINDOW_MS, sendMode, windowState } from '../meta/window.js';
