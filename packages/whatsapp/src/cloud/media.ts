import { type Attachment, PayloadTooLargeError, ValidationError } from '@omnithread/core';
import { nonEmpty, obj } from '../shared/json.js';
import { readBoundedBody, readErrorText } from './bounded-body.js';
import { type FetchLike, type GraphClient, graphClient, graphError } from './graph.js';

export interface FetchMediaOptions {
  accessToken: string;
  fetch?: FetchLike;
  graphVersion?: string;
  /** Largest file accepted, in bytes. Default 100 MiB (WhatsApp's document limit). */
  maxBytes?: number;
}

export const DEFAULT_GRAPH_VERSION = 'v24.0';

/**
 * Downloads a WhatsApp media attachment on demand: `GET /<media-id>` for its short-lived URL, then
 * the URL itself with the bearer token. Returns the attachment with `content` (base64), `size` and
 * `sha256` filled in.
 *
 * @example
 * ```ts
 * const full = await fetchMedia(message.attachments[0], { accessToken: process.env.WHATSAPP_TOKEN! });
 * await writeFile('photo.jpg', Buffer.from(full.content!, 'base64'));
 * ```
 */
export async function fetchMedia(attachment: Attachment, options: FetchMediaOptions): Promise<Attachment> {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const client = graphClient({
    accessToken: options.accessToken,
    fetch: fetchImpl,
    graphVersion: options.graphVersion ?? DEFAULT_GRAPH_VERSION,
  });
  return downloadWith(client, fetchImpl, attachment, options.maxBytes ?? 100 * 1024 * 1024);
}

export async function downloadWith(
  client: GraphClient,
  fetchImpl: FetchLike,
  attachment: Attachment,
  maxBytes: number,
): Promise<Attachment> {
  if (!attachment.providerId && !attachment.url) {
    throw new ValidationError('This attachment has neither a WhatsApp media id (providerId) nor a URL', {
      path: 'attachment.providerId',
    });
  }
  let url = attachment.url;
  let contentType = attachment.contentType;
  if (attachment.providerId) {
    const info = obj(await client.get(encodeURIComponent(attachment.providerId)));
    url = nonEmpty(info?.url) ?? url;
    contentType = nonEmpty(info?.mime_type) ?? contentType;
  }
  if (!url)
    throw new ValidationError(`The Graph API gave no URL for media ${attachment.providerId}`, {
      path: 'url',
    });
  const response = await fetchImpl(url, { headers: client.authHeader });
  if (!response.ok) throw graphError(response, await readErrorText(response));
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw new PayloadTooLargeError(`Media of ${declared} bytes exceeds the ${maxBytes}-byte limit`, {
      limit: maxBytes,
    });
  }
  // Content-Length may be missing or lie: the stream itself is counted and cut off at the limit.
  const { bytes, sha256 } = await readBoundedBody(response, maxBytes);
  return {
    ...attachment,
    contentType,
    size: bytes.byteLength,
    sha256,
    content: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
  };
}

/** Uploads inline attachment bytes (`content`, base64) to `/<phone-number-id>/media`; returns the media id. */
export async function uploadMedia(
  client: GraphClient,
  phoneNumberId: string,
  attachment: Attachment,
): Promise<string> {
  const bytes = Buffer.from(attachment.content ?? '', 'base64');
  const form = new FormData();
  form.set('messaging_product', 'whatsapp');
  form.set('type', attachment.contentType);
  form.set('file', new Blob([bytes], { type: attachment.contentType }), attachment.filename ?? 'file');
  const answer = obj(await client.postForm(`${encodeURIComponent(phoneNumberId)}/media`, form));
  const id = nonEmpty(answer?.id);
  if (!id)
    throw new ValidationError('The Graph API accepted the upload but returned no media id', { path: 'id' });
  return id;
}
