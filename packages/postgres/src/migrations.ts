import { DIGEST_SQL, NEEDS_DIGEST_SQL } from './keys.js';
import type { Driver } from './runner.js';

export interface Migration {
  version: number;
  name: string;
  /** Statements run in order inside one transaction. */
  statements: string[];
}

/**
 * The schema, as versioned steps. Never edit a released step: add a new one. Model objects are kept
 * whole as jsonb (`data`), beside the columns that queries filter and sort on. Sort columns are
 * ISO-8601 text compared with the "C" collation, so the order is exactly the string order that
 * `memoryStore` uses and cursors mean the same thing on every store. Foreign keys are checked at
 * commit, so a transaction may write rows in any order but never commits a message without its
 * conversation and contact.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    statements: [
      `CREATE TABLE contacts (
        id text COLLATE "C" PRIMARY KEY,
        created_at text COLLATE "C" NOT NULL,
        merged_into text,
        data jsonb NOT NULL
      )`,
      `CREATE INDEX contacts_live_by_created ON contacts (created_at, id) WHERE merged_into IS NULL`,
      `CREATE TABLE identity_keys (
        key text PRIMARY KEY,
        contact_id text NOT NULL REFERENCES contacts (id) DEFERRABLE INITIALLY DEFERRED
      )`,
      `CREATE INDEX identity_keys_contact ON identity_keys (contact_id)`,
      `CREATE TABLE conversations (
        id text COLLATE "C" PRIMARY KEY,
        status text NOT NULL,
        last_message_at text COLLATE "C" NOT NULL,
        merged_into text,
        data jsonb NOT NULL
      )`,
      `CREATE INDEX conversations_live_by_activity ON conversations (last_message_at DESC, id DESC) WHERE merged_into IS NULL`,
      `CREATE INDEX conversations_contacts ON conversations USING gin ((data -> 'contactIds'))`,
      `CREATE TABLE thread_keys (
        key text PRIMARY KEY,
        conversation_id text NOT NULL REFERENCES conversations (id) DEFERRABLE INITIALLY DEFERRED
      )`,
      `CREATE INDEX thread_keys_conversation ON thread_keys (conversation_id)`,
      `CREATE TABLE messages (
        id text COLLATE "C" PRIMARY KEY,
        conversation_id text NOT NULL REFERENCES conversations (id) DEFERRABLE INITIALLY DEFERRED,
        contact_id text NOT NULL REFERENCES contacts (id) DEFERRABLE INITIALLY DEFERRED,
        channel text NOT NULL,
        external_id text NOT NULL,
        sent_at text COLLATE "C" NOT NULL,
        data jsonb NOT NULL,
        raw jsonb,
        search tsvector NOT NULL,
        CONSTRAINT messages_channel_external_id UNIQUE (channel, external_id)
      )`,
      `CREATE INDEX messages_of_conversation ON messages (conversation_id, sent_at, id)`,
      `CREATE INDEX messages_of_contact ON messages (contact_id)`,
      `CREATE INDEX messages_by_time ON messages (sent_at DESC, id DESC)`,
      `CREATE INDEX messages_search ON messages USING gin (search)`,
      `CREATE TABLE pending_events (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        channel text NOT NULL,
        external_id text NOT NULL,
        received_at text COLLATE "C" NOT NULL,
        event jsonb NOT NULL
      )`,
      `CREATE INDEX pending_events_target ON pending_events (channel, external_id, seq)`,
      `CREATE TABLE rejected_payloads (
        id text COLLATE "C" PRIMARY KEY,
        channel text NOT NULL,
        received_at text COLLATE "C" NOT NULL,
        error jsonb NOT NULL,
        raw jsonb,
        headers jsonb
      )`,
      `CREATE INDEX rejected_payloads_by_time ON rejected_payloads (received_at, id)`,
    ],
  },
  {
    version: 2,
    name: 'conversations by contact in a btree table',
    statements: [
      // Every ingest looks up its sender's conversations. A GIN index on the jsonb contact ids got a
      // new entry for every version of a conversation row (each message updates it), and the
      // planner's generic plan for the lookup scanned the whole table: the time per ingest grew
      // with the table. A (contact, conversation) table with a btree key is a short index lookup,
      // maintained by the store whenever a conversation's contact ids are written.
      `CREATE TABLE conversation_contacts (
        contact_id text COLLATE "C" NOT NULL,
        conversation_id text COLLATE "C" NOT NULL,
        PRIMARY KEY (contact_id, conversation_id)
      )`,
      `CREATE INDEX conversation_contacts_conversation ON conversation_contacts (conversation_id)`,
      `INSERT INTO conversation_contacts (contact_id, conversation_id)
        SELECT DISTINCT c.contact_id, conversations.id
          FROM conversations, jsonb_array_elements_text(data -> 'contactIds') AS c(contact_id)`,
      `DROP INDEX conversations_contacts`,
    ],
  },
  {
    version: 3,
    name: 'long keys kept as digests in indexed columns',
    // From this version a thread key, channel or external id longer than MAX_KEY_BYTES is kept in its
    // indexed column as a SHA-256 digest (keys.ts): one stored before it, at its length (it fitted
    // its index entry once compressed), is rewritten so lookups meet it.
    // The unique constraints are dropped around the rewrite and then rebuilt: PostgreSQL checks them
    // row by row during an UPDATE, and a stored key may be the very text of another key's digest (a
    // sender can choose a Message-ID so), which the rewrite gives its own digest only later in the
    // same statement. The final keys are unique (distinct texts, distinct digests); the steps between
    // need not be, and a failed step would keep every later start from opening the store.
    statements: [
      `ALTER TABLE thread_keys DROP CONSTRAINT thread_keys_pkey`,
      `ALTER TABLE messages DROP CONSTRAINT messages_channel_external_id`,
      `UPDATE thread_keys SET key = ${DIGEST_SQL('key')} WHERE ${NEEDS_DIGEST_SQL('key')}`,
      `UPDATE messages SET channel = ${DIGEST_SQL('channel')} WHERE ${NEEDS_DIGEST_SQL('channel')}`,
      `UPDATE messages SET external_id = ${DIGEST_SQL('external_id')} WHERE ${NEEDS_DIGEST_SQL('external_id')}`,
      `UPDATE pending_events SET channel = ${DIGEST_SQL('channel')} WHERE ${NEEDS_DIGEST_SQL('channel')}`,
      `UPDATE pending_events SET external_id = ${DIGEST_SQL('external_id')} WHERE ${NEEDS_DIGEST_SQL('external_id')}`,
      // The updates queued the deferred foreign-key checks; a table cannot be altered while they wait.
      `SET CONSTRAINTS ALL IMMEDIATE`,
      `ALTER TABLE thread_keys ADD CONSTRAINT thread_keys_pkey PRIMARY KEY (key)`,
      `ALTER TABLE messages ADD CONSTRAINT messages_channel_external_id UNIQUE (channel, external_id)`,
    ],
  },
];

/**
 * Brings the schema up to date: creates `schema_migrations`, then applies each missing step in its
 * own transaction. Holds the migration lock throughout, so processes opening one database at the
 * same moment apply each step exactly once.
 */
export async function migrate(
  driver: Driver,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number[]> {
  return driver.withMigrationLock(async (session) => {
    await session.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const rows = await session.query<{ version: number }>('SELECT version FROM schema_migrations');
    const done = new Set(rows.map((r) => Number(r.version)));
    const applied: number[] = [];
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(migration.version)) continue;
      // On the locked session itself, so a pool of one connection cannot deadlock against itself.
      await session.query('BEGIN');
      try {
        for (const statement of migration.statements) await session.query(statement);
        await session.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
          migration.version,
          migration.name,
        ]);
        await session.query('COMMIT');
      } catch (error) {
        await session.query('ROLLBACK');
        throw error;
      }
      applied.push(migration.version);
    }
    return applied;
  });
}
