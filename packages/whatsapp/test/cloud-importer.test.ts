import { mkdtemp, open, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type Importer,
  type ImportOptions,
  type ImportProblem,
  type InboundEvent,
  isPayloadTooLargeError,
} from '@omnithread/core';
import { createWhatsAppCloudImporter, importers, MAX_SINGLE_DOCUMENT_BYTES } from '@omnithread/whatsapp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PYWA_DIR, pywa } from './helpers.js';

async function collect(
  path: string,
  options: ImportOptions = {},
  importer: Importer = importers.find((i) => i.format === 'whatsapp-cloud')!,
) {
  const out: Array<InboundEvent | ImportProblem> = [];
  for await (const item of importer.read(path, options)) out.push(item);
  return out;
}

/** The problem's PayloadTooLargeError limit, or what the item was instead. */
const tooLargeLimit = (item: InboundEvent | ImportProblem | undefined) =>
  item?.type === 'rejected' && isPayloadTooLargeError(item.error) ? item.error.limit : item;

describe('whatsapp-cloud importer', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wa-import-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads JSON lines, keeping a bad line as rejected and going on', async () => {
    const path = join(dir, 'hooks.jsonl');
    const lines = [
      JSON.stringify(pywa('message.json', 'text')),
      '{"broken":',
      JSON.stringify(pywa('message_status.json', 'failed')),
    ];
    await writeFile(path, `${lines.join('\n')}\n`);
    const items = await collect(path);
    expect(items.map((i) => i.type)).toEqual(['message', 'rejected', 'status']);
    expect((items[1] as ImportProblem).source).toBe(`${path}:2`);
  });

  it('reads one pretty-printed envelope per file', async () => {
    const path = join(dir, 'one.json');
    await writeFile(path, JSON.stringify(pywa('message.json', 'reply'), null, 2));
    const items = await collect(path);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ type: 'message', message: { replyTo: 'wamid.xyzxyz==' } });
  });

  it('reads a file that maps names to envelopes (the pywa fixture files themselves)', async () => {
    const items = await collect(fileURLToPath(new URL('message.json', PYWA_DIR)));
    expect(items.filter((i) => i.type === 'rejected')).toHaveLength(0);
    expect(items.length).toBe(23);
  });

  it('keeps an envelope it cannot use as rejected', async () => {
    const path = join(dir, 'bad.json');
    await writeFile(path, JSON.stringify({ object: 'whatsapp_business_account', entry: 'x' }));
    const items = await collect(path);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ type: 'rejected', raw: { entry: 'x' } });
  });

  it('detects Cloud webhook files by their first bytes', () => {
    const importer = importers[0]!;
    expect(
      importer.detect?.(
        'a.json',
        new TextEncoder().encode('{"object":"whatsapp_business_account","entry":[]}'),
      ),
    ).toBe(true);
    expect(importer.detect?.('a.json', new TextEncoder().encode('{"object":"page"}'))).toBe(false);
  });

  describe('size limits', () => {
    const text = JSON.stringify(pywa('message.json', 'text'));
    const status = JSON.stringify(pywa('message_status.json', 'failed'));
    const long = JSON.stringify({ ...(pywa('message.json', 'text') as object), padding: 'x'.repeat(4096) });

    it('an over-long line is one rejected item with a PayloadTooLargeError, and the next line still imports', async () => {
      const path = join(dir, 'long-line.jsonl');
      await writeFile(path, `${text}\n${long}\n${status}\n`);
      const progress: number[] = [];
      const items = await collect(path, { maxItemBytes: 2048, onProgress: (read) => progress.push(read) });
      expect(items.map((i) => i.type)).toEqual(['message', 'rejected', 'status']);
      const problem = items[1] as ImportProblem;
      expect(problem.source).toBe(`${path}:2`);
      expect(tooLargeLimit(problem)).toBe(2048);
      expect((problem.error as Error).message).toContain(`${path}:2 is ${long.length} bytes`);
      expect(problem.raw).toBe(long.slice(0, 2048));
      expect(progress.at(-1)).toBe((await stat(path)).size);
    });

    it('an over-long first line followed by others means JSON lines', async () => {
      const path = join(dir, 'long-first.jsonl');
      await writeFile(path, `${long}\r\n${status}`);
      const items = await collect(path, { maxItemBytes: 2048 });
      expect(items.map((i) => i.type)).toEqual(['rejected', 'status']);
      expect((items[0] as ImportProblem).source).toBe(`${path}:1`);
    });

    it('one line alone, longer than a line may be, is read as one document', async () => {
      const path = join(dir, 'minified.json');
      await writeFile(path, `${long}\n`);
      const items = await collect(path, { maxItemBytes: 2048 });
      expect(items.map((i) => i.type)).toEqual(['message']);
    });

    it('reads a single-document file of exactly maxDocumentBytes and refuses one byte more', async () => {
      const path = join(dir, 'document.json');
      await writeFile(path, `\ufeff${JSON.stringify(pywa('message.json', 'text'), null, 2)}`);
      const size = (await stat(path)).size;
      const atLimit = await collect(path, {}, createWhatsAppCloudImporter({ maxDocumentBytes: size }));
      expect(atLimit.map((i) => i.type)).toEqual(['message']);
      const over = await collect(path, {}, createWhatsAppCloudImporter({ maxDocumentBytes: size - 1 }));
      expect(over.map(tooLargeLimit)).toEqual([size - 1]);
      expect(over[0]).toMatchObject({ source: path, raw: { path, size } });
    });

    it('refuses a single document over 256 MiB by default, without reading it', async () => {
      expect(MAX_SINGLE_DOCUMENT_BYTES).toBe(256 * 1024 * 1024);
      // A sparse file: 256 MiB + 1 byte long, hardly any of it on disk, and only its first line read.
      const path = join(dir, 'huge.json');
      const handle = await open(path, 'w');
      try {
        await handle.write('{\n');
        await handle.truncate(MAX_SINGLE_DOCUMENT_BYTES + 1);
      } finally {
        await handle.close();
      }
      const items = await collect(path);
      expect(items.map(tooLargeLimit)).toEqual([MAX_SINGLE_DOCUMENT_BYTES]);
      await rm(path);
    });
  });
});
