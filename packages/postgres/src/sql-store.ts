import type { Store } from '@omnithread/core';
import { migrate } from './migrations.js';
import { createReader } from './reads.js';
import { type Driver, mappingErrors } from './runner.js';
import { createTransaction } from './transaction.js';
import { insertRejected } from './writes.js';

/**
 * The Store contract on any driver: the same SQL for PGlite and PostgreSQL. Lost races (unique
 * violations, deadlocks, serialization failures) surface as `StoreConflictError`, which the hub
 * answers by retrying the whole transaction.
 */
export function createSqlStore(driver: Driver): Store {
  const runner = mappingErrors(driver);
  let closed = false;
  const open = () => {
    if (closed) throw new Error('the store is closed');
  };
  return {
    ...createReader(runner),
    async transaction(fn) {
      open();
      return driver.transaction(async (connection) => {
        // Writes are buffered in the transaction and sent here, ahead of COMMIT (see transaction.ts).
        const { tx, finish } = createTransaction(mappingErrors(connection));
        const prefetch = tx.prefetch;
        if (driver.inProcess && prefetch) {
          // A batch's prefetch still pays off in process; one event's lookups are cheaper alone.
          tx.prefetch = (hint) => (hint.messages.length > 1 ? prefetch(hint) : Promise.resolve());
        }
        const result = await fn(tx);
        await finish();
        return result;
      });
    },
    async insertRejected(rejected) {
      open();
      await insertRejected(runner, rejected);
    },
    async close() {
      if (closed) return;
      closed = true;
      await driver.close();
    },
  };
}

/** Opens a store on a driver: applies pending migrations first, and closes the driver if that fails. */
export async function openSqlStore(driver: Driver): Promise<Store> {
  try {
    await migrate(driver);
  } catch (error) {
    await driver.close().catch(() => undefined);
    throw error;
  }
  return createSqlStore(driver);
}
