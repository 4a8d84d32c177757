/**
 * @omnithread/postgres — the durable Omnithread store on PostgreSQL: embedded PGlite (a directory or
 * memory, zero set-up) and any PostgreSQL server through node-postgres, with the same SQL,
 * migrations, unique constraints and advisory locks.
 */
export { MIGRATIONS, type Migration, migrate } from './migrations.js';
export { openStore } from './open.js';
export { type PostgresStoreOptions, postgresStore } from './pg.js';
export { type PgliteStoreOptions, pgliteStore } from './pglite.js';
export { type Driver, mapDatabaseError, type QueryRunner } from './runner.js';
export { createSqlStore, openSqlStore } from './sql-store.js';
