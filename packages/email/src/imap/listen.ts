import type { InboundEvent, Stop } from '@omnithread/core';
import { ImapFlow } from 'imapflow';
import { type ToMessageOptions, toInboundMessage } from '../mime/message.js';
import { type ParseMimeOptions, parseMime } from '../mime/parse.js';
import { authenticateEmail, type MailauthOptions } from '../trust/mailauth.js';
import { type CursorStore, memoryCursorStore } from './cursor.js';

export interface ImapListenConfig {
  host: string;
  port?: number;
  /** TLS from the start (993). Default: true when port is 993. */
  secure?: boolean;
  auth: { user: string; pass?: string; accessToken?: string };
  mailbox?: string;
  /** Resume point across restarts. Default: in memory (resumes within this process only). */
  cursor?: CursorStore;
  /** Flag ingested messages \Seen. Default false. */
  markSeen?: boolean;
  /** Move ingested messages to this mailbox (e.g. `Processed`). */
  moveTo?: string;
  /** TLS options passed to imapflow (e.g. `{ rejectUnauthorized: false }` for a test server). */
  tls?: Record<string, unknown>;
  /** Refuse to log in without TLS (default true; set false only for a server on loopback). */
  requireTls?: boolean;
  /** How soon after a sync the client enters IDLE, in ms. Default 1000. */
  idleDelayMs?: number;
  /** Called with a message that could not be parsed; the listener goes on. Default: console.error. */
  onRejected?(problem: { uid: number; raw: string; error: unknown }): void;
  /** Called on connection errors; the listener reconnects with backoff. Default: console.error. */
  onError?(error: unknown): void;
  /** Makes the client (inject for tests or to reuse settings). */
  createClient?(options: Record<string, unknown>): ImapFlow;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Listens to an IMAP mailbox: ingests what arrived since the stored cursor, then waits in IDLE for
 * new mail. Each message is emitted, then flagged/moved as configured, then the cursor advances,
 * so a restart resumes after the last ingested UID (at-least-once; the hub's dedup on Message-ID
 * makes a redelivery harmless). A changed UIDVALIDITY restarts from the beginning of the mailbox.
 */
export async function listenImap(
  config: ImapListenConfig,
  emit: (event: InboundEvent) => Promise<void>,
  options: ToMessageOptions & ParseMimeOptions & { mailauth?: MailauthOptions } = {},
): Promise<Stop> {
  const mailbox = config.mailbox ?? 'INBOX';
  const cursors = config.cursor ?? memoryCursorStore();
  const key = `${config.auth.user}@${config.host}:${config.port ?? 993}/${mailbox}`;
  const onError = config.onError ?? ((e: unknown) => console.error('[omnithread/email] IMAP error', e));
  const onRejected =
    config.onRejected ?? ((p) => console.error(`[omnithread/email] IMAP message ${p.uid} rejected`, p.error));
  let stopped = false;
  let client: ImapFlow | undefined;
  let syncing: Promise<void> = Promise.resolve();
  let pending = false;

  const connect = async (): Promise<ImapFlow> => {
    const port = config.port ?? 993;
    const settings: Record<string, unknown> = {
      host: config.host,
      port,
      secure: config.secure ?? port === 993,
      auth: config.auth,
      logger: false,
      doSTARTTLS: config.requireTls === false ? false : undefined,
      tls: config.tls,
      // Enter IDLE soon after each sync (imapflow waits 15 s by default), and renew it every few
      // minutes because servers and middleboxes drop long-silent connections.
      autoIdleDelay: config.idleDelayMs ?? 1000,
      maxIdleTime: 5 * 60_000,
    };
    const c = config.createClient
      ? config.createClient(settings)
      : new ImapFlow(settings as ConstructorParameters<typeof ImapFlow>[0]);
    await c.connect();
    await c.mailboxOpen(mailbox);
    return c;
  };

  const syncOnce = async (c: ImapFlow): Promise<void> => {
    const box = c.mailbox;
    if (!box) return;
    const uidValidity = String(box.uidValidity);
    const stored = await cursors.get(key);
    let last = stored && stored.uidValidity === uidValidity ? stored.uid : 0;
    if (stored && stored.uidValidity !== uidValidity) await cursors.set(key, { uidValidity, uid: 0 });
    const found = await c.search({ uid: `${last + 1}:*` }, { uid: true });
    // "N:*" also matches the highest UID when N is above it: keep only new ones, in order.
    const uids = (found || []).filter((u) => u > last).sort((a, b) => a - b);
    for (const uid of uids) {
      if (stopped) return;
      const message = await c.fetchOne(
        String(uid),
        { uid: true, source: true, internalDate: true },
        { uid: true },
      );
      if (message && message.source !== undefined) {
        const receivedAt = message.internalDate ? new Date(message.internalDate).toISOString() : undefined;
        let event: InboundEvent | undefined;
        try {
          const parsed = await parseMime(message.source, {
            ...options,
            ...(receivedAt ? { receivedAt } : {}),
          });
          const trust = options.mailauth
            ? await authenticateEmail(message.source, options.mailauth)
            : undefined;
          event = {
            type: 'message',
            message: toInboundMessage(parsed, trust ? { ...options, trust } : options),
          };
        } catch (error) {
          onRejected({ uid, raw: message.source.toString('latin1'), error });
        }
        if (event) await emit(event);
        if (config.markSeen) await c.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
        if (config.moveTo) await c.messageMove(String(uid), config.moveTo, { uid: true });
      }
      last = uid;
      await cursors.set(key, { uidValidity, uid });
    }
  };

  // One sync at a time; a new-mail notice during a sync triggers one more pass after it.
  const sync = (): Promise<void> => {
    if (pending) return syncing;
    pending = true;
    syncing = syncing.then(async () => {
      pending = false;
      if (!client || stopped) return;
      try {
        await syncOnce(client);
      } catch (error) {
        onError(error);
      }
    });
    return syncing;
  };

  // New mail during IDLE → sync; a dropped connection → reconnect with backoff until stopped.
  const watch = (c: ImapFlow): void => {
    client = c;
    c.on('exists', () => void sync());
    c.on('error', onError);
    c.on('close', () => {
      if (client === c) client = undefined;
      if (!stopped) void reconnect();
    });
  };

  const reconnect = async (): Promise<void> => {
    for (let attempt = 0; !stopped; attempt++) {
      await sleep(Math.min(30_000, 500 * 2 ** attempt));
      if (stopped) return;
      try {
        const c = await connect();
        if (stopped) {
          await c.logout().catch(() => c.close());
          return;
        }
        watch(c);
        await sync();
        return;
      } catch (error) {
        onError(error);
      }
    }
  };

  // The first connection's errors (bad credentials, wrong host) reach the caller.
  watch(await connect());
  await sync();

  return async () => {
    stopped = true;
    await syncing;
    const c = client;
    client = undefined;
    if (c) await c.logout().catch(() => c.close());
  };
}
