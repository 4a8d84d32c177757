import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ImportProblem, InboundEvent } from '@omnithread/core';
import { importers } from '@omnithread/whatsapp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PYWA_DIR, pywa } from './helpers.js';

async function collect(path: string) {
  const importer = importers.find((i) => i.format === 'whatsapp-cloud')!;
  const out: Array<InboundEvent | ImportProblem> = [];
  for await (const item of importer.read(path)) out.push(item);
  return out;
}

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
});
