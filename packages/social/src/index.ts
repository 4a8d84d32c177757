/**
 * @omnithread/social — X, Facebook Messenger and Instagram DMs for Omnithread. Each channel also has
 * its own subpath (`@omnithread/social/x`, `/messenger`, `/instagram`).
 */
import type { Importer } from '@omnithread/core';
import { messengerImporter } from './meta/importer.js';
import { xImporter } from './x/importer.js';

export { createInstagramAdapter, type InstagramAdapterConfig } from './instagram/index.js';
export { createMessengerAdapter, type MessengerAdapterConfig } from './messenger/index.js';
export type { MetaAdapter, MetaAdapterBaseConfig } from './meta/adapter.js';
export { type MetaParseOptions, parseMetaWebhook } from './meta/parse.js';
export { metaSendError } from './meta/send.js';
export { HUMAN_AGENT_WINDOW_MS, STANDARD_WINDOW_MS, sendMode, windowState } from './meta/window.js';
export {
  type CursorStore,
  crcResponseToken,
  createXAdapter,
  fileCursorStore,
  memoryCursorStore,
  oneToOneConversationId,
  parseXPayload,
  verifyXSignature,
  type XAdapter,
  type XAdapterConfig,
  xWebhookSignature,
} from './x/index.js';
export { messengerImporter, xImporter };

/** Archive importers for `omnithread import --format x|messenger`. */
export const importers: readonly Importer[] = [xImporter, messengerImporter];
