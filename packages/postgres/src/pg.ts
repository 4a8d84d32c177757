import { ConfigurationError, type Store } from '@omnithread/core';
import pg from 'pg';
import { MIGRATION_LOCK_ID, mapDatabaseError, type QueryRunner } from './runner.js';
import { openSqlStore } from './sql-store.js';

export type PostgresStoreOptions =
  | {
      /** `postgres://user:password@host:5432/db`; the store makes a pool and ends it on `close()`. */
      connectionString: string;
      /** Most connections the pool opens (default 10). */
      maxConnections?: number;
    }
  | {
      /** A pool you manage; `close()` leaves it open. */
      pool: pg.Pool;
    };

type Client = pg.Pool | pg.PoolClient;

const runnerOf = (client: Client): QueryRunner => ({
  async query<R>(sql: string, params: readonly unknown[] = []) {
    return (await client.query(sql, [...params])).rows as R[];
  },
});

/**
 * The store on a PostgreSQL server (10 or later) through node-postgres. Any number of processes can
 * share one database: advisory locks taken by the hub and the unique constraints make concurrent
 * ingests end as they would one at a time.
 *
 * @example
 * ```ts
 * import { createHub } from '@omnithread/core';
 * import { postgresStore } from '@omnithread/postgres';
 *
 * const store = await postgresStore({ connectionString: process.env.DATABASE_URL! });
 * const hub = createHub({ store });
 * ```
 */
export async function postgresStore(options: PostgresStoreOptions): Promise<Store> {
  const owned = !('pool' in options && options.pool);
  let pool: pg.Pool;
  if ('pool' in options && options.pool) pool = options.pool;
  else {
    const { connectionString, maxConnections } = options as {
      connectionString?: unknown;
      maxConnections?: number;
    };
    if (typeof connectionString !== 'string' || connectionString === '') {
      throw new ConfigurationError(
        'connectionString',
        'postgresStore needs a `connectionString` (postgres://…) or a `pool`',
      );
    }
    pool = new pg.Pool({ connectionString, max: maxConnections ?? 10 });
    // An idle client that loses its server emits 'error' on the pool; without a listener it would crash the process.
    pool.on('error', () => undefined);
  }

  // `fn` reports a connection it could not bring back to a clean state; the pool then discards it.
  async function withClient<T>(
    fn: (client: pg.PoolClient, discard: (why: Error) => void) => Promise<T>,
  ): Promise<T> {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      return await fn(client, (why) => {
        broken = why;
      });
    } finally {
      client.release(broken);
    }
  }

  return openSqlStore({
    query: runnerOf(pool).query,
    transaction: (fn) =>
      withClient(async (client, discard) => {
        await client.query('BEGIN');
        try {
          const result = await fn(runnerOf(client));
          await client.query('COMMIT');
          return result;
        } catch (error) {
          await client.query('ROLLBACK').catch((why: Error) => discard(why));
          throw mapDatabaseError(error);
        }
      }),
    withMigrationLock: (fn) =>
      withClient(async (client, discard) => {
        await client.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_ID]);
        try {
          return await fn(runnerOf(client));
        } finally {
          // A session lock outlives errors: unlock, or drop the connection (which releases it).
          await client
            .query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_ID])
            .catch((why: Error) => discard(why));
        }
      }),
    async close() {
      if (owned) await pool.end();
    },
  });
}
