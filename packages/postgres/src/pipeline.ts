import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { QueryRunner } from './runner.js';

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

/** A query config: named (prepared once per connection) when it has parameters and `prepare` is on. */
export function queryConfig(sql: string, params: readonly unknown[], prepare: boolean): pg.QueryConfig {
  // Only statements with parameters are named: DDL and BEGIN/COMMIT cannot be prepared.
  return prepare && params.length > 0
    ? { name: statementName(sql), text: sql, values: [...params] }
    : { text: sql, values: [...params] };
}

interface Corkable {
  cork?(): void;
  uncork?(): void;
}

/** The socket under a pg client, to batch several statements into one write (pg's own `connection.stream`). */
function socketOf(client: pg.PoolClient): Corkable | undefined {
  const stream = (client as unknown as { connection?: { stream?: Corkable } }).connection?.stream;
  return typeof stream?.cork === 'function' && typeof stream.uncork === 'function' ? stream : undefined;
}

/**
 * One transaction on one connection, with as few round trips as the answers allow. Statements whose
 * rows nobody reads (BEGIN, writes) are sent without waiting: on a client in pipeline mode
 * (`pipeline: true`, which `postgresStore` sets on its own pool) they travel in the same network
 * write as the next statement that needs an answer, and the server runs them all in order. Every
 * statement still runs alone (its own snapshot in READ COMMITTED, so a read sent behind a lock sees
 * what the lock's previous holder committed). The first failure is remembered and reported by the
 * next read and by `commit()`, so a unique violation in a write surfaces as itself, not as the
 * "transaction is aborted" of the statements behind it.
 */
export class PipelinedTransaction {
  private readonly inFlight: Promise<unknown>[] = [];
  private failure: { error: unknown } | undefined;
  private readonly socket: Corkable | undefined;
  private corked = false;

  /** Whether the client sends queries without waiting for earlier answers (pg's `pipeline` option). */
  private readonly pipelined: boolean;

  constructor(
    private readonly client: pg.PoolClient,
    private readonly prepare: boolean,
  ) {
    this.pipelined = (client as { pipeline?: unknown }).pipeline === true;
    Object.defineProperty(this.runner, 'pipelined', { value: this.pipelined, enumerable: true });
    this.socket = this.pipelined ? socketOf(client) : undefined;
  }

  /** BEGIN, and the statements that set the transaction up; sent ahead when the client pipelines. */
  async begin(setup: readonly string[]): Promise<void> {
    for (const sql of ['BEGIN', ...setup]) await this.runner.run?.(sql);
  }

  /** The first statement that failed, if any. */
  get error(): { error: unknown } | undefined {
    return this.failure;
  }

  // A call, so TypeScript does not keep a narrowing of `failure` across awaits.
  private failed(): { error: unknown } | undefined {
    return this.failure;
  }

  /** Sends a statement without waiting for its answer (pipeline mode only). */
  private send(sql: string, params: readonly unknown[] = []): void {
    if (!this.corked && this.socket) {
      this.socket.cork?.();
      this.corked = true;
    }
    const done = this.client.query(queryConfig(sql, params, this.prepare)).then(
      () => undefined,
      (error: unknown) => {
        this.failure ??= { error };
      },
    );
    this.inFlight.push(done);
  }

  /** Sends whatever is held back, then waits for every statement sent so far. */
  async settle(): Promise<void> {
    this.flush();
    const waiting = this.inFlight.splice(0);
    if (waiting.length > 0) await Promise.all(waiting);
  }

  private flush(): void {
    if (this.corked) {
      this.corked = false;
      this.socket?.uncork?.();
    }
  }

  readonly runner: QueryRunner = {
    query: async <R>(sql: string, params: readonly unknown[] = []): Promise<R[]> => {
      if (this.failure) throw this.failure.error;
      const answer = this.client.query(queryConfig(sql, params, this.prepare));
      this.flush();
      let rows: R[];
      try {
        rows = (await answer).rows as R[];
      } catch (error) {
        this.failure ??= { error };
        // A statement sent before this one may have failed first: that failure is the cause.
        await this.settle();
        throw this.failed()?.error ?? error;
      }
      // Answers come in order: everything sent before this read is answered, its failure recorded.
      this.inFlight.length = 0;
      const failed = this.failed();
      if (failed) throw failed.error;
      return rows;
    },
    run: async (sql: string, params: readonly unknown[] = []): Promise<void> => {
      if (this.failure) throw this.failure.error;
      // Without pipeline mode pg would queue it behind the running query (deprecated): wait instead.
      if (this.pipelined) this.send(sql, params);
      else await this.runner.query(sql, params);
    },
  };

  /** COMMIT behind everything sent; throws the first failure (the server then rolled back). */
  async commit(): Promise<void> {
    if (this.failure) {
      await this.settle();
      throw this.failure.error;
    }
    const commit = this.client.query('COMMIT');
    this.flush();
    let outcome: { error: unknown } | { command: string };
    try {
      outcome = { command: (await commit).command };
    } catch (error) {
      outcome = { error };
    }
    await this.settle();
    const failed = this.failed();
    if (failed) throw failed.error;
    if ('error' in outcome) throw outcome.error;
    // COMMIT in an aborted transaction answers ROLLBACK without an error.
    if (outcome.command !== 'COMMIT')
      throw new Error(`COMMIT answered ${outcome.command}: the transaction was rolled back`);
  }
}
