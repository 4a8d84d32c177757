import { describe, expect, it } from 'vitest';
import { isPayloadTooLargeError, PayloadTooLargeError } from '../errors.js';
import { readBodyBytes, readStreamBytes } from './body.js';

/** A stream of `chunk` repeated `times` times (forever when `times` is Infinity), counting pulls and cancels. */
function counted(chunk: Uint8Array, times: number) {
  const seen = { pulls: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        seen.pulls++;
        if (seen.pulls > times) controller.close();
        else controller.enqueue(chunk);
      },
      cancel() {
        seen.cancelled = true;
        // A hostile peer whose cancel never settles must not hold the read.
        return new Promise(() => {});
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, seen };
}

const tooLarge = () => new PayloadTooLargeError('over', { limit: 10 });

describe('readStreamBytes', () => {
  it('reads a stream of exactly maxBytes whole, each chunk seen once in order', async () => {
    const { stream } = counted(new Uint8Array([1, 2]), 5);
    const seen: number[] = [];
    const bytes = await readStreamBytes(stream, {
      maxBytes: 10,
      tooLarge,
      onChunk: (c) => seen.push(...c),
    });
    expect([...bytes]).toEqual([1, 2, 1, 2, 1, 2, 1, 2, 1, 2]);
    expect(seen).toEqual([...bytes]);
  });

  it('stops an endless stream one chunk past the limit, cancelling it without waiting for the cancel', async () => {
    const { stream, seen } = counted(new Uint8Array(4), Number.POSITIVE_INFINITY);
    const error = await readStreamBytes(stream, { maxBytes: 10, tooLarge }).catch((e: unknown) => e);
    expect(isPayloadTooLargeError(error)).toBe(true);
    expect(seen.pulls).toBe(3);
    expect(seen.cancelled).toBe(true);
  });

  it('reads nothing from no stream', async () => {
    expect(await readStreamBytes(null, { maxBytes: 0, tooLarge })).toEqual(new Uint8Array(0));
  });
});

describe('readBodyBytes', () => {
  const request = (body: BodyInit, headers: Record<string, string> = {}) =>
    new Request('http://127.0.0.1/', { method: 'POST', body, headers });

  it('refuses a declared length over the limit before reading, and a streamed body past it', async () => {
    const declared = await readBodyBytes(request('x'.repeat(5), { 'content-length': '11' }), {
      maxBytes: 10,
    }).catch((e: unknown) => e);
    expect(declared).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', limit: 10 });
    expect(String((declared as Error).message)).toContain('11 bytes');
    const streamed = await readBodyBytes(request('x'.repeat(11)), { maxBytes: 10 }).catch((e: unknown) => e);
    expect(streamed).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', limit: 10 });
    expect([...(await readBodyBytes(request('x'.repeat(10)), { maxBytes: 10 }))]).toHaveLength(10);
  });
});
