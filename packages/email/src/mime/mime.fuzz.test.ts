import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import {
  inboundEventSchema,
  isPayloadTooLargeError,
  isValidationError,
  isWebhookParseError,
  mutateText,
} from '@omnithread/core';
import { expectWithinHangBound } from '@omnithread/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readMbox } from '../import/mbox.js';
import { extractNewContent } from '../reply/extract.js';
import { type Threadable, threadMessages } from '../threading/jwz.js';
import { parseEmail } from './email.js';
import { parseMime } from './parse.js';

// Hostile email never crashes the parsers: MIME, reply extraction, threading and the mbox reader
// finish on every input, and the only refusals are typed (PayloadTooLargeError over a limit). Fixed
// seed, modest run count; `pnpm fuzz` raises OMNITHREAD_PROPERTY_RUNS.
const numRuns = Number(process.env.OMNITHREAD_PROPERTY_RUNS ?? 100);
const root = fileURLToPath(new URL('../../../../../shared/fixtures/', import.meta.url));

function files(dir: string, max = 256 * 1024): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...files(path, max));
    else if (statSync(path).size <= max) out.push(path);
  }
  return out.sort();
}

const EMAILS = files(join(root, 'email')).filter((f) => !/SOURCES|README|\.(json|xml|rb|go)$/i.test(f));
const MBOXES = files(join(root, 'email-threading')).filter((f) => f.endsWith('.mbox'));
const emailText = (i: number) => readFileSync(EMAILS[i % EMAILS.length]!, 'latin1');

function typed(error: unknown): boolean {
  return isPayloadTooLargeError(error) || isValidationError(error) || isWebhookParseError(error);
}

async function parsesOrRefuses(raw: string | Uint8Array): Promise<void> {
  try {
    const [event] = await expectWithinHangBound(() =>
      parseEmail(raw, { receivedAt: '2026-03-02T09:00:00.000Z' }),
    );
    // What parseEmail returns is a valid model event: the hub would not refuse it.
    const check = inboundEventSchema.safeParse(event);
    expect(check.success, check.error?.message).toBe(true);
  } catch (error) {
    if (!typed(error)) throw error;
  }
}

describe('parseEmail / parseMime on hostile input', () => {
  it(`corpus of ${EMAILS.length} real (and broken-on-purpose) messages`, async () => {
    expect(EMAILS.length).toBeGreaterThan(150);
    for (const file of EMAILS) await parsesOrRefuses(readFileSync(file));
  });
  it('random bytes and random header-shaped text', async () => {
    const headerish = fc
      .array(
        fc.oneof(
          fc.constantFrom(
            'From: ',
            'To: ',
            'Subject: =?utf-8?B?',
            '?=',
            'Content-Type: multipart/mixed; boundary=b',
            '\r\n',
            '\r\n\r\n',
            '--b',
            '--b--',
            'Message-ID: <',
            '>',
            'References: ',
            ' ',
            '\t',
          ),
          fc.string({ maxLength: 10 }),
        ),
        { maxLength: 60 },
      )
      .map((parts) => parts.join(''));
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 2000 }), headerish), parsesOrRefuses),
      { seed: 501, numRuns },
    );
  });
  it('real messages truncated, re-encoded (Latin-1, UTF-16), with NUL, lone surrogates, huge lines, deep nesting', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.integer(), (i, seed) => parsesOrRefuses(mutateText(emailText(i), seed))),
      { seed: 502, numRuns },
    );
  });
  it('limits: too many header fields, a header block too large, a message too large — each a PayloadTooLargeError', async () => {
    const many = `${'X-H: 1\r\n'.repeat(1001)}From: a@example.org\r\n\r\nbody`;
    await expect(parseMime(many)).rejects.toSatisfy(
      (e: unknown) => isPayloadTooLargeError(e) && /more than 1000 header fields/.test((e as Error).message),
    );
    await expect(parseMime(`Subject: ${'x'.repeat(2 * 1024 * 1024)}\r\n\r\nb`)).rejects.toSatisfy(
      isPayloadTooLargeError,
    );
    await expect(parseMime('From: a@example.org\r\n\r\nbody', { maxBytes: 10 })).rejects.toSatisfy(
      (e: unknown) => isPayloadTooLargeError(e) && (e as { limit: number }).limit === 10,
    );
    // 2,000 nested multiparts: bounded by maxNestingDepth, a best-effort parse, not a stack overflow.
    const nested =
      'From: a@example.org\r\n' +
      Array.from(
        { length: 2000 },
        (_, i) => `Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n`,
      ).join('') +
      'Content-Type: text/plain\r\n\r\ndeep\r\n';
    await parsesOrRefuses(nested);
  });
});

describe('extractNewContent on hostile text', () => {
  it('random text and mutated real bodies always split into new / quoted / signature', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 2000 }),
          fc.nat().chain((i) => fc.integer().map((seed) => mutateText(emailText(i), seed))),
          fc
            .array(
              fc.constantFrom(
                '> ',
                '>',
                'On Mon, Ann wrote:',
                '-- ',
                '\n',
                'Sent from my iPhone',
                '-----Original Message-----',
                'x',
              ),
              { maxLength: 200 },
            )
            .map((p) => p.join('')),
        ),
        fc.option(fc.emailAddress(), { nil: undefined }),
        (text, sender) => {
          const out = extractNewContent(text, sender ? { sender } : {});
          expect(typeof out.newText).toBe('string');
          expect(typeof out.quoted).toBe('string');
          expect(typeof out.signature).toBe('string');
        },
      ),
      { seed: 503, numRuns },
    );
  });
  it('a 300k-character sender name does not make signature detection quadratic', () => {
    // Found by the webhook fuzz suite: a Postmark FromFull.Name of 300k "x" took minutes.
    const out = extractNewContent('Thanks,\nJane', { sender: `"${'x'.repeat(300_000)}" <jane@example.org>` });
    expect(out.newText).toContain('Thanks');
  });
  it('wrong types are refused with a ValidationError', () => {
    for (const value of [undefined, null, 42, {}, [], Symbol.iterator]) {
      try {
        extractNewContent(value as never);
        expect.unreachable();
      } catch (error) {
        expect(isValidationError(error)).toBe(true);
      }
    }
  });
});

describe('threadMessages on hostile headers', () => {
  const id = fc.oneof(
    fc.constantFrom('<a@x>', '<b@x>', '<c@x>', '<d@x>', '', '<>', '<<a@x>>', 'a@x', '\u0000'),
    fc.string({ maxLength: 12 }),
  );
  const message: fc.Arbitrary<Threadable> = fc.record(
    {
      messageId: id,
      references: fc.array(id, { maxLength: 8 }),
      inReplyTo: fc.array(id, { maxLength: 2 }),
      subject: fc.oneof(
        fc.constantFrom('Re: hi', 'Fwd: Re: RE: hi', 'hi', '', 'Re:'.repeat(500)),
        fc.string({ maxLength: 20 }),
      ),
      date: fc.oneof(fc.string({ maxLength: 30 }), fc.integer(), fc.constant(Number.NaN)),
      receivedAt: fc.oneof(fc.string({ maxLength: 30 }), fc.integer()),
      participants: fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
    },
    { requiredKeys: [] },
  );
  it('cycles, self-references, duplicate ids and garbage dates: every message lands in exactly one thread node', () => {
    fc.assert(
      fc.property(fc.array(message, { maxLength: 60 }), (messages) => {
        const roots = threadMessages(messages);
        const seen: unknown[] = [];
        const stack = [...roots];
        while (stack.length > 0) {
          const node = stack.pop()!;
          if (node.message) seen.push(node.message);
          stack.push(...node.children);
        }
        expect(seen.length).toBe(messages.length);
        expect(new Set(seen).size).toBe(messages.length);
      }),
      { seed: 504, numRuns },
    );
  });
  it('a 10k-long reference chain threads without recursion', () => {
    const chain = Array.from({ length: 10_000 }, (_, i) => ({
      messageId: `<m${i}@x>`,
      references: i === 0 ? [] : [`<m${i - 1}@x>`],
      subject: 'Re: chain',
      date: i,
    }));
    expect(threadMessages(chain)).toHaveLength(1);
  });
});

describe('readMbox on hostile archives', () => {
  async function read(bytes: Buffer, maxMessageBytes?: number) {
    const out = [];
    for await (const m of readMbox(Readable.from([bytes]), maxMessageBytes ? { maxMessageBytes } : {}))
      out.push(m);
    return out;
  }
  it('mutated real mboxes: every byte lands in a message or a separator', async () => {
    expect(MBOXES.length).toBeGreaterThan(5);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...MBOXES), fc.integer(), async (file, seed) => {
        const text = mutateText(readFileSync(file, 'latin1'), seed);
        const messages = await read(Buffer.from(text, 'latin1'));
        for (const m of messages) expect(Buffer.isBuffer(m.raw)).toBe(true);
      }),
      { seed: 505, numRuns },
    );
  });
  it('a message over maxMessageBytes is flagged truncated, its bytes not kept', async () => {
    const mbox = Buffer.from(
      `From a Mon Jan  1 00:00:00 2024\n${'x\n'.repeat(5000)}From b Mon Jan  1 00:00:00 2024\nsmall\n`,
    );
    const [big, small] = await read(mbox, 1000);
    expect(big).toMatchObject({ truncated: true });
    expect(big!.raw.length).toBeLessThanOrEqual(1000);
    expect(small!.raw.toString()).toBe('small');
  });
  it('one endless line (no newline) is counted, not buffered: 256 MiB finishes in one linear pass', async () => {
    // Before the fix, the reader kept the whole line and re-copied it for every chunk (quadratic).
    const block = Buffer.alloc(1024 * 1024, 0x61);
    const chunks = (function* () {
      yield Buffer.from('From a Mon Jan  1 00:00:00 2024\n');
      for (let i = 0; i < 256; i++) yield block;
      yield Buffer.from('\nFrom b Mon Jan  1 00:00:00 2024\nafter\n');
    })();
    const out = [];
    for await (const m of readMbox(Readable.from(chunks), { maxMessageBytes: 100_000 })) out.push(m);
    expect(out).toHaveLength(2);
    expect(out[0]).toMatchObject({ truncated: true, number: 1 });
    expect(out[0]!.raw.length).toBe(0);
    expect(out[1]).toMatchObject({ number: 2, offset: 32 + 256 * 1024 * 1024 + 1 });
    expect(out[1]!.raw.toString()).toBe('after');
  });
});
