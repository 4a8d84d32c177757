import { createHash } from 'node:crypto';
import { ConfigurationError, type Store } from '@omnithread/core';
import pg from 'pg';
import { MIGRATION_LOCK_ID, mapDatabaseError, type QueryRunner } from './runner.js';
import { openSqlStore } from './sql-store.js';

interface CommonOptions {
  /**
   * Name parameterized statements so each connection parses and plans them once (default true).
   * Turn it off behind a pooler in transaction mode (PgBouncer), which cannot keep them.
   */
  preparedStatements?: boolean;
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

// Statement names by SQL text: a parameterized statement is parsed and planned once per connection.
const names = new Map<string, string>();
function statementName(sql: string): string {
  let name = names.get(sql);
  if (name === undefined) {
    name = `omnithread_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
    names.set(sql, name);
  }
  return name;
}

const runnerOf = (client: Client, prepare: boolean): QueryRunner => ({
  async query<R>(sql: string, params: readonly unknown[] = []) {
    // Only statements with parameters are named: DDL and BEGIN/COMMIT cannot be prepared.
    const config =
      prepare && params.length > 0
        ? { name: statementName(sql), text: sql, values: [...params] }
        : { text: sql, values: [...params] };
    return (await client.query(config)).rows as R[];
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
    query: runnerOf(pool, prepare).query,
    transaction: (fn) =>
      withClient(async (client, discard) => {
        await client.query('BEGIN');
        try {
          const result = await fn(runnerOf(client, prepare));
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
