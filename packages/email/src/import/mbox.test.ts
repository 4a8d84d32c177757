import { mkdtempSync, writeFileSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { type ImportProblem, type InboundEvent, isPayloadTooLargeError } from '@omnithread/core';
import { describe, expect, it, vi } from 'vitest';
import { emlImporter, importers, mboxImporter } from './importers.js';
import { fromLineDate, readMbox } from './mbox.js';

const collect = async <T>(it: AsyncIterable<T>) => {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
};

describe('readMbox', () => {
  it('splits on From lines, unescapes mboxrd >From lines and keeps separators out', async () => {
    const mbox = [
      'From a@x Fri Feb 22 17:06:23 2008',
      'Message-ID: <1@x>',
      '',
      '>From here on',
      '>>From the archive',
      '',
      'From b@x Sat Feb 23 10:00:00 2008',
      'Message-ID: <2@x>',
      '',
      'second',
      '',
    ].join('\n');
    // Tiny chunks: separators and lines split across chunk boundaries.
    const chunks = mbox.match(/[\s\S]{1,7}/g)!.map((s) => Buffer.from(s));
    const messages = await collect(readMbox(Readable.from(chunks)));
    expect(messages.map((m) => m.raw.toString())).toEqual([
      'Message-ID: <1@x>\n\nFrom here on\n>From the archive\n',
      'Message-ID: <2@x>\n\nsecond',
    ]);
    expect(messages.map((m) => m.number)).toEqual([1, 2]);
    expect(fromLineDate(messages[0]!.fromLine)).toBe('2008-02-22T17:06:23.000Z');
    const mboxo = await collect(readMbox(Readable.from([Buffer.from(mbox)]), { variant: 'mboxo' }));
    expect(mboxo[0]!.raw.toString()).toContain('>>From the archive');
  });

  it('streams: the first message comes out long before the source is read to the end', async () => {
    const total = 2000;
    let produced = 0;
    const message = (i: number) =>
      `From a@x Fri Feb 22 17:06:23 2008\nMessage-ID: <${i}@x>\n\n${'body line\n'.repeat(100)}\n`;
    const source = new Readable({
      read() {
        this.push(produced < total ? Buffer.from(message(produced++)) : null);
      },
      highWaterMark: 1024,
    });
    let producedAtFirst = -1;
    let count = 0;
    for await (const _m of readMbox(source)) {
      if (count++ === 0) producedAtFirst = produced;
    }
    expect(count).toBe(total);
    expect(producedAtFirst).toBeLessThan(50);
  });

  it('handles CRLF files and reports oversized messages as truncated', async () => {
    const mbox =
      'From a@x Fri Feb 22 17:06:23 2008\r\nSubject: big\r\n\r\n' +
      'x'.repeat(5000) +
      '\r\nFrom b@x Fri Feb 22 17:06:23 2008\r\nSubject: small\r\n\r\nok\r\n';
    const messages = await collect(readMbox(Readable.from([Buffer.from(mbox)]), { maxMessageBytes: 1000 }));
    expect(messages[0]!.truncated).toBe(true);
    expect(messages[1]!.raw.toString()).toBe('Subject: small\r\n\r\nok');
  });
  it('copies a long line once when its newline comes, not once per chunk it spans', async () => {
    const CHUNKS = 100;
    const piece = Buffer.alloc(16 * 1024, 0x61);
    const chunks = [Buffer.from('From a@x Fri Feb 22 17:06:23 2008\nSubject: long\n\n')];
    for (let i = 0; i < CHUNKS; i++) chunks.push(piece);
    chunks.push(Buffer.from('\nend\n'));
    const concat = vi.spyOn(Buffer, 'concat');
    try {
      const [message] = await collect(readMbox(Readable.from(chunks)));
      expect(message!.raw.toString('latin1')).toBe(
        `Subject: long\n\n${'a'.repeat(CHUNKS * piece.length)}\nend`,
      );
      const copied = concat.mock.calls.reduce(
        (sum, [list]) => sum + (list as Buffer[]).reduce((n, b) => n + b.length, 0),
        0,
      );
      // The line and the message are each joined once; joining at every chunk copies ~50 times more.
      expect(copied).toBeLessThan(3 * CHUNKS * piece.length);
    } finally {
      concat.mockRestore();
    }
  });
});

describe('importers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'omnithread-email-import-'));

  it('imports an mbox with progress, and keeps unusable messages as problems', async () => {
    const path = join(dir, 'list.mbox');
    writeFileSync(
      path,
      [
        'From a@x Fri Feb 22 17:06:23 2008',
        'From: Ann <ann@example.org>',
        'Message-ID: <1@x>',
        'Subject: Hi',
        '',
        'Hello',
        '',
        'From nobody Fri Feb 22 18:06:23 2008',
        'Subject: no sender',
        '',
        'who am I',
        '',
      ].join('\n'),
    );
    const progress: [number, number][] = [];
    const items = await collect(mboxImporter().read(path, { onProgress: (a, b) => progress.push([a, b]) }));
    expect(items).toHaveLength(2);
    const [ok, bad] = items as [InboundEvent, ImportProblem];
    expect(ok.type === 'message' && ok.message.external.id).toBe('1@x');
    // No Date header: the mbox separator's date is used.
    expect(ok.type === 'message' && ok.message.sentAt).toBe('2008-02-22T17:06:23.000Z');
    expect(bad).toMatchObject({ type: 'rejected', source: 'list.mbox#2' });
    expect(String(bad.raw)).toContain('who am I');
    expect(progress.at(-1)?.[0]).toBe(progress.at(-1)?.[1]);
  });

  describe('message size limit', () => {
    const message = (id: string, body: string) =>
      `From: Ann <ann@example.org>\nMessage-ID: <${id}@x>\nSubject: s\n\n${body}\n`;
    /** The kind of each item, or the limit of a PayloadTooLargeError. */
    const outcome = (item: InboundEvent | ImportProblem) =>
      item.type === 'rejected'
        ? isPayloadTooLargeError(item.error)
          ? item.error.limit
          : item.error
        : item.type;

    it('mbox: imports a message of exactly maxMessageBytes and refuses one byte more, going on after it', async () => {
      const big = message('2', 'x'.repeat(2000));
      const path = join(dir, 'big.mbox');
      const separator = 'From b@x Fri Feb 22 17:06:23 2008';
      writeFileSync(
        path,
        `From a@x Fri Feb 22 17:06:23 2008\n${message('1', 'hi')}${separator}\n${big}From c@x Fri Feb 22 17:06:23 2008\n${message('3', 'bye')}`,
      );
      // A message's size is its bytes between its separator line and the next one.
      const size = Buffer.byteLength(big);
      const atLimit = await collect(mboxImporter({ maxMessageBytes: size }).read(path));
      expect(atLimit.map(outcome)).toEqual(['message', 'message', 'message']);
      const over = await collect(mboxImporter({ maxMessageBytes: size - 1 }).read(path));
      expect(over.map(outcome)).toEqual(['message', size - 1, 'message']);
      expect(over[1]).toMatchObject({
        source: 'big.mbox#2',
        raw: {
          fromLine: separator,
          offset: Buffer.byteLength(`From a@x Fri Feb 22 17:06:23 2008\n${message('1', 'hi')}`),
        },
        error: { message: `message 2 is over the ${size - 1}-byte limit` },
      });
    });

    it('mbox: refuses a message over 50 MiB by default and imports the next one', async () => {
      // A sparse file: a message whose body is 50 MiB of holes (read as zeros, hardly any on disk), with
      // a line break every 256 KiB (readMbox copies its carry per chunk: one 50 MiB line takes seconds).
      const MiB = 1024 * 1024;
      const path = join(dir, 'huge.mbox');
      const head = 'From a@x Fri Feb 22 17:06:23 2008\nSubject: huge\n\n';
      const next = `\nFrom c@x Fri Feb 22 17:06:23 2008\n${message('3', 'after')}`;
      const handle = await open(path, 'w');
      try {
        await handle.write(head);
        for (let i = 1; i <= 200; i++) await handle.write('\n', head.length + (i * MiB) / 4);
        await handle.write(next, head.length + 50 * MiB + 1);
      } finally {
        await handle.close();
      }
      const items = await collect(mboxImporter().read(path));
      expect(items.map(outcome)).toEqual([50 * 1024 * 1024, 'message']);
      await rm(path);
    });

    it('eml: imports a file of exactly maxMessageBytes and refuses one byte more', async () => {
      const path = join(dir, 'one.eml');
      writeFileSync(path, message('9', 'hello'));
      const size = Buffer.byteLength(message('9', 'hello'));
      expect((await collect(emlImporter({ maxMessageBytes: size }).read(path))).map(outcome)).toEqual([
        'message',
      ]);
      const over = await collect(emlImporter({ maxMessageBytes: size - 1 }).read(path));
      expect(over.map(outcome)).toEqual([size - 1]);
      expect(over[0]).toMatchObject({ source: path, raw: { path, size } });
    });
  });

  it('imports a directory of .eml files in name order', async () => {
    const root = fileURLToPath(
      new URL('../../../../../shared/fixtures/email/talon/standard_replies/', import.meta.url),
    );
    const items = await collect(emlImporter().read(root));
    const messages = items.filter(
      (i): i is Extract<InboundEvent, { type: 'message' }> => i.type === 'message',
    );
    expect(messages.length).toBe(12);
    expect(messages.every((m) => m.message.newText !== undefined || m.message.text !== '')).toBe(true);
  });

  it('detects formats by name and first bytes', () => {
    const [mbox, eml] = importers;
    const bytes = (s: string) => new TextEncoder().encode(s);
    expect(mbox!.detect!('x.mbox', bytes('anything'))).toBe(true);
    expect(mbox!.detect!('archive', bytes('From a@b Fri Feb 22 17:06:23 2008\n'))).toBe(true);
    expect(mbox!.detect!('x.json', bytes('{"a":1}'))).toBe(false);
    expect(eml!.detect!('msg', bytes('Received: from x\r\nFrom: a@b\r\n'))).toBe(true);
    expect(eml!.detect!('x.json', bytes('{"a":1}'))).toBe(false);
  });
});
