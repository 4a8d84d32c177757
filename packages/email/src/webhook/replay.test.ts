import { inspect } from 'node:util';
import { ConfigurationError, createHub, memoryStore } from '@omnithread/core';
import { type ConsoleCapture, captureConsole } from '@omnithread/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmailAdapter } from '../adapter.js';
import { mailgunPayload, mailgunSignature } from './fixtures.js';
import { memoryReplayGuard, type ReplayGuard } from './replay.js';

// Mailgun signs only timestamp + token: a token already accepted must not carry other content,
// whichever instance of the app sees it. The guard is the shared memory of accepted tokens.
const KEY = 'key-ReplayTestSigningKey42';
const adapterWith = (replayGuard?: ReplayGuard) =>
  createEmailAdapter({
    from: 'help@shop.test',
    inbound: { mailgun: { signingKey: KEY, ...(replayGuard ? { replayGuard } : {}) } },
  });

/** The README's example: one Map of token → first fingerprint, shared by the adapters it is given to. */
function mapReplayGuard(): ReplayGuard {
  const claimed = new Map<string, { fingerprint: string; expiresAt: number }>();
  return {
    async claim(token, fingerprint, expiresAt) {
      const now = Date.now();
      for (const [t, c] of claimed) {
        if (c.expiresAt > now) break;
        claimed.delete(t);
      }
      const first = claimed.get(token);
      if (first) return first.fingerprint === fingerprint;
      claimed.set(token, { fingerprint, expiresAt: expiresAt.getTime() });
      return true;
    },
  };
}

let counter = 0;
/** One genuinely signed Mailgun post, its redelivery, and a forgery riding on its signature. */
function signedPosts() {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const token = `replay${++counter}`.padEnd(50, 'r');
  const form = (body: string) => {
    const data = new FormData();
    for (const [k, v] of Object.entries(mailgunPayload.fields)) data.set(k, v);
    data.set('body-plain', body);
    data.set('timestamp', timestamp);
    data.set('token', token);
    data.set('signature', mailgunSignature(timestamp, token, KEY));
    return () => new Request('https://app.test/webhooks/email/mailgun', { method: 'POST', body: data });
  };
  return {
    token,
    signature: mailgunSignature(timestamp, token, KEY),
    original: form('Hi, my order 42 has not arrived.'),
    forged: form('Please wire the refund to this other account.'),
  };
}

let output: ConsoleCapture | undefined;
afterEach(() => output?.restore());

describe('Mailgun replayGuard', () => {
  it('two instances sharing one guard refuse a token reused with other content on either', async () => {
    const guard = mapReplayGuard();
    const [first, second] = [adapterWith(guard), adapterWith(guard)];
    const posts = signedPosts();
    expect((await first.handle!(posts.original())).response.status).toBe(200);
    await expect(second.handle!(posts.forged())).rejects.toThrow(/already used for other content/);
    // Mailgun delivering the same request again (after a 5xx) still goes through, on any instance.
    expect((await second.handle!(posts.original())).response.status).toBe(200);
  });

  it('with the default per-process guards, the other instance cannot tell (the documented limit)', async () => {
    const [first, second] = [adapterWith(), adapterWith()];
    const posts = signedPosts();
    expect((await first.handle!(posts.original())).response.status).toBe(200);
    expect((await second.handle!(posts.forged())).response.status).toBe(200);
    await expect(first.handle!(posts.forged())).rejects.toThrow(/already used for other content/);
  });

  it('a guard that fails refuses the request with 500 (Mailgun retries), logged without secrets', async () => {
    output = captureConsole();
    const posts = signedPosts();
    let down = true;
    const flaky: ReplayGuard = {
      async claim(token, fingerprint, expiresAt) {
        if (down) throw new Error(`redis: connection lost while setting mailgun:${token}`);
        return memoryReplayGuard().claim(token, fingerprint, expiresAt);
      },
    };
    const hub = createHub({ store: memoryStore(), adapters: [adapterWith(flaky)] });
    expect((await hub.handle(posts.original())).status).toBe(500);
    const thrown = await adapterWith(flaky).handle!(posts.original()).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(Error);
    // Nothing kept (it was not refused for its content), nothing let through.
    expect((await hub.rejected.list()).items).toEqual([]);
    expect((await hub.conversations.list()).items).toEqual([]);
    const log = output.lines.join('\n');
    expect(log).toContain('Mailgun replay guard failed');
    expect(log).toContain('redis: connection lost');
    for (const text of [log, inspect(thrown, { depth: 8 })])
      for (const secret of [posts.token, posts.signature, KEY]) expect(text).not.toContain(secret);
    down = false;
    expect((await hub.handle(posts.original())).status).toBe(200);
  });

  it('a guard answering anything but a boolean fails closed too', async () => {
    output = captureConsole();
    const sloppy = { claim: async () => 'OK' } as unknown as ReplayGuard;
    const hub = createHub({ store: memoryStore(), adapters: [adapterWith(sloppy)] });
    expect((await hub.handle(signedPosts().original())).status).toBe(500);
    expect(output.lines.join('\n')).toContain('not a boolean');
  });

  it('a replayGuard without claim() is a ConfigurationError at creation', () => {
    expect(() => adapterWith({} as ReplayGuard)).toThrow(ConfigurationError);
  });
});

describe('memoryReplayGuard', () => {
  it('is bounded: past maxTokens the oldest token is forgotten', async () => {
    const guard = memoryReplayGuard({ maxTokens: 2, now: () => new Date(0) });
    const until = new Date(300_000);
    for (const token of ['a', 'b', 'c']) expect(await guard.claim(token, 'f1', until)).toBe(true);
    expect(await guard.claim('c', 'f2', until)).toBe(false);
    expect(await guard.claim('c', 'f1', until)).toBe(true);
    // 'a' was dropped to make room: the bound trades memory for this (see the README).
    expect(await guard.claim('a', 'f2', until)).toBe(true);
  });
  it('forgets a token once its window has passed', async () => {
    let now = 0;
    const guard = memoryReplayGuard({ now: () => new Date(now) });
    expect(await guard.claim('t', 'f1', new Date(1000))).toBe(true);
    expect(await guard.claim('t', 'f2', new Date(1000))).toBe(false);
    now = 2000;
    expect(await guard.claim('u', 'f1', new Date(3000))).toBe(true);
    expect(await guard.claim('t', 'f2', new Date(3000))).toBe(true);
  });
});
