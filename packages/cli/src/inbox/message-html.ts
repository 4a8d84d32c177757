import { createHash } from 'node:crypto';
import { type Attachment, type Hub, type Message, NotFoundError, sanitizeHtml } from '@omnithread/core';

/**
 * The formatted view of an HTML email: `GET /api/messages/:id/html` answers the message's HTML,
 * sanitized by `sanitizeHtml`, as a document of its own for the page's sandboxed iframe. Three layers,
 * each enough on its own against script: the sanitizer (allowlisted tags and attributes, no script,
 * handlers, style or unsafe URLs), this response's Content-Security-Policy (no script source at all,
 * `sandbox` even when the URL is opened directly), and the iframe's sandbox attribute on the page.
 */

/** One inline (`cid:`) image larger than this is left blank rather than inlined. */
export const MAX_INLINE_IMAGE_BYTES = 1024 * 1024;
/** All inline images of one message together: a message repeating one big `cid:` stays small. */
export const MAX_INLINE_IMAGES_TOTAL_BYTES = 5 * 1024 * 1024;
/** Raster types only: no SVG, which is a document of its own. */
const INLINE_IMAGE_TYPES = new Set(['image/png', 'image/gif', 'image/jpeg', 'image/webp', 'image/bmp']);
// Line breaks are removed before the test: with them inside the pattern, a long run of them before a
// bad character made the match backtrack quadratically (25 s for 256 KiB).
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The frame's own look: email HTML carries no style of its own after sanitizing. */
const FRAME_STYLE =
  'body{margin:8px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2330;' +
  'overflow-wrap:anywhere}img{max-width:100%;height:auto}table{border-collapse:collapse;max-width:100%}' +
  'td,th{padding:2px 6px;vertical-align:top}blockquote{margin:4px 0 4px 8px;padding-left:8px;' +
  'border-left:3px solid #c5cad6;color:#4a5263}pre{white-space:pre-wrap}a[href]{color:#2f5bea}';

/**
 * Each directive on purpose:
 * - `default-src 'none'`: no script, font, media, frame, object or fetch from anywhere.
 * - `style-src` the hash of the frame's one style block: the sanitizer keeps no `style` attribute or
 *   element, so nothing else needs `'unsafe-inline'` (which would also let a sanitizer bug style the page).
 * - `img-src data:`: inline images only. A remote image is how a sender learns that, when and from
 *   which address an email was read (tracking pixels); the server removes them too.
 * - `base-uri 'none'`, `form-action 'none'`: no `<base href>` redirecting links, no form posting anywhere.
 * - `frame-ancestors 'self'`: only the inbox page may frame it (a navigation carries no Origin header,
 *   so the API's origin check cannot tell a foreign page's iframe apart).
 * - `sandbox` without `allow-scripts` or `allow-same-origin`: even opened as a top-level page, nothing
 *   runs and the document is an opaque origin with no access to the inbox. `allow-popups` and
 *   `allow-popups-to-escape-sandbox` let a link open in a new tab (see the page's `FRAME_SANDBOX`).
 */
const FRAME_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(FRAME_STYLE).digest('base64')}'`,
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'self'",
  'sandbox allow-popups allow-popups-to-escape-sandbox',
].join('; ');

export const MESSAGE_HTML_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': FRAME_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  // Another site cannot pull it in as a subresource (an <img> or <script> of its own) either.
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
};

const unescapeAttr = (value: string) =>
  value
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** `cid:` URLs are percent-encoded Content-IDs (RFC 2392); a malformed escape is taken as written. */
function contentIdOf(url: string): string {
  const id = url.slice(4);
  try {
    return decodeURIComponent(id);
  } catch {
    return id;
  }
}

/** The attachment's bytes as a `data:` URL when it is a raster image with content under the cap. */
function inlineImage(attachment: Attachment | undefined): { url: string; bytes: number } | undefined {
  if (!attachment?.content) return undefined;
  const type = (attachment.contentType.split(';', 1)[0] ?? '').trim().toLowerCase();
  if (!INLINE_IMAGE_TYPES.has(type)) return undefined;
  const content = attachment.content.replace(/[\r\n]/g, '');
  if (!BASE64.test(content)) return undefined;
  const bytes = Math.floor((content.replace(/=+$/, '').length * 3) / 4);
  if (bytes > MAX_INLINE_IMAGE_BYTES) return undefined;
  return { url: `data:${type};base64,${content}`, bytes };
}

/**
 * Every image of the sanitized HTML keeps its `src` only when it is a `data:` image (already checked
 * by the sanitizer) or a `cid:` image found among the attachments; remote and relative images lose
 * theirs (their `alt` text stays). Works on `sanitizeHtml`'s output, where every attribute is
 * `name="value"` with `"`, `<` and `>` escaped, so one `src="…"` per tag is exact.
 */
function resolveImages(sanitized: string, attachments: readonly Attachment[]): string {
  const byContentId = new Map<string, Attachment>();
  for (const a of attachments) if (a.contentId) byContentId.set(a.contentId.replace(/^<|>$/g, ''), a);
  let budget = MAX_INLINE_IMAGES_TOTAL_BYTES;
  return sanitized.replace(/<img\b[^>]*>/g, (tag) =>
    tag.replace(/ src="([^"]*)"/, (_attr, escaped: string) => {
      const src = unescapeAttr(escaped);
      if (/^data:/i.test(src)) return ` src="${escaped}"`;
      if (!/^cid:/i.test(src)) return '';
      const image = inlineImage(byContentId.get(contentIdOf(src)));
      if (!image || image.bytes > budget) return '';
      budget -= image.bytes;
      return ` src="${image.url}"`;
    }),
  );
}

/**
 * The frame's document: the sanitized HTML in a body of its own, and `<base target="_blank">` so a
 * link opens in a new tab (the sanitizer gives every link `rel="noopener noreferrer"`) instead of
 * inside the frame, where the page's `frame-src 'self'` would refuse it.
 */
export function messageHtmlDocument(html: string, attachments: readonly Attachment[] = []): string {
  const body = resolveImages(sanitizeHtml(html), attachments);
  return `<!doctype html><html><head><meta charset="utf-8"><base target="_blank"><style>${FRAME_STYLE}</style></head><body>${body}</body></html>`;
}

/** Whether the message has an HTML part worth a formatted view. */
export const hasHtmlPart = (m: Pick<Message, 'html'>): m is { html: string } =>
  m.html !== undefined && m.html.trim() !== '';

/** The answer of `GET /api/messages/:id/html`; a message that is missing or has no HTML is not found. */
export async function messageHtmlResponse(hub: Hub, id: string): Promise<Response> {
  const message = await hub.messages.get(id);
  if (!hasHtmlPart(message)) throw new NotFoundError('HTML part of message', id);
  return new Response(messageHtmlDocument(message.html, message.attachments), {
    status: 200,
    headers: MESSAGE_HTML_HEADERS,
  });
}
