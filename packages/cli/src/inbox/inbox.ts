import {
  type ChannelAdapter,
  createHub,
  type Hub,
  type IdentityOptions,
  type Stop,
  type Store,
} from '@omnithread/core';
import { adaptersFromEnv, type Env, sandboxAdapters } from './adapters.js';
import { createInboxClock, type InboxClock } from './clock.js';
import { type JourneyResult, type JourneyStep, playJourney } from './journey.js';
import { memoryOutbox, type Outbox } from './outbox.js';
import { type InboxServer, startInboxServer } from './server.js';

export interface RunningInbox extends InboxServer {
  hub: Hub;
  mode: 'sandbox' | 'production';
  /** Sandbox only: where replies go instead of the providers. */
  outbox?: Outbox;
  clock: InboxClock;
  /** Sandbox only: replays the scripted customer journey through the webhooks. */
  playJourney(options?: {
    end?: Date;
    onStep?: (step: JourneyStep, at: Date) => void;
  }): Promise<JourneyResult>;
  /** Stops the server, the listeners, and closes the store. */
  close(): Promise<void>;
}

export interface SandboxInboxOptions {
  store: Store;
  port?: number;
  host?: string;
  identity?: IdentityOptions;
  log?: (line: string) => void;
}

/**
 * The demo inbox: every channel's real adapter (webhook parsing and signature checks as in
 * production) with sends going to a local outbox, on the given store.
 */
export async function startSandboxInbox(options: SandboxInboxOptions): Promise<RunningInbox> {
  const clock = createInboxClock();
  const outbox = memoryOutbox();
  const hub = createHub({
    store: options.store,
    adapters: sandboxAdapters(outbox, clock),
    clock,
    identity: options.identity ?? { defaultRegion: 'US' },
  });
  const server = await startInboxServer({
    hub,
    mode: 'sandbox',
    outbox,
    clock,
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.host !== undefined ? { host: options.host } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
  return {
    ...server,
    hub,
    mode: 'sandbox',
    outbox,
    clock,
    playJourney: (journey = {}) => playJourney({ hub, outbox, clock, baseUrl: server.url, ...journey }),
    async close() {
      await server.close();
      await hub.close();
    },
  };
}

export interface ProductionInboxOptions {
  store: Store;
  env: Env;
  /** Adapters to mount instead of (or before) those built from the environment. */
  adapters?: ChannelAdapter[];
  port?: number;
  host?: string;
  identity?: IdentityOptions;
  /** Start pull sources (X polling…) with `hub.listen()`. Default true. */
  listen?: boolean;
  log?: (line: string) => void;
}

/**
 * The production inbox: the adapters whose credentials are in the environment, signature checks on,
 * real sends. Channels without credentials are not mounted (and are listed in `skipped`).
 */
export async function startProductionInbox(
  options: ProductionInboxOptions,
): Promise<RunningInbox & { skipped: Array<{ channel: string; missing: string[] }> }> {
  const clock = createInboxClock();
  const fromEnv = await adaptersFromEnv(options.env);
  const given = options.adapters ?? [];
  const adapters = [...given, ...fromEnv.adapters.filter((a) => !given.some((g) => g.channel === a.channel))];
  const region = options.env.DEFAULT_REGION as IdentityOptions['defaultRegion'] | undefined;
  const hub = createHub({
    store: options.store,
    adapters,
    clock,
    identity: options.identity ?? (region ? { defaultRegion: region } : {}),
    // Webhooks arriving while a commit is written share the next one: one durable commit per request
    // caps a busy server at the store's commit rate.
    groupCommit: true,
  });
  const server = await startInboxServer({
    hub,
    mode: 'production',
    clock,
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.host !== undefined ? { host: options.host } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
  let stop: Stop | undefined;
  if (options.listen ?? true) stop = await hub.listen();
  return {
    ...server,
    hub,
    mode: 'production',
    clock,
    skipped: fromEnv.skipped,
    async playJourney() {
      throw new Error('the journey plays only in sandbox mode: it posts made-up customers into your inbox');
    },
    async close() {
      await stop?.();
      await server.close();
      await hub.close();
    },
  };
}
