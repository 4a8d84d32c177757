import {
  type Attachment,
  type Identity,
  NotSupportedError,
  type OutboundMessage,
  ValidationError,
} from '@omnithread/core';
import { isObj } from '../shared/json.js';

/** Who a Graph send goes to: a phone (`to`, digits) or a business-scoped user id (`recipient`). */
export function recipientFields(identity: Identity | undefined): Record<string, string> {
  if (!identity) throw new ValidationError('A WhatsApp send needs a recipient', { path: 'to' });
  switch (identity.kind) {
    case 'whatsapp':
      return { to: identity.value.replace(/^\+/, '') };
    case 'phone':
      return { to: identity.value.replace(/^\+/, '') };
    // Meta's BSUID documentation: `recipient` carries the BSUID instead of `to` when no phone is known.
    case 'whatsapp-bsuid':
      return { recipient: identity.value };
    default:
      throw new NotSupportedError(
        'send.recipient',
        `The WhatsApp Cloud API cannot send to a ${identity.kind} identity`,
      );
  }
}

/** The Graph media type for a content type. WebP images are stickers (WhatsApp shows no caption on them). */
export function mediaKind(contentType: string): 'image' | 'video' | 'audio' | 'sticker' | 'document' {
  const type = contentType.toLowerCase().split(';')[0]!.trim();
  if (type === 'image/webp') return 'sticker';
  if (type === 'image/jpeg' || type === 'image/png') return 'image';
  if (type.startsWith('video/')) return 'video';
  if (type.startsWith('audio/')) return 'audio';
  return 'document';
}

export const CAPTIONED = new Set(['image', 'video', 'document']);

/** The media object of a send: by our uploaded id, the provider id, or a public link. */
export function mediaObject(
  attachment: Attachment,
  uploadedId: string | undefined,
  caption: string | undefined,
): Record<string, string> {
  const kind = mediaKind(attachment.contentType);
  const media: Record<string, string> = {};
  if (uploadedId ?? attachment.providerId) media.id = (uploadedId ?? attachment.providerId)!;
  else if (attachment.url && /^https?:\/\//i.test(attachment.url)) media.link = attachment.url;
  else
    throw new ValidationError(`Attachment ${attachment.id} has no media id, link or content to send`, {
      path: 'attachments',
    });
  if (caption && CAPTIONED.has(kind)) media.caption = caption;
  if (kind === 'document' && attachment.filename) media.filename = attachment.filename;
  return media;
}

const COMPONENT_TYPES = new Set([
  'header',
  'body',
  'footer',
  'button',
  'buttons',
  'carousel',
  'limited_time_offer',
]);

/**
 * The `template` object of a send. `parameters` may be Graph components (`{ type: 'body', parameters: [...] }`)
 * passed through as they are, or plain values that fill the body's {{1}}, {{2}}… in order.
 */
export function templateObject(
  template: NonNullable<OutboundMessage['template']> & { components?: unknown[] },
): Record<string, unknown> {
  if (!template.name) throw new ValidationError('A template needs a name', { path: 'template.name' });
  if (!template.language)
    throw new ValidationError('A template needs a language code such as en_US', {
      path: 'template.language',
    });
  const out: Record<string, unknown> = { name: template.name, language: { code: template.language } };
  const params = template.parameters ?? [];
  if (template.components) out.components = template.components;
  else if (
    params.length > 0 &&
    params.every((p) => isObj(p) && typeof p.type === 'string' && COMPONENT_TYPES.has(p.type))
  ) {
    out.components = params;
  } else if (params.length > 0) {
    out.components = [
      {
        type: 'body',
        parameters: params.map((p) => (isObj(p) ? p : { type: 'text', text: String(p) })),
      },
    ];
  }
  return out;
}
