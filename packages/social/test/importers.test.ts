import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ImportProblem,
  type InboundEvent,
  isPayloadTooLargeError,
  isWebhookParseError,
} from '@omnithread/core';
import { importers } from '@omnithread/social';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'omnithread-social-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function readAll(format: string, path: string, options = {}) {
  const importer = importers.find((i) => i.format === format)!;
  const out: Array<InboundEvent | ImportProblem> = [];
  for await (const item of importer.read(path, options)) out.push(item);
  return out;
}
const isProblem = (i: InboundEvent | ImportProblem): i is ImportProblem => i.type === 'rejected';

describe('importers', () => {
  it('exports the x and messenger formats', () => {
    expect(importers.map((i) => i.format)).toEqual(['x', 'messenger']);
  });

  it('x: reads DM events, Tweets and Account Activity bodies line by line, keeping bad lines as rejected', async () => {
    const page = fixture('x/dm-events-page-1.json') as { data: unknown[] };
    const lines = [
      JSON.stringify(page.data[0]),
      JSON.stringify(page.data[1]),
      '',
      JSON.stringify((fixture('x/mentions-page.json') as { data: unknown[] }).data[0]),
      JSON.stringify(fixture('x/aaa-dm.json')),
      '{"truncated": ',
      JSON.stringify({ event_type: 'MessageCreate', id: '1' }),
    ];
    const path = join(dir, 'x-archive.jsonl');
    writeFileSync(path, lines.join('\n'));
    const progress: number[] = [];
    const items = await readAll('x', path, { to: '3001', onProgress: (read: number) => progress.push(read) });
    const events = items.filter((i) => !isProblem(i)) as InboundEvent[];
    expect(
      events.map((e) => (e.type === 'message' ? [e.message.direction, e.message.visibility] : e.type)),
    ).toEqual([
      ['inbound', 'private'],
      ['outbound', 'private'],
      ['inbound', 'public'],
      ['inbound', 'private'],
    ]);
    const problems = items.filter(isProblem);
    expect(problems.map((p) => p.source)).toEqual([`${path}#6`, `${path}#7`]);
    expect(problems.every((p) => isWebhookParseError(p.error))).toBe(true);
    expect(problems[0]!.raw).toBe('{"truncated": ');
    expect(progress.at(-1)).toBe(readFileSync(path).length);
  });

  it('x: without --to, only Account Activity bodies (which name the brand) can be read', async () => {
    const path = join(dir, 'x-no-brand.jsonl');
    writeFileSync(
      path,
      [
        JSON.stringify(fixture('x/aaa-dm.json')),
        JSON.stringify((fixture('x/dm-events-page-1.json') as { data: unknown[] }).data[0]),
      ].join('\n'),
    );
    const items = await readAll('x', path);
    expect(items[0]).toMatchObject({ type: 'message' });
    expect(items[1]).toMatchObject({
      type: 'rejected',
      error: expect.objectContaining({ message: expect.stringContaining('--to') }),
    });
  });

  it('messenger: reads Messenger and Instagram envelopes, one a line', async () => {
    const path = join(dir, 'meta.jsonl');
    writeFileSync(
      path,
      ['messenger-text', 'messenger-echo', 'instagram-story', 'instagram-unsend-echo']
        .map((n) => JSON.stringify(fixture(`meta/${n}.json`)))
        .join('\n'),
    );
    const items = await readAll('messenger', path);
    expect(
      items.map((i) => (i.type === 'message' ? `${i.message.channel}:${i.message.direction}` : i.type)),
    ).toEqual([
      'messenger:inbound',
      'messenger:outbound',
      'instagram:inbound',
      'instagram:inbound',
      'delete',
      'instagram:outbound',
    ]);
  });

  it('x and messenger: an over-long line is one rejected item with a PayloadTooLargeError, and the next line still imports', async () => {
    const files = {
      x: [fixture('x/aaa-dm.json'), fixture('x/aaa-dm.json')],
      messenger: [fixture('meta/messenger-text.json'), fixture('meta/messenger-echo.json')],
    };
    for (const [format, [before, after]] of Object.entries(files)) {
      const long = JSON.stringify({ ...(before as object), padding: 'x'.repeat(2048) });
      // A byte order mark before the first line, and a blank line that still counts.
      const lines = [JSON.stringify(before), '', long, JSON.stringify(after)];
      const path = join(dir, `${format}-long.jsonl`);
      writeFileSync(path, `\ufeff${lines.join('\r\n')}`);
      const progress: number[] = [];
      const items = await readAll(format, path, {
        maxItemBytes: 1500,
        onProgress: (read: number) => progress.push(read),
      });
      expect(items.map((i) => i.type)).toEqual(['message', 'rejected', 'message']);
      const problem = items[1] as ImportProblem;
      expect(problem.source).toBe(`${path}#3`);
      expect(isPayloadTooLargeError(problem.error) && problem.error.limit).toBe(1500);
      expect((problem.error as Error).message).toContain(`${path}#3 is ${long.length} bytes`);
      expect(problem.raw).toBe(long.slice(0, 1500));
      expect(progress.at(-1)).toBe(readFileSync(path).length);
    }
  });

  it('detects its formats from the first bytes', () => {
    const [x, messenger] = importers;
    const head = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
    expect(x!.detect!('a.jsonl', head(fixture('x/aaa-dm.json')))).toBe(true);
    expect(x!.detect!('a.jsonl', head(fixture('meta/messenger-text.json')))).toBe(false);
    expect(messenger!.detect!('a.jsonl', head(fixture('meta/messenger-text.json')))).toBe(true);
    expect(messenger!.detect!('a.mbox', head(fixture('meta/messenger-text.json')))).toBe(false);
  });
});
