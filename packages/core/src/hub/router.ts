import type { ChannelAdapter } from '../adapter.js';
import {
  isOmnithreadError,
  isPayloadTooLargeError,
  isWebhookParseError,
  isWebhookVerificationError,
} from '../errors.js';

/** Finds the adapter for a webhook path: `<basePath>/<route>` or `<basePath>/<route>/<anything>`. */
export function adapterForPath(
  adapters: readonly ChannelAdapter[],
  basePath: string,
  pathname: string,
): ChannelAdapter | undefined {
  const base = basePath.replace(/\/+$/, '');
  if (!pathname.startsWith(`${base}/`)) return undefined;
  const segment = pathname.slice(base.length + 1).split('/')[0];
  return adapters.find((a) => a.handle && (a.route ?? a.channel) === segment);
}

export function textResponse(status: number, text: string): Response {
  return new Response(text, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

/** The HTTP answer for an error thrown by an adapter's `handle`. Messages are ours: they carry no secrets. */
export function errorResponse(error: unknown): Response {
  if (isWebhookVerificationError(error)) return textResponse(401, 'invalid or missing signature');
  if (isWebhookParseError(error)) return textResponse(400, `bad payload: ${error.message}`);
  if (isPayloadTooLargeError(error)) return textResponse(413, error.message);
  if (isOmnithreadError(error) && error.code === 'VALIDATION') return textResponse(400, error.message);
  return textResponse(500, 'internal error');
}
