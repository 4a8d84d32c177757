import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryStore } from '@omnithread/core';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli.js';
import { type DemoReady, JOURNEY_PATH } from './commands/demo.js';
import { importFiles } from './commands/import.js';
import { SANDBOX } from './inbox/sandbox-config.js';
import { twilioFormRequest } from './inbox/signed.js';

function capture(signal?: AbortSignal) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      stdout: (t: string) => void out.push(t),
      stderr: (t: string) => void err.push(t),
      isTTY: false,
      ...(signal ? { signal } : {}),
    },
    out,
    err,
  };
}

/** Runs a long-lived command until `ready` resolves, hands over, then stops it with the signal. */
async function whileRunning<T>(
  argv: string[],
  use: (io: ReturnType<typeof capture>, ready: DemoReady) => Promise<T>,
): Promise<{ code: number; result: T; io: ReturnType<typeof capture> }> {
  const controller = new AbortController();
  const io = capture(controller.signal);
  let markReady!: (info: DemoReady) => void;
  const ready = new Promise<DemoReady>((resolve) => {
    markReady = resolve;
  });
  const running = runCli(argv, { ...io.io, onDemoReady: markReady });
  const info = await Promise.race([
    ready,
    running.then((code) => Promise.reject(new Error(`exited ${code}: ${io.err.join('\n')}`))),
  ]);
  try {
    const result = await use(io, info);
    controller.abort();
    return { code: await running, result, io };
  } finally {
    controller.abort();
  }
}

describe('omnithread demo', () => {
  it('serves the inbox with the journey played: one conversation across six channels, replies in the outbox', async () => {
    const { code, result, io } = await whileRunning(
      ['demo', '--store', 'memory', '--port', '0', '--json'],
      async (_io, ready) => {
        const list = (await (await fetch(`${ready.url}/api/conversations`)).json()) as {
          items: Array<{ id: string; channels: string[]; contact: { name: string } }>;
        };
        const outbox = (await (await fetch(`${ready.url}/api/outbox`)).json()) as {
          items: Array<{ channel: string }>;
        };
        return { ready, list, outbox };
      },
    );
    expect(code).toBe(0);
    const maya = result.list.items.find((c) => c.id === result.ready.conversationId)!;
    expect(maya.contact.name).toBe('Maya Okafor');
    expect(maya.channels).toEqual(['email', 'sms', 'whatsapp', 'voice', 'x', 'messenger']);
    expect(result.outbox.items.map((e) => e.channel).sort()).toEqual(['email', 'sms', 'whatsapp']);
    expect(io.out).toHaveLength(1);
    expect(JSON.parse(io.out[0]!)).toMatchObject({
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      store: 'memory',
    });
  });

  it('prints the URL, and with --no-journey starts empty', async () => {
    const { code, result, io } = await whileRunning(
      ['demo', '--store', 'memory', '--port', '0', '--no-journey'],
      async (_io, ready) =>
        (await (await fetch(`${ready.url}/api/conversations`)).json()) as { items: unknown[] },
    );
    expect(code).toBe(0);
    expect(result.items).toEqual([]);
    expect(io.out.join('\n')).toMatch(/Omnithread inbox \(sandbox\): http:\/\/127\.0\.0\.1:\d+/);
  });

  it('runs on a fresh embedded PostgreSQL directory by default and removes it on exit', async () => {
    const { code, result } = await whileRunning(
      ['demo', '--port', '0', '--no-journey', '--json'],
      async (_io, ready) => {
        expect(existsSync(ready.store)).toBe(true);
        return ready.store;
      },
    );
    expect(code).toBe(0);
    expect(existsSync(result)).toBe(false);
  }, 120_000);

  it('says so when the port is taken', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const { io, err } = capture(new AbortController().signal);
      expect(await runCli(['demo', '--store', 'memory', '--no-journey', '--port', String(port)], io)).toBe(1);
      expect(err.join('')).toContain(`port ${port} is in use: pass --port 0`);
    } finally {
      blocker.close();
    }
  });

  it('refuses a bad --port', async () => {
    const { io, err } = capture(AbortSignal.abort());
    expect(await runCli(['demo', '--port', 'eighty'], io)).toBe(1);
    expect(err.join('')).toMatch(/--port must be 0-65535/);
  });
});

describe('omnithread serve', () => {
  it('mounts only the channels with credentials, with signature checks on', async () => {
    const saved = { ...process.env };
    process.env.TWILIO_ACCOUNT_SID = SANDBOX.twilio.accountSid;
    process.env.TWILIO_AUTH_TOKEN = SANDBOX.twilio.authToken;
    process.env.TWILIO_FROM = SANDBOX.twilio.number;
    for (const name of [
      'META_APP_SECRET',
      'EMAIL_FROM',
      'MAILGUN_SIGNING_KEY',
      'SMTP_HOST',
      'X_API_KEY',
      'DATABASE_URL',
      'OMNITHREAD_STORE',
      'PUBLIC_BASE_URL',
    ])
      delete process.env[name];
    const controller = new AbortController();
    const io = capture(controller.signal);
    try {
      const running = runCli(['serve', '--store', 'memory', '--port', '0'], io.io);
      while (!io.out.some((l) => l.includes('webhook voice'))) await new Promise((r) => setTimeout(r, 20));
      const url = /on (http:\/\/[\d.:]+)/.exec(io.out[0]!)![1]!;
      expect(io.out.filter((l) => l.includes('webhook')).map((l) => l.trim().split(':')[0])).toEqual([
        'webhook sms',
        'webhook voice',
      ]);
      expect(io.err.join('\n')).toMatch(/not mounted: whatsapp \(set META_APP_SECRET/);
      const params = {
        MessageSid: 'SM99998888777766665555444433332222',
        AccountSid: SANDBOX.twilio.accountSid,
        From: '+14155550100',
        To: SANDBOX.twilio.number,
        Body: 'hello',
      };
      const signed = twilioFormRequest(`${url}/webhooks/sms`, params);
      expect(
        (
          await fetch(signed.url, {
            method: 'POST',
            headers: signed.headers,
            body: new URLSearchParams(params),
          })
        ).status,
      ).toBe(200);
      const forged = await fetch(`${url}/webhooks/sms`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(params),
      });
      expect(forged.status).toBe(401);
      expect((await fetch(`${url}/webhooks/whatsapp`, { method: 'POST', body: '{}' })).status).toBe(404);
      const outbox = (await (await fetch(`${url}/api/outbox`)).json()) as { enabled: boolean };
      expect(outbox.enabled).toBe(false);
      controller.abort();
      expect(await running).toBe(0);
    } finally {
      controller.abort();
      process.env = saved;
    }
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
  it('imports in batches (hub.ingestMany) with the same outcome whatever the batch size', async () => {
    const outcomes = [];
    for (const batchSize of [1, 3, 100]) {
      const store = memoryStore();
      const summary = await importFiles([JOURNEY_PATH], { format: 'json', store, batchSize });
      const conversations = (await store.listConversations()).items.map((c) => c.channels.join(','));
      outcomes.push({ summary, conversations: conversations.sort() });
    }
    expect(outcomes[0]).toMatchObject({ summary: { newMessages: 7, duplicates: 0, rejected: 0 } });
    expect(outcomes[1]).toEqual(outcomes[0]);
    expect(outcomes[2]).toEqual(outcomes[0]);
  });
  it('imports into an embedded PostgreSQL directory: a second run adds nothing, threads reads it back', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'omnithread-cli-store-')), 'store');
    const first = capture();
    expect(await runCli(['import', JOURNEY_PATH, '--store', dir, '--json'], first.io)).toBe(0);
    expect(JSON.parse(first.out[0]!)).toMatchObject({ newMessages: 7, duplicates: 0, rejected: 0 });
    const second = capture();
    expect(await runCli(['import', JOURNEY_PATH, '--store', dir, '--json'], second.io)).toBe(0);
    expect(JSON.parse(second.out[0]!)).toMatchObject({ newMessages: 0, duplicates: 7, rejected: 0 });
    const threads = capture();
    expect(await runCli(['threads', '--store', dir, '--json'], threads.io)).toBe(0);
    const lines = threads.out.map((l) => JSON.parse(l) as { channels: string[] });
    expect(lines.map((l) => l.channels.join(',')).sort()).toEqual(['email,sms,whatsapp,voice', 'sms']);
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
  it('keeps an over-long line as one rejected payload (PAYLOAD_TOO_LARGE) and imports the next', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'omnithread-cli-'));
    const file = join(dir, 'events.jsonl');
    const event = (id: string, text: string) =>
      JSON.stringify({
        type: 'message',
        message: {
          channel: 'sms',
          from: { kind: 'phone', value: '+14155550100' },
          sentAt: '2026-01-01T00:00:00Z',
          text,
          external: { id },
          raw: null,
        },
      });
    const long = event('SM2', 'x'.repeat(1000));
    await writeFile(file, `${event('SM1', 'hi')}\n${long}\n${event('SM3', 'again')}\n`);
    const store = memoryStore();
    const summary = await importFiles([file], { format: 'json', store, maxItemBytes: 512 });
    expect(summary).toMatchObject({ events: 2, newMessages: 2, rejected: 1 });
    const [rejected] = (await store.listRejected()).items;
    expect(rejected?.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(rejected?.error.message).toContain(`${file}:2 is ${long.length} bytes, over the 512-byte limit`);
    expect(rejected?.raw).toBe(long.slice(0, 512));
    // The same from the command line, and a limit that is not a byte count is refused.
    const run = capture();
    const args = ['import', file, '--format', 'json', '--store', 'memory', '--json'];
    expect(await runCli([...args, '--max-item-bytes', '512'], run.io)).toBe(0);
    expect(JSON.parse(run.out[0]!)).toMatchObject({ newMessages: 2, rejected: 1 });
    const bad = capture();
    expect(await runCli([...args, '--max-item-bytes', '1.5'], bad.io)).toBe(1);
    expect(bad.err.join('\n')).toMatch(/--max-item-bytes must be a whole number of bytes, got 1.5/);
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
