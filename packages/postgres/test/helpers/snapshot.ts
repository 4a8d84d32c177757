import type { Page, PageOptions, Store } from '@omnithread/core';
import pg from 'pg';

async function all<T>(list: (options: PageOptions) => Promise<Page<T>>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await list(cursor === undefined ? { limit: 100 } : { limit: 100, cursor });
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return out;
}

/**
 * What an ingest produced, without the random ids: each live contact as its set of identities,
 * each live conversation as the set of its messages' (channel, external id), every message's
 * status history, and the events still waiting for a message. Two stores that ingested the same
 * events give equal snapshots whatever order or process each event came through.
 */
export async function snapshot(store: Store) {
  const contacts = (await all((o) => store.listContacts(o))).map((c) =>
    c.identities.map((i) => `${i.kind}:${i.value}`).sort(),
  );
  const conversations: string[][] = [];
  const statuses: Record<string, { status: string; history: string[] }> = {};
  let messages = 0;
  for (const conversation of await all((o) => store.listConversations(o))) {
    const list = await all((o) => store.listMessages(conversation.id, o));
    messages += list.length;
    conversations.push(list.map((m) => `${m.channel}:${m.external.id}`).sort());
    for (const m of list)
      statuses[`${m.channel}:${m.external.id}`] = {
        status: m.status,
        history: m.statusHistory.map((h) => `${h.status}@${h.at}`),
      };
  }
  return { contacts: contacts.sort(), conversations: conversations.sort(), messages, statuses };
}

/**
 * Referential checks straight in SQL: nothing half-written is visible. Each count must be 0.
 */
export async function orphanCounts(url: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const checks: Record<string, string> = {
      messagesWithoutConversation:
        'SELECT count(*) FROM messages m LEFT JOIN conversations c ON c.id = m.conversation_id WHERE c.id IS NULL',
      messagesWithoutContact:
        'SELECT count(*) FROM messages m LEFT JOIN contacts c ON c.id = m.contact_id WHERE c.id IS NULL',
      liveContactsWithoutIdentity:
        'SELECT count(*) FROM contacts c WHERE c.merged_into IS NULL AND NOT EXISTS (SELECT 1 FROM identity_keys k WHERE k.contact_id = c.id)',
      liveConversationsWithoutMessage:
        'SELECT count(*) FROM conversations c WHERE c.merged_into IS NULL AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id)',
      identityKeysOfTombstones:
        'SELECT count(*) FROM identity_keys k JOIN contacts c ON c.id = k.contact_id WHERE c.merged_into IS NOT NULL',
      pendingEvents: 'SELECT count(*) FROM pending_events',
      duplicateExternalIds:
        'SELECT count(*) FROM (SELECT channel, external_id FROM messages GROUP BY 1, 2 HAVING count(*) > 1) d',
    };
    const out: Record<string, number> = {};
    for (const [name, sql] of Object.entries(checks))
      out[name] = Number((await client.query(sql)).rows[0].count);
    return out;
  } finally {
    await client.end();
  }
}

export const NO_ORPHANS = {
  messagesWithoutConversation: 0,
  messagesWithoutContact: 0,
  liveContactsWithoutIdentity: 0,
  liveConversationsWithoutMessage: 0,
  identityKeysOfTombstones: 0,
  pendingEvents: 0,
  duplicateExternalIds: 0,
};
