import { createInboxClock, MAYA, memoryOutbox, playJourney, sandboxAdapters } from '@omnithread/cli/inbox';
import { createHub, memoryStore } from '@omnithread/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type Bridge, type BridgeOptions, createBridge } from '../src/bridge.js';
import type { AgentReplyResult } from '../src/contract.js';
import { helpdeskClient } from '../src/helpdesk-client.js';
import { serve } from '../src/http.js';
import { startMockHelpdesk } from '../src/mock-helpdesk.js';
import { memorySeenDeliveries, type SeenDeliveries } from '../src/seen-deliveries.js';
import { signedHeaders } from '../src/signature.js';
import { bareBridge, NOW_MS, replyBody, SECRET, webhookRequest } from './webhook-request.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** The journey played into a hub whose adapters send to an outbox; bridges are added by `bridge()`. */
async function journey() {
  const clock = createInboxClock();
  const outbox = memoryOutbox();
  const hub = createHub({
    store: memoryStore(),
    adapters: sandboxAdapters(outbox, clock),
    clock,
    identity: { defaultRegion: 'US' },
  });
  const helpdesk = await startMockHelpdesk({ webhookSecret: SECRET });
  const bridges: Bridge[] = [];
  const bridge = (options: Partial<BridgeOptions> = {}) => {
    const created = createBridge({
      hub,
      helpdesk: helpdeskClient({ baseUrl: helpdesk.url, baseDelayMs: 1 }),
      webhookSecret: SECRET,
      retryDelayMs: 1,
      ...options,
    });
    bridges.push(created);
    return created;
  };
  const first = bridge();
  const server = await serve((request) => hub.handle(request));
  cleanup.push(async () => {
    for (const b of bridges) b.stop();
    await server.close();
    await helpdesk.close();
    await hub.close();
  });
  const { conversationId } = await playJourney({ hub, outbox, clock, baseUrl: server.url });
  await first.idle();
  const ticket = helpdesk.ticketByRef(conversationId)!;
  /** A signed agent-reply delivery to Maya's ticket, as the helpdesk would post it. */
  const delivery = (replyId: string, text = 'A new pole section ships today.', atMs = Date.now()) => {
    const body = JSON.stringify({
      type: 'reply.created',
      ticket: { id: ticket.id, externalRef: conversationId },
      reply: { id: replyId, text },
    });
    const headers = signedHeaders(SECRET, body, atMs);
    // The same bytes each time: what a captured request replayed looks like.
    return () => webhookRequest(body, headers);
  };
  const post = async (b: Bridge, request: Request) => {
    const response = await b.handleWebhook(request);
    return { status: response.status, body: (await response.json()) as AgentReplyResult };
  };
  return { hub, outbox, helpdesk, conversationId, first, bridge, delivery, post };
}

/** A store that records its claims, over the in-memory one. */
function countingStore(inner: SeenDeliveries = memorySeenDeliveries()) {
  const claims: string[] = [];
  return {
    claims,
    claim(id: string, expiresAt: Date) {
      claims.push(id);
      return inner.claim(id, expiresAt);
    },
  };
}

describe('replays of the agent-reply webhook', () => {
  it('accepts a fresh valid delivery and sends the reply once', async () => {
    const { outbox, helpdesk, conversationId, first, delivery, post } = await journey();
    const before = outbox.list().length;
    const answer = await post(first, delivery('R-fresh')());
    expect(answer).toMatchObject({ status: 200, body: { sent: true, channel: 'whatsapp' } });
    expect(outbox.list()).toHaveLength(before + 1);
    expect(outbox.list()[0]).toMatchObject({ channel: 'whatsapp', to: [{ value: MAYA.waId }] });
    await first.idle();
    const sent = helpdesk.ticketByRef(conversationId)!.messages.filter((m) => m.replyRef === 'R-fresh');
    expect(sent).toHaveLength(1);
  });

  it('does not act on a replay to the same instance within the window: the first answer, nothing sent', async () => {
    const { outbox, first, delivery, post } = await journey();
    const captured = delivery('R-same');
    const original = await post(first, captured());
    expect(original.status).toBe(200);
    const before = outbox.list().length;
    expect(await post(first, captured())).toEqual(original);
    expect(outbox.list()).toHaveLength(before);
  });

  it('refuses a replay to another instance (or a restarted one) sharing the store, within the window', async () => {
    const { hub, outbox, conversationId, first, bridge, delivery, post } = await journey();
    const store = memorySeenDeliveries();
    first.stop();
    const a = bridge({ seenDeliveries: store });
    const b = bridge({ seenDeliveries: store });
    const captured = delivery('R-shared', 'Sent once.');
    expect((await post(a, captured())).status).toBe(200);
    const before = outbox.list().length;
    const replayed = await post(b, captured());
    expect(replayed).toMatchObject({ status: 409, body: { sent: false, error: { code: 'DUPLICATE' } } });
    // A process started afterwards on the same store refuses it too.
    const restarted = bridge({ seenDeliveries: store });
    expect((await post(restarted, captured())).body).toMatchObject({ error: { code: 'DUPLICATE' } });
    // So does a redelivery the helpdesk signed afresh (a new timestamp and signature, same reply).
    const resigned = delivery('R-shared', 'Sent once.', Date.now() + 2000);
    expect((await post(b, resigned())).body).toMatchObject({ error: { code: 'DUPLICATE' } });
    expect(outbox.list()).toHaveLength(before);
    const { items } = await hub.conversations.messages(conversationId, { limit: 100 });
    expect(items.filter((m) => m.direction === 'outbound' && m.text === 'Sent once.')).toHaveLength(1);
  });

  it('claims nothing for a refused delivery, so strangers cannot fill the store', async () => {
    const store = countingStore();
    const { bridge, close } = bareBridge({ seenDeliveries: store });
    cleanup.push(close);
    const body = replyBody('R-claims');
    const stale = signedHeaders(SECRET, body, NOW_MS - 3_600_000);
    expect((await bridge.handleWebhook(webhookRequest(body, stale))).status).toBe(401);
    const forged = signedHeaders('wrong secret', body, NOW_MS);
    expect((await bridge.handleWebhook(webhookRequest(body, forged))).status).toBe(401);
    expect(store.claims).toEqual([]);
    const valid = signedHeaders(SECRET, body, NOW_MS);
    expect((await bridge.handleWebhook(webhookRequest(body, valid))).status).toBe(404);
    expect(store.claims).toEqual(['reply.created:R-claims']);
  });

  it('answers 500 and sends nothing when the store fails, so the helpdesk retry goes through', async () => {
    let down = true;
    const errors: unknown[] = [];
    const { bridge, replies, close } = bareBridge({
      onError: (error) => errors.push(error),
      seenDeliveries: {
        async claim() {
          if (down) throw new Error('redis unreachable');
          return true;
        },
      },
    });
    cleanup.push(close);
    const body = replyBody('R-store-down');
    const deliver = () => bridge.handleWebhook(webhookRequest(body, signedHeaders(SECRET, body, NOW_MS)));
    expect((await deliver()).status).toBe(500);
    expect(replies).toEqual([]);
    expect(errors).toEqual([new Error('redis unreachable')]);
    down = false;
    expect((await deliver()).status).toBe(404);
    expect(replies).toHaveLength(1);
  });

  it('claims each delivery for the redelivery period (3 days by default), never less than its window', async () => {
    const expiries: number[] = [];
    const recording: SeenDeliveries = {
      async claim(_id, expiresAt) {
        expiries.push(expiresAt.getTime());
        return true;
      },
    };
    const byDefault = bareBridge({ toleranceSeconds: 60, seenDeliveries: recording });
    const short = bareBridge({
      toleranceSeconds: 60,
      rememberDeliveriesSeconds: 1,
      seenDeliveries: recording,
    });
    cleanup.push(byDefault.close, short.close);
    for (const [{ bridge }, id] of [
      [byDefault, 'R-expiry'],
      [short, 'R-expiry-short'],
    ] as const) {
      const body = replyBody(id);
      await bridge.handleWebhook(webhookRequest(body, signedHeaders(SECRET, body, NOW_MS - 10_000)));
    }
    expect(expiries).toEqual([NOW_MS + 3 * 24 * 3600 * 1000, NOW_MS - 10_000 + 60_000]);
  });

  it('refuses a redelivery signed afresh after the window, on another instance sharing the store', async () => {
    let clock = NOW_MS;
    const store = memorySeenDeliveries({ now: () => clock });
    const a = bareBridge({ seenDeliveries: store, now: () => clock });
    const b = bareBridge({ seenDeliveries: store, now: () => clock });
    cleanup.push(a.close, b.close);
    const body = replyBody('R-later');
    await a.bridge.handleWebhook(webhookRequest(body, signedHeaders(SECRET, body, clock)));
    // An hour later (past the 5-minute window) the helpdesk, which got no answer, redelivers it.
    clock += 3600_000;
    const redelivered = await b.bridge.handleWebhook(
      webhookRequest(body, signedHeaders(SECRET, body, clock)),
    );
    expect(redelivered.status).toBe(409);
    expect(await redelivered.json()).toMatchObject({ error: { code: 'DUPLICATE' } });
    expect(a.replies).toHaveLength(1);
    expect(b.replies).toEqual([]);
  });

  it('keeps only the newest answers in memory', async () => {
    const store = countingStore();
    const { bridge, close } = bareBridge({ seenDeliveries: store, maxRememberedAnswers: 2 });
    cleanup.push(close);
    const deliver = (replyId: string) => {
      const body = replyBody(replyId);
      return bridge.handleWebhook(webhookRequest(body, signedHeaders(SECRET, body, NOW_MS)));
    };
    for (const id of ['R-1', 'R-2', 'R-1', 'R-3', 'R-1']) await deliver(id);
    // R-1 again was answered from memory; after R-3 pushed it out, from the store.
    expect(store.claims).toEqual([
      'reply.created:R-1',
      'reply.created:R-2',
      'reply.created:R-3',
      'reply.created:R-1',
    ]);
  });
});
