/**
 * @omnithread/whatsapp — WhatsApp for Omnithread. The Cloud API lives in `@omnithread/whatsapp/cloud`
 * and whatsapp-web.js linked devices in `@omnithread/whatsapp/web`; both are re-exported here.
 */
export {
  CUSTOMER_SERVICE_WINDOW_MS,
  createWhatsAppCloudAdapter,
  createWhatsAppCloudImporter,
  customerServiceWindow,
  fetchMedia,
  importers,
  MAX_SINGLE_DOCUMENT_BYTES,
  parseCloudWebhook,
  type ReactionRequest,
  type WhatsAppCloudAdapter,
  type WhatsAppCloudConfig,
  type WhatsAppCloudImporterOptions,
  whatsappCloudImporter,
} from './cloud/index.js';
export { createWhatsAppWebAdapter, type WhatsAppWebAdapter, type WhatsAppWebConfig } from './web/index.js';
