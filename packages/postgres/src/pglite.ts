import { PGlite } from '@electric-sql/pglite';
import type { Store } from '@omnithread/core';
import { mapDatabaseError, type QueryRunner } from './runner.js';
import { openSqlStore } from './sql-store.js';

export interface PgliteStoreOptions {
  /** A data directory on disk, created when missing. Omit it for a database in memory. */
  dir?: string;
  /**
   * An instance you opened yourself (with extensions or a custom file system). The store runs its
   * migrations on it and closes it on `close()`. Overrides `dir`.
   */
  pglite?: PGlite;
}

type Queryable = Pick<PGlite, 'query'>;

const runnerOf = (db: Queryable): QueryRunner => ({
  async query<R>(sql: string, params: readonly unknown[] = []) {
    return (await db.query<R>(sql, [...params])).rows;
  },
});

/**
 * The embedded store: PostgreSQL compiled to WebAssembly (PGlite), in a directory or in memory, no
 * server to run. One process owns a data directory at a time; PGlite runs one transaction at a
 * time, so advisory locks are granted at once and ingests in this process are serialized.
 *
 * @example
 * ```ts
 * import { createHub } from '@omnithread/core';
 * import { pgliteStore } from '@omnithread/postgres';
 *
 * const hub = createHub({ store: await pgliteStore({ dir: './.omnithread' }) });
 * ```
 */
export async function pgliteStore(options: PgliteStoreOptions = {}): Promise<Store> {
  const db =
    options.pglite ??
    (options.dir === undefined ? await PGlite.create() : await PGlite.create({ dataDir: options.dir }));
  const session = runnerOf(db);
  return openSqlStore({
    inProcess: true,
    query: session.query,
    async transaction(fn) {
      try {
        return await db.transaction((tx) => fn(runnerOf(tx)));
      } catch (error) {
        throw mapDatabaseError(error);
      }
    },
    // A data directory has a single owner process, so the session itself is the lock.
    withMigrationLock: (fn) => fn(session),
    async close() {
      if (!db.closed) await db.close();
    },
  });
}
