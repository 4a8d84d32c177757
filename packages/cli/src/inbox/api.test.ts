import { createHub, memoryStore } from '@omnithread/core';
import { describe, expect, it } from 'vitest';
import { handleApi } from './api.js';

const LIMIT = 64 * 1024; // the documented request-body limit of the inbox API

/** A JSON object padded with spaces to exactly `bytes` bytes. */
function bodyOf(bytes: number): string {
  const json = JSON.stringify({ a: 'ct_missing', b: 'ct_other' });
  return json + ' '.repeat(bytes - json.length);
}

/** POSTs to the merge route, the body streamed (no length declared) or with its Content-Length. */
async function post(body: string, declareLength: boolean) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (declareLength) headers['content-length'] = String(Buffer.byteLength(body));
  const bytes = new TextEncoder().encode(body);
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      // In 4 KiB chunks, as a socket would deliver it.
      for (let at = 0; at < bytes.length; at += 4096) controller.enqueue(bytes.subarray(at, at + 4096));
      controller.close();
    },
  });
  const request = new Request('http://127.0.0.1/api/contacts/merge', {
    method: 'POST',
    headers,
    body: stream,
    duplex: 'half',
  } as RequestInit);
  const hub = createHub({ store: memoryStore() });
  const response = await handleApi(request, { hub, mode: 'sandbox', clock: () => new Date() });
  return { status: response!.status, body: (await response!.json()) as { error?: { code: string } } };
}

describe('the inbox API request-body limit', () => {
  for (const declareLength of [false, true]) {
    const how = declareLength ? 'declared' : 'streamed';
    it(`reads a ${how} body of exactly 64 KiB and refuses one byte more with 413`, async () => {
      // At the limit the body is read and parsed: the merge then fails on its unknown ids.
      const atLimit = await post(bodyOf(LIMIT), declareLength);
      expect([atLimit.status, atLimit.body.error?.code]).toEqual([404, 'NOT_FOUND']);
      const over = await post(bodyOf(LIMIT + 1), declareLength);
      expect([over.status, over.body.error?.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    });
  }
});
