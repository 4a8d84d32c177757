import { createHash } from 'node:crypto';
import { isPayloadTooLargeError, isSendFailedError } from '@omnithread/core';
import { fetchMedia } from '@omnithread/whatsapp/cloud';
import { describe, expect, it } from 'vitest';

// The media URL's answer is counted as it streams: a missing or lying Content-Length cannot make
// fetchMedia buffer more than `maxBytes` (plus one chunk) before it gives up and cancels.
const LIMIT = 4096;
const CHUNK = 1000;
// A reader that never stops fails the test here, fast, instead of hanging or filling memory.
const PULL_BOUND = 2000;

/** A body of `chunks` pieces of `CHUNK` bytes (endless by default) that counts how far it is read. */
function countingBody(chunks = Number.POSITIVE_INFINITY) {
  const stats = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      stats.pulled++;
      if (stats.pulled > PULL_BOUND) {
        controller.error(new Error(`read ${PULL_BOUND} chunks: the download was not cut off`));
      } else if (stats.pulled > chunks) {
        controller.close();
      } else {
        controller.enqueue(new Uint8Array(CHUNK).fill(stats.pulled));
      }
    },
    cancel() {
      stats.cancelled = true;
    },
  });
  return { stream, stats };
}

/** Graph answers the media URL; the URL answers `media`. */
function fetchServing(media: Response) {
  return async (input: string | URL | Request) =>
    String(input).startsWith('https://graph.facebook.com/')
      ? Response.json({ url: 'https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1' })
      : media;
}

const attachment = { id: 'm', providerId: '1', contentType: 'image/jpeg', size: -1 };
const download = (media: Response) =>
  fetchMedia(attachment, { accessToken: 't', fetch: fetchServing(media), maxBytes: LIMIT });
// The chunk that crossed the limit, and at most the one the stream queued ahead of it.
const READ_PAST_LIMIT = Math.ceil(LIMIT / CHUNK) + 2;

describe('fetchMedia size limit on the streamed body', () => {
  it('an endless body without Content-Length is cut off just past the limit and cancelled', async () => {
    const { stream, stats } = countingBody();
    const media = new Response(stream, { headers: { 'content-type': 'image/jpeg' } });
    expect(media.headers.get('content-length')).toBeNull();
    const error = await download(media).catch((e: unknown) => e);
    expect(isPayloadTooLargeError(error)).toBe(true);
    expect(error).toMatchObject({ limit: LIMIT, message: expect.stringContaining(`${LIMIT}-byte limit`) });
    expect(stats.cancelled).toBe(true);
    expect(stats.pulled).toBeLessThanOrEqual(READ_PAST_LIMIT);
  });

  it('a Content-Length that says small but a body that sends more is cut off the same way', async () => {
    const { stream, stats } = countingBody(1000);
    const media = new Response(stream, { headers: { 'content-length': '10' } });
    expect(media.headers.get('content-length')).toBe('10');
    await expect(download(media)).rejects.toSatisfy(isPayloadTooLargeError);
    expect(stats.cancelled).toBe(true);
    expect(stats.pulled).toBeLessThanOrEqual(READ_PAST_LIMIT);
  });

  it('a body of exactly the limit, in several chunks, is kept whole with the hash of all its bytes', async () => {
    const pieces = [new Uint8Array(LIMIT - 3).fill(7), new Uint8Array([1, 2, 3])];
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const piece of pieces) controller.enqueue(piece);
        controller.close();
      },
    });
    const full = await download(new Response(stream));
    const whole = Buffer.concat(pieces);
    expect(full.size).toBe(LIMIT);
    expect(Buffer.from(full.content!, 'base64').equals(whole)).toBe(true);
    expect(full.sha256).toBe(createHash('sha256').update(whole).digest('hex'));
  });

  it('one byte over the limit is refused', async () => {
    await expect(download(new Response(new Uint8Array(LIMIT + 1)))).rejects.toSatisfy(isPayloadTooLargeError);
  });

  it('an error answer with an endless body is read only in part: the status still gives a typed error', async () => {
    const { stream, stats } = countingBody();
    const error = await download(new Response(stream, { status: 502 })).catch((e: unknown) => e);
    expect(isSendFailedError(error)).toBe(true);
    expect(error).toMatchObject({ providerCode: 'http-502', retryable: true });
    expect(stats.cancelled).toBe(true);
    expect(stats.pulled).toBeLessThanOrEqual(Math.ceil((64 * 1024) / CHUNK) + 2);
  });
});
