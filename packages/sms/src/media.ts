import { createHash } from 'node:crypto';
import { type Attachment, PayloadTooLargeError, readStreamBytes, ValidationError } from '@omnithread/core';

export interface FetchMediaOptions {
  accountSid: string;
  authToken: string;
  fetch?: typeof fetch;
  /** Largest download, in bytes. Default 20 MiB. */
  maxBytes?: number;
}

export interface FetchedMedia {
  bytes: Uint8Array;
  contentType: string;
  size: number;
  /** Hex SHA-256 of the bytes, for the attachment record. */
  sha256: string;
  /** The attachment with size, sha256 and content type filled in from what was downloaded. */
  attachment: Attachment;
}

/** Only Twilio's own hosts get the account's credentials, whatever URL a payload names. */
function isTwilioHost(url: URL): boolean {
  return url.protocol === 'https:' && (url.hostname === 'twilio.com' || url.hostname.endsWith('.twilio.com'));
}

/**
 * Downloads an MMS/WhatsApp media file Twilio holds for a message. Twilio's media URLs need the
 * account's Basic auth when "Enforce HTTP Auth on Media URLs" is on (the default for new accounts),
 * then redirect to a short-lived storage URL; fetch drops the Authorization header on that
 * cross-origin redirect, and credentials are never sent to a host that is not Twilio's.
 *
 * @example
 * ```ts
 * const media = await fetchTwilioMedia(message.attachments[0], { accountSid, authToken });
 * await writeFile('photo.jpg', media.bytes);
 * ```
 */
export async function fetchTwilioMedia(
  attachment: Pick<Attachment, 'id' | 'url' | 'contentType'>,
  options: FetchMediaOptions,
): Promise<FetchedMedia> {
  if (!attachment.url)
    throw new ValidationError(`Attachment ${attachment.id} has no url to fetch`, { path: 'url' });
  let url: URL;
  try {
    url = new URL(attachment.url);
  } catch {
    throw new ValidationError(`Attachment ${attachment.id} has an invalid url`, { path: 'url' });
  }
  const maxBytes = options.maxBytes ?? 20 * 1024 * 1024;
  const doFetch = options.fetch ?? globalThis.fetch;
  const headers: Record<string, string> = {};
  if (isTwilioHost(url)) {
    headers.authorization = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;
  }
  const response = await doFetch(url, { headers, redirect: 'follow' });
  if (!response.ok) {
    throw new ValidationError(`Fetching attachment ${attachment.id} failed: HTTP ${response.status}`, {
      path: 'url',
    });
  }
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw new PayloadTooLargeError(
      `Attachment ${attachment.id} is ${declared} bytes, over the ${maxBytes}-byte limit`,
      { limit: maxBytes },
    );
  }
  const bytes = await readStreamBytes(response.body, {
    maxBytes,
    tooLarge: () =>
      new PayloadTooLargeError(`Attachment ${attachment.id} exceeds the ${maxBytes}-byte limit`, {
        limit: maxBytes,
      }),
  });
  const size = bytes.byteLength;
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const contentType = response.headers.get('content-type')?.split(';')[0]?.trim() || attachment.contentType;
  return {
    bytes,
    contentType,
    size,
    sha256,
    attachment: { ...(attachment as Attachment), contentType, size, sha256 },
  };
}
