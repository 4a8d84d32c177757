/**
 * The "existing helpdesk adds channels" story: every channel's webhooks go into an Omnithread hub,
 * whose normalized events are forwarded to a helpdesk's REST API (one ticket per conversation), and
 * agents' replies in the helpdesk go back out on the customer's channel.
 *
 * Without HELPDESK_URL it runs locally: a mock helpdesk, sandbox adapters (replies land in an
 * outbox), and the scripted customer journey.
 */
import {
  adaptersFromEnv,
  createInboxClock,
  memoryOutbox,
  playJourney,
  sandboxAdapters,
} from '@omnithread/cli/inbox';
import { createHub, memoryStore } from '@omnithread/core';
import { pgliteStore } from '@omnithread/postgres';
import { createBridge } from './bridge.js';
import { webhookSecretFromEnv } from './env.js';
import { helpdeskClient } from './helpdesk-client.js';
import { serve } from './http.js';
import { startMockHelpdesk } from './mock-helpdesk.js';

const env = process.env;
const local = !env.HELPDESK_URL;
const secret = webhookSecretFromEnv(env);
const clock = createInboxClock();
const outbox = memoryOutbox();
const mock = local ? await startMockHelpdesk({ webhookSecret: secret }) : undefined;

const hub = createHub({
  store:
    env.OMNITHREAD_STORE && env.OMNITHREAD_STORE !== 'memory'
      ? await pgliteStore({ dir: env.OMNITHREAD_STORE })
      : memoryStore(),
  adapters: local ? sandboxAdapters(outbox, clock) : (await adaptersFromEnv(env)).adapters,
  clock,
  identity: { defaultRegion: 'US' },
});
const bridge = createBridge({
  hub,
  helpdesk: helpdeskClient({
    baseUrl: env.HELPDESK_URL ?? mock!.url,
    ...(env.HELPDESK_TOKEN ? { token: env.HELPDESK_TOKEN } : {}),
  }),
  webhookSecret: secret,
});

// One server for the channels' webhooks and the helpdesk's agent-reply webhook.
const server = await serve(
  (request) =>
    new URL(request.url).pathname === '/helpdesk/webhook'
      ? bridge.handleWebhook(request)
      : hub.handle(request),
  { port: Number(env.PORT ?? 4200), host: env.HOST ?? '127.0.0.1' },
);
console.log(
  `Bridge on ${server.url}: channel webhooks at /webhooks/<channel>, helpdesk webhook at /helpdesk/webhook`,
);

if (mock) {
  mock.connect(`${server.url}/helpdesk/webhook`);
  await playJourney({ hub, outbox, clock, baseUrl: server.url });
  await bridge.idle();
  console.log(`Mock helpdesk on ${mock.url}:`);
  for (const ticket of mock.tickets())
    console.log(
      `  ${ticket.id}  ${ticket.subject}  (${ticket.messages.length} messages, ${ticket.events.length} events)`,
    );
  const first = mock.tickets().find((t) => t.messages.length > 3) ?? mock.tickets()[0];
  if (first) {
    console.log("\nReply as an agent; it goes out on the customer's channel (the sandbox outbox here):");
    console.log(
      `  curl -s -X POST ${mock.url}/tickets/${first.id}/replies -H 'content-type: application/json' -d '{"text":"On its way!"}'`,
    );
    outbox.onAdd((entry) =>
      console.log(`outbox: ${entry.channel} to ${entry.to.map((t) => t.value).join(', ')}: ${entry.text}`),
    );
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    bridge.stop();
    void Promise.all([server.close(), mock?.close()])
      .then(() => hub.close())
      .then(() => process.exit(0));
  });
