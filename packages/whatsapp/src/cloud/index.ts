/**
 * @omnithread/whatsapp/cloud — the WhatsApp Cloud API: signed webhooks, Graph API sends, templates,
 * the 24-hour customer-service window, media on demand, business-scoped user ids.
 */
export {
  createWhatsAppCloudAdapter,
  type ReactionRequest,
  type WhatsAppCloudAdapter,
  type WhatsAppCloudConfig,
} from './adapter.js';
export { type FetchLike, graphError } from './graph.js';
export {
  createWhatsAppCloudImporter,
  importers,
  MAX_SINGLE_DOCUMENT_BYTES,
  type WhatsAppCloudImporterOptions,
  whatsappCloudImporter,
} from './importer.js';
export { DEFAULT_GRAPH_VERSION, type FetchMediaOptions, fetchMedia } from './media.js';
export { mediaKind, recipientFields, templateObject } from './payload.js';
export { threadKey } from './webhook/messages.js';
export { type ParseCloudOptions, parseCloudWebhook } from './webhook/parse.js';
export { answerVerificationChallenge, readVerifiedBody, type VerifyPostOptions } from './webhook/verify.js';
export { CUSTOMER_SERVICE_WINDOW_MS, customerServiceWindow } from './window.js';
