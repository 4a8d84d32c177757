/**
 * The unified inbox: every channel's webhooks at /webhooks/<channel>, one timeline per customer, a
 * reply box, search and live updates, on the embedded PostgreSQL store.
 *
 * Without provider credentials it runs in sandbox mode: the real adapters verify and parse signed
 * webhooks, replies land in a local outbox, and a scripted customer journey is played on an empty
 * store. With credentials (see .env.example) it mounts the configured channels and sends for real.
 */
import { startProductionInbox, startSandboxInbox } from '@omnithread/cli/inbox';
import { memoryStore, type Store } from '@omnithread/core';
import { pgliteStore, postgresStore } from '@omnithread/postgres';

const env = process.env;
const CREDENTIALS = ['TWILIO_AUTH_TOKEN', 'META_APP_SECRET', 'X_API_SECRET', 'EMAIL_FROM'];
const sandbox =
  env.OMNITHREAD_SANDBOX === 'true' ||
  (env.OMNITHREAD_SANDBOX !== 'false' && !CREDENTIALS.some((name) => env[name]));

async function openStore(): Promise<Store> {
  if (env.DATABASE_URL) return postgresStore({ connectionString: env.DATABASE_URL });
  if (env.OMNITHREAD_STORE === 'memory') return memoryStore();
  return pgliteStore({ dir: env.OMNITHREAD_STORE ?? './.omnithread-inbox' });
}

const store = await openStore();
const port = Number(env.PORT ?? 4100);
const host = env.HOST ?? '127.0.0.1';
const production = sandbox
  ? undefined
  : await startProductionInbox({ store, env, port, host, log: console.log });
const inbox = production ?? (await startSandboxInbox({ store, port, host }));

if (sandbox && (await store.listConversations({ limit: 1 })).items.length === 0) {
  await inbox.playJourney({
    onStep: (step, at) => console.log(`  ${at.toISOString().slice(0, 16)}  ${step.label}`),
  });
}
console.log(`Omnithread inbox (${inbox.mode}) on ${inbox.url}`);
for (const skip of production?.skipped ?? [])
  console.warn(`  not mounted: ${skip.channel} (set ${skip.missing.join(', ')})`);
for (const channel of new Set([...inbox.hub.adapters.values()].map((a) => a.channel)))
  console.log(`  POST ${inbox.url}/webhooks/${channel}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void inbox.close().then(() => process.exit(0));
  });
}
