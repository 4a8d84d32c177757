import { ConfigurationError, type Store } from '@omnithread/core';
import pg from 'pg';
import { PipelinedTransaction, queryConfig } from './pipeline.js';
import { MIGRATION_LOCK_ID, mapDatabaseError, type QueryRunner } from './runner.js';
import { openSqlStore } from './sql-store.js';

interface CommonOptions {
  /**
   * Name parameterized statements so each connection parses and plans them once (default true).
   * Turn it off behind a pooler in transaction mode (PgBouncer), which cannot keep them.
   */
  preparedStatements?: boolean;
  /**
   * `false` commits without waiting for the server to flush the WAL to disk (`SET LOCAL
   * synchronous_commit = off` in each ingest transaction): faster, but a server crash can lose the
   * last few hundred milliseconds of acknowledged ingests (never corrupt them). Default true: a
   * webhook is only acknowledged once its message is on disk.
   */
  synchronousCommit?: boolean;
}

export type PostgresStoreOptions = CommonOptions &
  (
    | {
        /** `postgres://user:password@host:5432/db`; the store makes a pool and ends it on `close()`. */
        connectionString: string;
        /** Most connections the pool opens (default 10). */
        maxConnections?: number;
      }
    | {
        /** A pool you manage; `close()` leaves it open. */
        pool: pg.Pool;
      }
  );

type Client = pg.Pool | pg.PoolClient;

const runnerOf = (client: Client, prepare: boolean): QueryRunner => ({
  async query<R>(sql: string, params: readonly unknown[] = []) {
    return (await client.query(queryConfig(sql, params, prepare))).rows as R[];
  },
});

/**
 * The store on a PostgreSQL server (11 or later, for `hashtextextended`) through node-postgres.
 * Any number of processes can share one database: the hub's advisory locks and the unique
 * constraints make concurrent ingests end as they would one at a time.
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
  const prepare = options.preparedStatements ?? true;
  const durable = options.synchronousCommit ?? true;
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
    // Pipeline mode: a transaction sends its writes without waiting for each answer (see PipelinedTransaction).
    pool = new pg.Pool({ connectionString, max: maxConnections ?? 10, pipeline: true });
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
    query: runnerOf(pool, prepare).query,
    transaction: (fn) =>
      withClient(async (client, discard) => {
        const tx = new PipelinedTransaction(client, prepare);
        try {
          await tx.begin(durable ? [] : ['SET LOCAL synchronous_commit = off']);
          const result = await fn(tx.runner);
          await tx.commit();
          return result;
        } catch (error) {
          await tx.settle();
          await client.query('ROLLBACK').catch((why: Error) => discard(why));
          throw mapDatabaseError(tx.error ? tx.error.error : error);
        }
      }),
    withMigrationLock: (fn) =>
      withClient(async (client, discard) => {
        await client.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_ID]);
        try {
          return await fn(runnerOf(client, prepare));
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
