import { existsSync } from 'node:fs';
import { startProductionInbox } from '../inbox/inbox.js';
import { DEFAULT_STORE, openStoreSpec } from '../store.js';

export interface ServeOptions {
  env: Record<string, string | undefined>;
  port?: number;
  host?: string;
  store?: string;
  write: (line: string) => void;
  warn: (line: string) => void;
  signal: AbortSignal;
  onReady?: (info: { url: string; channels: string[] }) => void;
}

/** Loads `./.env` into the environment when present (Node ≥ 20.12), without overriding what is set. */
export function loadDotEnv(path = '.env'): boolean {
  const load = (process as { loadEnvFile?: (path: string) => void }).loadEnvFile;
  if (!load || !existsSync(path)) return false;
  load(path);
  return true;
}

/**
 * `omnithread serve`: the inbox in production mode. Every adapter whose credentials are in the
 * environment is mounted at `/webhooks/<channel>` with signature checks on; the others are listed
 * as skipped. The store is `DATABASE_URL` (PostgreSQL) or `OMNITHREAD_STORE` (a PGlite directory).
 */
export async function runServe(options: ServeOptions): Promise<void> {
  const { env } = options;
  const spec = options.store ?? env.DATABASE_URL ?? env.OMNITHREAD_STORE ?? DEFAULT_STORE;
  const port = options.port ?? (env.PORT ? Number(env.PORT) : 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new RangeError(`PORT must be a port number, got ${env.PORT}`);
  const store = await openStoreSpec(spec);
  let inbox: Awaited<ReturnType<typeof startProductionInbox>>;
  try {
    inbox = await startProductionInbox({
      store,
      env,
      port,
      host: options.host ?? env.HOST ?? '127.0.0.1',
      listen: env.OMNITHREAD_LISTEN !== 'false',
      log: (line) => options.write(line),
    });
  } catch (error) {
    await store.close().catch(() => {});
    throw error;
  }
  const channels = [...new Set([...inbox.hub.adapters.values()].map((a) => a.channel))];
  for (const skip of inbox.skipped)
    options.warn(`not mounted: ${skip.channel} (set ${skip.missing.join(', ')})`);
  if (channels.length === 0)
    options.warn('No channel has credentials: see examples/unified-inbox/.env.example.');
  const where = /^postgres/i.test(spec) ? spec.replace(/\/\/[^@/]*@/, '//***@') : spec;
  options.write(`Omnithread inbox on ${inbox.url} (store ${where})`);
  for (const channel of channels) options.write(`  webhook ${channel}: ${inbox.url}/webhooks/${channel}`);
  options.onReady?.({ url: inbox.url, channels });
  if (!options.signal.aborted) {
    await new Promise<void>((resolve) =>
      options.signal.addEventListener('abort', () => resolve(), { once: true }),
    );
  }
  await inbox.close();
}
