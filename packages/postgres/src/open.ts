import { ConfigurationError, type Store } from '@omnithread/core';
import { postgresStore } from './pg.js';
import { pgliteStore } from './pglite.js';

/**
 * Opens a store from one string, as the CLI's `--store` takes it: a `postgres://` or
 * `postgresql://` URL opens `postgresStore`, anything else is a PGlite data directory
 * (created when missing). `memory:` opens an empty PGlite database in memory.
 *
 * @example
 * ```ts
 * const store = await openStore(process.argv[2] ?? './.omnithread');
 * ```
 */
export async function openStore(spec: string): Promise<Store> {
  if (typeof spec !== 'string' || spec.trim() === '') {
    throw new ConfigurationError('store', 'openStore needs a directory or a postgres:// URL');
  }
  if (/^postgres(ql)?:\/\//i.test(spec)) return postgresStore({ connectionString: spec });
  if (spec === 'memory:') return pgliteStore();
  return pgliteStore({ dir: spec });
}
