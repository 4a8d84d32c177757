import { type Attachment, type JsonValue, parseJson, safeFilename } from '@omnithread/core';
import { arr, base64Sha256ToHex, nonEmpty, type Obj, obj, str, toJson } from '../../shared/json.js';

/** What a message says, in model terms. */
export interface CloudContent {
  text: string;
  attachments: Attachment[];
  metadata: Record<string, JsonValue>;
  warnings: string[];
}

export const MEDIA_TYPES = ['image', 'video', 'audio', 'document', 'sticker'] as const;
const DEFAULT_MIME: Record<string, string> = {
  image: 'image/jpeg',
  video: 'video/mp4',
  audio: 'audio/ogg',
  document: 'application/octet-stream',
  sticker: 'image/webp',
};

/** A media object (`image`, `audio`…) as an attachment fetched on demand through the Graph API (`fetchMedia`). */
export function mediaAttachment(kind: string, media: Obj): Attachment | undefined {
  const id = nonEmpty(media.id);
  const url = nonEmpty(media.url);
  if (!id && !url) return undefined;
  const attachment: Attachment = {
    id: id ?? url!,
    contentType: nonEmpty(media.mime_type) ?? DEFAULT_MIME[kind] ?? 'application/octet-stream',
    size: typeof media.file_size === 'number' ? media.file_size : -1,
  };
  if (id) attachment.providerId = id;
  if (url) attachment.url = url;
  // The sender chose the name: one harmless path segment before anything saves it to disk.
  const filename = nonEmpty(media.filename);
  if (filename) attachment.filename = safeFilename(filename);
  const caption = nonEmpty(media.caption);
  if (caption) attachment.caption = caption;
  const sha256 = base64Sha256ToHex(media.sha256);
  if (sha256) attachment.sha256 = sha256;
  return attachment;
}

function locationText(location: Obj): string {
  const place = [nonEmpty(location.name), nonEmpty(location.address)].filter(Boolean).join(', ');
  const coords = `${str(location.latitude) ?? '?'}, ${str(location.longitude) ?? '?'}`;
  return place ? `📍 ${place} (${coords})` : `📍 ${coords}`;
}

function contactsText(contacts: unknown[]): string {
  return contacts
    .map((c) => {
      const card = obj(c);
      const name = nonEmpty(obj(card?.name)?.formatted_name) ?? 'contact';
      const phones = arr(card?.phones)
        .map((p) => nonEmpty(obj(p)?.phone))
        .filter(Boolean);
      return phones.length ? `${name} (${phones.join(', ')})` : name;
    })
    .join('; ');
}

function interactiveContent(interactive: Obj | undefined, out: CloudContent): void {
  if (!interactive) {
    out.warnings.push('interactive message without its interactive object (WhatsApp reported an error)');
    return;
  }
  const type = str(interactive.type) ?? 'unknown';
  const reply = obj(interactive[type]);
  out.metadata.interactive = toJson(interactive);
  if (type === 'button_reply' || type === 'list_reply') {
    out.text = nonEmpty(reply?.title) ?? nonEmpty(reply?.id) ?? '';
  } else if (type === 'nfm_reply') {
    out.text = nonEmpty(reply?.body) ?? 'Flow completed';
    const response = str(reply?.response_json);
    if (response !== undefined) {
      try {
        out.metadata.flowResponse = toJson(parseJson(response));
      } catch {
        out.warnings.push('nfm_reply.response_json is not valid JSON; kept as text');
        out.metadata.flowResponse = response;
      }
    }
  } else if (type === 'call_permission_reply') {
    out.text = `Call permission: ${str(reply?.response) ?? 'unknown'}`;
  } else {
    out.text = nonEmpty(reply?.title) ?? nonEmpty(reply?.body) ?? '';
    out.warnings.push(`interactive reply of type ${type} is not mapped; kept in metadata and raw`);
  }
}

/**
 * Maps one message's typed content. Types the adapter does not know are kept: the text is empty,
 * `metadata.type` names them, a warning says so, and the raw payload is on the message.
 */
export function messageContent(message: Obj): CloudContent {
  const type = str(message.type) ?? 'unknown';
  const out: CloudContent = { text: '', attachments: [], metadata: { type }, warnings: [] };
  const body = obj(message[type]);
  switch (type) {
    case 'text':
      out.text = str(body?.body) ?? '';
      break;
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
    case 'sticker': {
      const attachment = body ? mediaAttachment(type, body) : undefined;
      if (attachment) out.attachments.push(attachment);
      else out.warnings.push(`${type} message without a media id`);
      out.text = nonEmpty(body?.caption) ?? '';
      if (type === 'audio' && body?.voice === true) out.metadata.voice = true;
      if (type === 'sticker' && typeof body?.animated === 'boolean') out.metadata.animated = body.animated;
      break;
    }
    case 'location':
      out.text = body ? locationText(body) : '';
      out.metadata.location = toJson(body ?? null);
      break;
    case 'contacts': {
      const cards = arr(message.contacts);
      out.text = contactsText(cards);
      out.metadata.contacts = toJson(cards);
      break;
    }
    case 'interactive':
      interactiveContent(body, out);
      break;
    case 'button':
      out.text = str(body?.text) ?? str(body?.payload) ?? '';
      out.metadata.button = toJson(body ?? null);
      break;
    case 'order':
      out.text = str(body?.text) ?? '';
      out.metadata.order = toJson(body ?? null);
      break;
    case 'system':
      out.text = str(body?.body) ?? '';
      out.metadata.system = toJson(body ?? null);
      break;
    default:
      if (body) out.metadata[type] = toJson(body);
      out.warnings.push(`WhatsApp message type "${type}" is not supported by the adapter; kept raw`);
  }
  if (message.identity !== undefined) out.metadata.identity = toJson(message.identity);
  if (message.referral !== undefined) out.metadata.referral = toJson(message.referral);
  return out;
}

/** The text of an edited message (`edit.message`), for the model's `edit` event. */
export function editedText(edited: Obj | undefined): string {
  if (!edited) return '';
  const type = str(edited.type) ?? 'text';
  const body = obj(edited[type]);
  return str(body?.body) ?? str(body?.caption) ?? '';
}

/** WhatsApp `errors[]` as plain metadata: code, title, message, details. */
export function errorList(errors: unknown): JsonValue[] {
  if (!Array.isArray(errors)) return [];
  return errors
    .map(obj)
    .filter((e): e is Obj => e !== undefined)
    .map((e) => {
      const out: Record<string, JsonValue> = {};
      const code = str(e.code);
      if (code) out.code = code;
      for (const key of ['title', 'message', 'href'] as const)
        if (nonEmpty(e[key])) out[key] = nonEmpty(e[key])!;
      const details = nonEmpty(obj(e.error_data)?.details);
      if (details) out.details = details;
      return out;
    });
}
