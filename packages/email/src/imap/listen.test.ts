import { createHub, type InboundEvent, memoryStore } from '@omnithread/core';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmailAdapter } from '../adapter.js';
import { memoryCursorStore } from './cursor.js';
import { type Dovecot, dovecotBinary, startDovecot } from './dovecot.fixture.js';
import { listenImap } from './listen.js';

const binary = dovecotBinary();
if (!binary && process.env.CI) {
  throw new Error(
    'dovecot is not installed: run packages/email/ci/setup.sh (Debian dovecot-imapd) before the tests',
  );
}
const describeImap = binary ? describe : describe.skip;
if (!binary)
  console.warn('[email] IMAP tests skipped: dovecot not installed (packages/email/ci/setup.sh installs it)');

const mail = (n: number) =>
  [
    `From: Customer ${n} <c${n}@example.org>`,
    'To: alice@shop.test',
    `Subject: Question ${n}`,
    `Message-ID: <imap-${n}@example.org>`,
    `Date: Mon, 02 Mar 2026 1${n}:00:00 +0000`,
    '',
    `Body ${n}`,
    '',
  ].join('\r\n');

async function until(check: () => boolean, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describeImap('IMAP listen against a real dovecot on 127.0.0.1', () => {
  let server: Dovecot;
  let appender: ImapFlow;

  beforeAll(async () => {
    server = await startDovecot(binary!);
    appender = new ImapFlow({
      host: server.host,
      port: server.port,
      secure: false,
      doSTARTTLS: false,
      auth: { user: server.user, pass: server.pass },
      logger: false,
    });
    await appender.connect();
    await appender.mailboxCreate('Processed');
  });

  afterAll(async () => {
    await appender?.logout().catch(() => undefined);
    await server?.stop();
  });

  const imapConfig = () => ({
    host: server.host,
    port: server.port,
    secure: false,
    requireTls: false,
    auth: { user: server.user, pass: server.pass },
  });

  it('ingests an appended message once, resumes after a restart without missing or doubling, marks \\Seen', async () => {
    const cursor = memoryCursorStore();
    const email = createEmailAdapter({
      from: 'alice@shop.test',
      imap: { ...imapConfig(), cursor, markSeen: true },
    });
    const hub = createHub({ store: memoryStore(), adapters: [email] });
    const seen: string[] = [];
    const emit = async (event: InboundEvent) => {
      if (event.type === 'message') seen.push(event.message.external.id);
      await hub.ingest(event);
    };

    let stop = await email.listen!(emit);
    await appender.append('INBOX', mail(1));
    await until(() => seen.length === 1, 'message 1 over IDLE');
    await stop();

    // Mail arriving while the listener is down is picked up at the next start, exactly once.
    await appender.append('INBOX', mail(2));
    await appender.append('INBOX', mail(3));
    stop = await email.listen!(emit);
    await until(() => seen.length === 3, 'messages 2 and 3 after restart');
    await appender.append('INBOX', mail(4));
    await until(() => seen.length === 4, 'message 4 over IDLE after restart');
    // Give a doubled delivery a chance to show up before checking.
    await new Promise((r) => setTimeout(r, 300));
    await stop();

    expect(seen).toEqual([
      'imap-1@example.org',
      'imap-2@example.org',
      'imap-3@example.org',
      'imap-4@example.org',
    ]);
    expect((await hub.conversations.list()).items).toHaveLength(4);
    expect(await cursor.get(`alice@127.0.0.1:${server.port}/INBOX`)).toMatchObject({ uid: 4 });
    await appender.mailboxOpen('INBOX');
    const flags: string[][] = [];
    for await (const m of appender.fetch('1:*', { flags: true })) flags.push([...(m.flags ?? [])]);
    expect(flags.every((f) => f.includes('\\Seen'))).toBe(true);
    await appender.mailboxClose();
  });

  it('moves ingested mail and re-reads a mailbox whose UIDVALIDITY changed', async () => {
    const cursor = memoryCursorStore();
    const key = `alice@127.0.0.1:${server.port}/INBOX`;
    // A cursor from another incarnation of the mailbox: it must not skip anything.
    await cursor.set(key, { uidValidity: 'stale', uid: 999 });
    const seen: string[] = [];
    const stop = await listenImap({ ...imapConfig(), cursor, moveTo: 'Processed' }, async (event) => {
      if (event.type === 'message') seen.push(event.message.external.id);
    });
    await until(() => seen.length === 4, 'the four earlier messages');
    await stop();
    expect(seen).toHaveLength(4);
    const status = await appender.status('INBOX', { messages: true });
    expect(status ? status.messages : -1).toBe(0);
    const processed = await appender.status('Processed', { messages: true });
    expect(processed ? processed.messages : -1).toBe(4);
  });

  it('reports a message it cannot use and goes on', async () => {
    const rejected: number[] = [];
    const seen: string[] = [];
    await appender.append('INBOX', 'Subject: no sender at all\r\n\r\nwho?\r\n');
    await appender.append('INBOX', mail(5));
    const stop = await listenImap(
      { ...imapConfig(), cursor: memoryCursorStore(), onRejected: (p) => rejected.push(p.uid) },
      async (event) => {
        if (event.type === 'message') seen.push(event.message.external.id);
      },
    );
    await until(() => seen.length === 1 && rejected.length === 1, 'one rejected, one ingested');
    await stop();
    expect(seen).toEqual(['imap-5@example.org']);
  });

  it('refuses wrong credentials at start', async () => {
    await expect(
      listenImap({ ...imapConfig(), auth: { user: 'alice', pass: 'nope' } }, async () => undefined),
    ).rejects.toThrow();
  });
});
