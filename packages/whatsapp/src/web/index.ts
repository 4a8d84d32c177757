/**
 * @omnithread/whatsapp/web — whatsapp-web.js (a linked device) as an Omnithread channel. The app
 * creates and authenticates the Client; this adapter maps its events and sends through it.
 */
export { createWhatsAppWebAdapter, type WhatsAppWebAdapter, type WhatsAppWebConfig } from './adapter.js';
export { groupKey, identityOfJid, jidOfIdentity } from './ids.js';
export { ackStatus, mapWebMessage, webThreadKey } from './map.js';
export type {
  WebClientLike,
  WebListener,
  WebMessageId,
  WebMessageLike,
  WebMessageMedia,
  WebMessageMediaConstructor,
  WebReactionLike,
} from './types.js';
