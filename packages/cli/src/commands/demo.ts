import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigurationError, type Store } from '@omnithread/core';
import { startSandboxInbox } from '../inbox/inbox.js';
import { openStoreSpec } from '../store.js';

/** A JSON-lines sample journey (one customer over email, SMS, WhatsApp and a call) for `omnithread import`. */
export const JOURNEY_PATH = packageFile('journeys/cross-channel.jsonl');

/** A file shipped with this package, found from the sources and from the bundle alike. */
function packageFile(relative: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, relative))) return join(dir, relative);
    dir = dirname(dir);
  }
  throw new Error(`@omnithread/cli is missing its ${relative}`);
}

export interface DemoOptions {
  /** `memory`, a directory (kept), a postgres:// URL; default a fresh temporary PGlite directory, removed on exit. */
  store?: string;
  port?: number;
  host?: string;
  /** Play the scripted journey (default true). */
  journey?: boolean;
  /** One JSON line when ready instead of prose. */
  json?: boolean;
  write: (line: string) => void;
  /** The demo runs until this aborts (the CLI wires it to SIGINT/SIGTERM). */
  signal: AbortSignal;
  /** Called with the URL once the inbox answers (tests use it). */
  onReady?: (info: DemoReady) => void;
}

export interface DemoReady {
  url: string;
  store: string;
  conversationId?: string;
  contactId?: string;
}

async function hasConversations(store: Store): Promise<boolean> {
  return (await store.listConversations({ limit: 1 })).items.length > 0;
}

/**
 * `omnithread demo`: the unified inbox in sandbox mode (replies go to a local outbox) on the
 * embedded store, with a scripted customer journey replayed as signed webhooks through every
 * channel adapter. Prints the URL and runs until the signal aborts.
 */
export async function runDemo(options: DemoOptions): Promise<void> {
  let tempDir: string | undefined;
  let spec = options.store;
  if (!spec) {
    tempDir = await mkdtemp(join(tmpdir(), 'omnithread-demo-'));
    spec = tempDir;
  }
  const say = (line: string) => {
    if (!options.json) options.write(line);
  };
  say(
    `Starting the inbox on ${spec === 'memory' ? 'an in-memory store' : `the embedded PostgreSQL store in ${spec}`}…`,
  );
  const store = await openStoreSpec(spec);
  try {
    const inbox = await startSandboxInbox({
      store,
      ...(options.port !== undefined ? { port: options.port } : {}),
      ...(options.host !== undefined ? { host: options.host } : {}),
    }).catch((error: NodeJS.ErrnoException) => {
      if (error?.code !== 'EADDRINUSE') throw error;
      throw new ConfigurationError(
        '--port',
        `port ${options.port} is in use: pass --port 0 for any free port`,
        {
          cause: error,
        },
      );
    });
    try {
      const ready: DemoReady = { url: inbox.url, store: spec };
      if (options.journey ?? true) {
        if (await hasConversations(store)) {
          say('The store already has conversations: not replaying the journey (use an empty --store).');
        } else {
          const result = await inbox.playJourney({
            onStep: (step, at) => say(`  ${at.toISOString().slice(0, 16).replace('T', ' ')}  ${step.label}`),
          });
          ready.conversationId = result.conversationId;
          ready.contactId = result.contactId;
          say(`Played the journey: ${result.steps} steps over 3 days, every webhook signed and verified.`);
        }
      }
      if (options.json) options.write(JSON.stringify(ready));
      else {
        options.write('');
        options.write(`  Omnithread inbox (sandbox): ${inbox.url}`);
        options.write('');
        options.write('Replies go to the outbox on the page, not to any provider. Ctrl+C stops the demo.');
      }
      options.onReady?.(ready);
      if (!options.signal.aborted) {
        await new Promise<void>((resolve) =>
          options.signal.addEventListener('abort', () => resolve(), { once: true }),
        );
      }
      say('Stopping…');
      await inbox.close();
    } catch (error) {
      await inbox.close().catch(() => {});
      throw error;
    }
  } catch (error) {
    await store.close().catch(() => {});
    throw error;
  } finally {
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  }
}
