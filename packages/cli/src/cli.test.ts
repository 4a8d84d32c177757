import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryStore } from '@omnithread/core';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli.js';
import { JOURNEY_PATH } from './commands/demo.js';
import { importFiles } from './commands/import.js';
import type { ThreadLine } from './output.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t), isTTY: false },
    out,
    err,
  };
}

describe('omnithread demo', () => {
  it('prints the bundled journey as one conversation across four channels, as stable JSON lines', async () => {
    const { io, out } = capture();
    expect(await runCli(['demo', '--json'], io)).toBe(0);
    const lines = out.map((l) => JSON.parse(l) as ThreadLine);
    expect(lines).toHaveLength(2);
    const dana = lines.find((l) => l.channels.length > 1)!;
    expect(dana.channels).toEqual(['email', 'sms', 'whatsapp', 'voice']);
    expect(dana.subject).toBe('Order #1042 has not arrived');
    expect(dana.messages.map((m) => m.placement.rule)).toEqual([
      'new-conversation',
      'explicit-thread',
      'cross-channel-continuation',
      'cross-channel-continuation',
      'cross-channel-continuation',
      'explicit-thread',
    ]);
    expect(Object.keys(dana.messages[0]!).sort()).toEqual([
      'channel',
      'direction',
      'external',
      'from',
      'id',
      'placement',
      'sentAt',
      'text',
    ]);
    expect(Object.keys(dana).sort()).toEqual([
      'channels',
      'contactIds',
      'id',
      'messages',
      'status',
      'subject',
    ]);
  });
  it('prints a readable tree with the placement reasons', async () => {
    const { io, out } = capture();
    expect(await runCli(['demo'], io)).toBe(0);
    const text = out.join('\n');
    expect(text).toContain('email → sms → whatsapp → voice');
    expect(text).toContain('placed by cross-channel-continuation: customer switched from email to sms');
  });
});

describe('omnithread import', () => {
  it('a second import of the same files adds nothing', async () => {
    const store = memoryStore();
    const first = await importFiles([JOURNEY_PATH], { format: 'json', store });
    const second = await importFiles([JOURNEY_PATH], { format: 'auto', store });
    expect(first).toMatchObject({ files: 1, newMessages: 7, duplicates: 0, rejected: 0 });
    expect(second).toMatchObject({ files: 1, newMessages: 0, duplicates: 7, rejected: 0 });
    expect((await store.listConversations()).items).toHaveLength(2);
  });
  it('keeps unusable lines as rejected and goes on', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'omnithread-cli-'));
    const file = join(dir, 'events.jsonl');
    const good = JSON.stringify({
      type: 'message',
      message: {
        channel: 'sms',
        from: { kind: 'phone', value: '+14155550100' },
        sentAt: '2026-01-01T00:00:00Z',
        text: 'hi',
        external: { id: 'SM1' },
        raw: null,
      },
    });
    const badPhone = good.replace('+14155550100', 'not-a-phone').replace('SM1', 'SM2');
    await writeFile(file, `${good}\n{not json\n${badPhone}\n\n`);
    const store = memoryStore();
    const summary = await importFiles([dir], { format: 'json', store });
    expect(summary).toMatchObject({ files: 1, events: 2, newMessages: 1, rejected: 2 });
    const rejected = (await store.listRejected()).items;
    expect(rejected.map((r) => r.error.code)).toEqual(['VALIDATION', 'VALIDATION']);
    expect(rejected.some((r) => r.raw === '{not json')).toBe(true);
    expect(rejected.some((r) => JSON.stringify(r.raw).includes('not-a-phone'))).toBe(true);
  });
  it('names the available formats when asked for an unknown one', async () => {
    const { io, err } = capture();
    expect(await runCli(['import', JOURNEY_PATH, '--format', 'fax', '--store', 'memory'], io)).toBe(1);
    expect(err.join('\n')).toMatch(/Unknown --format fax; available: json/);
  });
  it('prints usage and exits 2 without a command or with a wrong flag', async () => {
    const a = capture();
    expect(await runCli([], a.io)).toBe(2);
    expect(a.out.join('')).toContain('Usage:');
    const b = capture();
    expect(await runCli(['threads', '--nope'], b.io)).toBe(2);
    expect(b.err.join('')).toMatch(/Unknown option '--nope'/);
  });
});
