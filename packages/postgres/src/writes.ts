import type { RejectedPayload } from '@omnithread/core';
import { jsonParam, textParam } from './encoding.js';
import { execute, type QueryRunner } from './runner.js';

// Statements a transaction sends as they come (locks, merges) and the rejected-payload insert
// outside transactions; everything else a transaction writes goes through flush.ts.

/** Takes advisory locks on the keys, one after another in the order given; they last until COMMIT. */
export async function lockKeys(runner: QueryRunner, keys: readonly string[]): Promise<void> {
  // One statement on 64-bit hashes of the keys (a function scan yields array elements in order).
  // Awaited: the caller may act on holding them.
  await runner.query(
    `SELECT count(pg_advisory_xact_lock(hashtextextended(k, 0)))::int AS locked
       FROM jsonb_array_elements_text($1::text::jsonb) WITH ORDINALITY AS t(k, n)`,
    [jsonParam(keys.map(textParam))],
  );
}

/** Moves every message of one conversation to another (conversation merges). */
export async function moveMessages(runner: QueryRunner, from: string, to: string): Promise<void> {
  await execute(
    runner,
    `UPDATE messages SET conversation_id = $2, data = jsonb_set(data, '{conversationId}', to_jsonb($2::text))
     WHERE conversation_id = $1`,
    [textParam(from), textParam(to)],
  );
}

/** Gives every thread key of one conversation to another (conversation merges). */
export async function moveThreadKeys(runner: QueryRunner, from: string, to: string): Promise<void> {
  await execute(runner, `UPDATE thread_keys SET conversation_id = $2 WHERE conversation_id = $1`, [
    textParam(from),
    textParam(to),
  ]);
}

/** Rewrites a contact id on messages, conversations and the contact index (contact merges). */
export async function reassignContact(runner: QueryRunner, from: string, to: string): Promise<void> {
  const params = [textParam(from), textParam(to)];
  await execute(
    runner,
    `UPDATE messages SET contact_id = $2, data = jsonb_set(data, '{contactId}', to_jsonb($2::text)) WHERE contact_id = $1`,
    params,
  );
  // Replace the id in each conversation's contactIds, keeping the first place of each id (no duplicates).
  await execute(
    runner,
    `UPDATE conversations SET data = jsonb_set(data, '{contactIds}', (
       SELECT jsonb_agg(x ORDER BY n) FROM (
         SELECT CASE WHEN e = $1::text THEN $2::text ELSE e END AS x, min(n) AS n
           FROM jsonb_array_elements_text(data -> 'contactIds') WITH ORDINALITY AS a(e, n) GROUP BY 1
       ) AS ids))
     WHERE id IN (SELECT conversation_id FROM conversation_contacts WHERE contact_id = $1::text)`,
    params,
  );
  await execute(
    runner,
    `WITH moved AS (DELETE FROM conversation_contacts WHERE contact_id = $1 RETURNING conversation_id)
     INSERT INTO conversation_contacts (contact_id, conversation_id) SELECT $2, conversation_id FROM moved
     ON CONFLICT DO NOTHING`,
    params,
  );
}

export async function insertRejected(runner: QueryRunner, rejected: RejectedPayload): Promise<void> {
  await execute(
    runner,
    `INSERT INTO rejected_payloads (id, channel, received_at, error, raw, headers)
     VALUES ($1, $2, $3, $4::text::jsonb, $5::text::jsonb, $6::text::jsonb)`,
    [
      textParam(rejected.id),
      textParam(rejected.channel),
      rejected.receivedAt,
      jsonParam(rejected.error, 'rejected.error'),
      jsonParam(rejected.raw, 'rejected.raw'),
      rejected.headers === undefined ? null : jsonParam(rejected.headers, 'rejected.headers'),
    ],
  );
}
