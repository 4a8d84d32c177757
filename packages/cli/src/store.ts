import { isAbsolute, resolve } from 'node:path';
import { ConfigurationError, memoryStore, type Store } from '@omnithread/core';

/** The default store of the CLI: an embedded PostgreSQL (PGlite) folder in the working directory. */
export const DEFAULT_STORE = './.omnithread';

/**
 * Opens the store named on the command line: `memory`, a directory (embedded PGlite) or a
 * `postgres://` URL. The PostgreSQL stores come from @omnithread/postgres, loaded only when asked for.
 */
export async function openStoreSpec(spec: string): Promise<Store> {
  if (spec === 'memory') return memoryStore();
  let postgres: { openStore(spec: string): Promise<Store> };
  try {
    postgres = (await import(/* @vite-ignore */ ['@omnithread', 'postgres'].join('/'))) as typeof postgres;
  } catch (cause) {
    throw new ConfigurationError(
      '--store',
      `--store ${spec} needs @omnithread/postgres (npm install @omnithread/postgres)`,
      { cause },
    );
  }
  const target = /^postgres(ql)?:\/\//.test(spec) || isAbsolute(spec) ? spec : resolve(spec);
  return postgres.openStore(target);
}
