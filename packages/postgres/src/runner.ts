import { StoreConflictError } from '@omnithread/core';

/** Runs one SQL statement with positional parameters (`$1`, `$2`…) and returns its rows. */
export interface QueryRunner {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /**
   * Runs a statement whose rows nobody reads (a write, a lock). Optional: without it the store
   * awaits `query`. A transaction's runner may send it without waiting for the answer, behind the
   * statements before it and ahead of those after it, and report a failure from the next `query`
   * or from COMMIT; the statements still run one after another, in order, on one connection.
   */
  run?(sql: string, params?: readonly unknown[]): Promise<void>;
  /**
   * True when queries may be issued without awaiting the ones before them: they travel together
   * and are answered in order (a transaction on a pipelining pg client).
   */
  readonly pipelined?: boolean;
}

/** Runs a statement for its effect only: through `run` when the runner has it. */
export function execute(runner: QueryRunner, sql: string, params?: readonly unknown[]): Promise<void> {
  if (runner.run) return runner.run(sql, params);
  return runner.query(sql, params).then(() => undefined);
}

/**
 * What the store needs from a database: reads, transactions and closing. PGlite and node-postgres
 * both implement it, so one set of SQL serves both.
 */
export interface Driver extends QueryRunner {
  /** Runs `fn` in BEGIN … COMMIT on one connection; rolls back and rethrows on error. */
  transaction<T>(fn: (runner: QueryRunner) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` while holding a session-level lock that serializes schema migrations across every
   * process opening the same database at once.
   */
  withMigrationLock<T>(fn: (runner: QueryRunner) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /**
   * The database runs in this process (PGlite): a round trip costs no network, so a prefetch for a
   * single event is skipped — its one heavier statement costs more there than the lookups it saves.
   */
  readonly inProcess?: boolean;
}

// SQLSTATEs that mean "you lost a race, try again": the hub retries the whole transaction.
const CONFLICT_CODES: Record<string, string> = {
  '23505': 'unique violation',
  '40P01': 'deadlock detected',
  '40001': 'serialization failure',
};

/** Turns a lost race into core's `StoreConflictError`; other errors pass through unchanged. */
export function mapDatabaseError(error: unknown): unknown {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  if (typeof code === 'string' && code in CONFLICT_CODES) {
    const detail = (error as { message?: string }).message ?? '';
    return new StoreConflictError(`store conflict (${CONFLICT_CODES[code]}): ${detail}`, { cause: error });
  }
  return error;
}

/** Wraps a runner so every failing query reports lost races as `StoreConflictError`. */
export function mappingErrors(runner: QueryRunner): QueryRunner {
  return {
    pipelined: runner.pipelined === true,
    async query(sql, params) {
      try {
        return await runner.query(sql, params);
      } catch (error) {
        throw mapDatabaseError(error);
      }
    },
    async run(sql, params) {
      try {
        await execute(runner, sql, params);
      } catch (error) {
        throw mapDatabaseError(error);
      }
    },
  };
}

/** A fixed advisory-lock id for migrations ("omnithrd" as a big-endian int64), apart from the hashed row keys. */
export const MIGRATION_LOCK_ID = '8029195109875085924';
