import {
  createInboxClock,
  MAYA,
  memoryOutbox,
  playJourney,
  SANDBOX,
  sandboxAdapters,
  twilioFormRequest,
} from '@omnithread/cli/inbox';
import { createHub, type Hub, memoryStore } from '@omnithread/core';
import { createSmsAdapter, type TwilioCreateParams } from '@omnithread/sms';
import { afterEach, describe, expect, it } from 'vitest';
import { createBridge } from '../src/bridge.js';
import { helpdeskClient } from '../src/helpdesk-client.js';
import { type RunningServer, serve } from '../src/http.js';
import { type MockHelpdesk, startMockHelpdesk } from '../src/mock-helpdesk.js';
import { signedHeaders } from '../src/signature.js';

const SECRET = 'test-helpdesk-secret';
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/**
 * The journey's hub with every sandbox adapter, except SMS: the real Twilio adapter with its
 * provider mocked (an injected messages.create), to see a reply reach the provider call itself.
 */
async function setup() {
  const clock = createInboxClock();
  const outbox = memoryOutbox();
  const twilioCalls: TwilioCreateParams[] = [];
  const sms = createSmsAdapter({
    accountSid: SANDBOX.twilio.accountSid,
    authToken: SANDBOX.twilio.authToken,
    from: SANDBOX.twilio.number,
    clock,
    client: {
      messages: {
        async create(params) {
          twilioCalls.push(params);
          return {
            sid: `SM${String(twilioCalls.length).padStart(32, '0')}`,
            status: 'queued',
            to: params.to,
          };
        },
      },
    },
  });
  const adapters = [...sandboxAdapters(outbox, clock).filter((a) => a.channel !== 'sms'), sms];
  const hub = createHub({ store: memoryStore(), adapters, clock, identity: { defaultRegion: 'US' } });
  const helpdesk: MockHelpdesk = await startMockHelpdesk({ webhookSecret: SECRET, token: 'hd-token' });
  const errors: unknown[] = [];
  const bridge = createBridge({
    hub,
    helpdesk: helpdeskClient({ baseUrl: helpdesk.url, token: 'hd-token', baseDelayMs: 1 }),
    webhookSecret: SECRET,
    retryDelayMs: 1,
    onError: (error) => errors.push(error),
  });
  const server: RunningServer = await serve((request) =>
    new URL(request.url).pathname === '/helpdesk/webhook'
      ? bridge.handleWebhook(request)
      : hub.handle(request),
  );
  helpdesk.connect(`${server.url}/helpdesk/webhook`);
  cleanup.push(async () => {
    bridge.stop();
    await server.close();
    await helpdesk.close();
    await hub.close();
  });
  return { hub, helpdesk, bridge, server, outbox, clock, twilioCalls, errors };
}

/**
 * Records every webhook the journey delivers with the moment it was delivered, to deliver them all
 * again a little later (providers retry; signatures with a timestamp, like Mailgun's, are only good
 * for a few minutes).
 */
function recording(hub: Hub, clock: () => Date) {
  const requests: Array<{ request: Request; at: Date }> = [];
  const proxy: Hub = {
    ...hub,
    async handle(request) {
      requests.push({ request: request.clone(), at: clock() });
      return hub.handle(request);
    },
  };
  return { proxy, requests };
}

describe('the helpdesk bridge', () => {
  it("forwards a journey's every message and status to the helpdesk once, through failures and redeliveries", async () => {
    const { hub, helpdesk, bridge, outbox, clock, server, errors } = await setup();
    // The helpdesk loses answers and refuses requests along the way: the bridge retries.
    helpdesk.failNext(3, 'after');
    helpdesk.failNext(2, 'before');
    const { proxy, requests } = recording(hub, clock);
    const journey = await playJourney({ hub: proxy, outbox, clock, baseUrl: server.url });
    helpdesk.failNext(2, 'after');
    for (const { request, at } of requests) {
      clock.pin(new Date(at.getTime() + 60_000));
      // Every redelivery is accepted (a Mailgun retry carries the same token and content) and adds nothing.
      expect((await hub.handle(request)).status).toBe(200);
    }
    clock.release();
    await bridge.idle();
    expect(errors).toEqual([]);

    const conversations = (await hub.conversations.list({ limit: 50 })).items;
    expect(
      helpdesk
        .tickets()
        .map((t) => t.externalRef)
        .sort(),
    ).toEqual(conversations.map((c) => c.id).sort());
    for (const conversation of conversations) {
      const ticket = helpdesk.ticketByRef(conversation.id)!;
      const messages = (await hub.conversations.messages(conversation.id, { limit: 100 })).items;
      expect(ticket.messages.map((m) => m.externalRef)).toEqual(messages.map((m) => m.id));
    }
    const maya = helpdesk.ticketByRef(journey.conversationId)!;
    expect(maya.requester.name).toBe(MAYA.name);
    expect(maya.messages.map((m) => m.channel)).toEqual([
      'email',
      'email',
      'sms',
      'sms',
      'whatsapp',
      'whatsapp',
      'voice',
      'x',
      'messenger',
      'sms',
      'whatsapp',
    ]);
    // The call reached the ticket when it ended; its transcript followed as an update.
    const call = maya.messages.find((m) => m.channel === 'voice')!;
    const updates = maya.events.flatMap((e) =>
      e.type === 'message.updated' && e.messageRef === call.externalRef ? [e] : [],
    );
    expect(updates.at(-1)).toMatchObject({
      cause: 'enrich',
      transcript: expect.arrayContaining([expect.stringMatching(/^customer: .*guylines/)]),
    });
    expect(updates.at(-1)!.transcript).toHaveLength(5);
    expect(maya.messages.find((m) => m.channel === 'sms' && m.direction === 'inbound')!.placement.rule).toBe(
      'cross-channel-continuation',
    );
    const statuses = maya.events.flatMap((e) => (e.type === 'status' ? [e.status] : []));
    expect(statuses.sort()).toEqual(['delivered', 'delivered', 'read']);
    // Retries happened, and none of them duplicated anything.
    expect([...helpdesk.writes.values()].some((count) => count > 1)).toBe(true);
    expect(new Set(maya.messages.map((m) => m.externalRef)).size).toBe(maya.messages.length);
  });

  it("sends an agent's reply on the customer's channel, once, even when the helpdesk redelivers it", async () => {
    const { hub, helpdesk, bridge, outbox, clock, server, twilioCalls } = await setup();
    const journey = await playJourney({ hub, outbox, clock, baseUrl: server.url });
    await bridge.idle();
    const before = outbox.list().length;
    const smsBefore = twilioCalls.length;
    const ticket = helpdesk.ticketByRef(journey.conversationId)!;
    const reply = await helpdesk.agentReply(ticket.id, 'A new pole section ships today.');
    expect(reply.result).toMatchObject({ sent: true, channel: 'whatsapp', status: 'sent' });
    expect(outbox.list()).toHaveLength(before + 1);
    expect(outbox.list()[0]).toMatchObject({
      channel: 'whatsapp',
      text: 'A new pole section ships today.',
      to: [{ kind: 'whatsapp', value: MAYA.waId }],
    });
    const again = await helpdesk.redeliverReply(ticket.id, reply.id);
    expect(again.body).toEqual(reply.result);
    expect(outbox.list()).toHaveLength(before + 1);
    await bridge.idle();
    const sent = helpdesk
      .ticketByRef(journey.conversationId)!
      .messages.filter((m) => m.replyRef === reply.id);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      direction: 'outbound',
      channel: 'whatsapp',
      text: 'A new pole section ships today.',
    });
    expect(twilioCalls).toHaveLength(smsBefore);
  });

  it('reaches the Twilio adapter for an SMS customer, and reports an opted-out channel as refused', async () => {
    const { hub, helpdesk, bridge, outbox, clock, server, twilioCalls } = await setup();
    const journey = await playJourney({ hub, outbox, clock, baseUrl: server.url });
    await bridge.idle();
    // The journey's own SMS reply to Maya went through the mocked provider.
    expect(twilioCalls.map((c) => c.to)).toEqual([MAYA.phone]);
    const uk = helpdesk
      .tickets()
      .find((t) => t.requester.addresses.some((a) => a.value === '+447700900123'))!;
    const reply = await helpdesk.agentReply(uk.id, 'Yes, we ship tents to the UK.');
    expect(reply.result).toMatchObject({ sent: true, channel: 'sms' });
    expect(twilioCalls[1]).toEqual(
      expect.objectContaining({
        to: '+447700900123',
        from: SANDBOX.twilio.number,
        body: 'Yes, we ship tents to the UK.',
      }),
    );

    const maya = helpdesk.ticketByRef(journey.conversationId)!;
    const refused = await helpdesk.agentReply(maya.id, 'Text me?', 'sms');
    expect(refused.httpStatus).toBe(409);
    expect(refused.result).toMatchObject({ sent: false, error: { code: 'OPTED_OUT' } });
    expect(twilioCalls).toHaveLength(2);
    // A Twilio status callback for the reply reaches the ticket as an event.
    const sid = (await hub.messages.search('ship tents UK')).items.find((m) => m.direction === 'outbound')!
      .external.id;
    const status = twilioFormRequest(`${server.url}/webhooks/sms`, {
      MessageSid: sid,
      MessageStatus: 'delivered',
      AccountSid: SANDBOX.twilio.accountSid,
      From: SANDBOX.twilio.number,
      To: '+447700900123',
    });
    expect(
      (await fetch(status.url, { method: 'POST', headers: status.headers, body: await status.text() }))
        .status,
    ).toBe(200);
    await bridge.idle();
    expect(helpdesk.ticketByRef(uk.externalRef)!.events).toEqual([
      expect.objectContaining({ type: 'status', status: 'delivered' }),
    ]);
  });

  it('refuses unsigned or forged agent-reply webhooks', async () => {
    const { server } = await setup();
    const body = JSON.stringify({
      type: 'reply.created',
      ticket: { id: 'T-1', externalRef: 'cv_x' },
      reply: { id: 'R-1', text: 'hi' },
    });
    const post = (headers: Record<string, string> = {}) =>
      fetch(`${server.url}/helpdesk/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
    expect((await post()).status).toBe(401);
    expect((await post(signedHeaders('wrong secret', body))).status).toBe(401);
    const unknown = await post(signedHeaders(SECRET, body));
    expect(unknown.status).toBe(404);
  });
});
