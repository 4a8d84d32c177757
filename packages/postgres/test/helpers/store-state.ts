import type { Page, PageOptions, Store } from '@omnithread/core';

// What a store holds, read through the Store API, and the one difference PostgreSQL is documented to
// make: text and jsonb hold no U+0000 and no half of a surrogate pair (each becomes U+FFFD), and
// values are kept as JSON (NaN → null, -0 → 0, a Date → its ISO string, undefined dropped).

const UNPAIRED = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** A string as PostgreSQL text keeps it: NUL and unpaired surrogates as U+FFFD. */
export const storableText = (text: string) => text.replace(UNPAIRED, '\ufffd').replaceAll('\u0000', '\ufffd');

/**
 * An event as PostgreSQL would give it back: every string and object key through `storableText`
 * (a later key wins when two become one, as in jsonb). Other values are left as they are.
 */
export function storable<T>(value: T): T {
  if (typeof value === 'string') return storableText(value) as T;
  if (Array.isArray(value)) return value.map(storable) as T;
  const proto = value !== null && typeof value === 'object' ? Object.getPrototypeOf(value) : undefined;
  if (proto === Object.prototype || proto === null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [storableText(k), storable(v)])) as T;
  }
  return value;
}

/** JSON's view of a value, with keys in a fixed order: what a jsonb column gives back. */
export const asJson = <T>(value: T): T => (value === undefined ? value : JSON.parse(JSON.stringify(value)));

async function all<T>(list: (options: PageOptions) => Promise<Page<T>>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  do {
    const page: Page<T> = await list(cursor === undefined ? { limit: 7 } : { limit: 7, cursor });
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return out;
}

/**
 * Everything a store holds that the hub API can read, paged in small pages (so cursors are used):
 * contacts, conversations with their messages, the events waiting for each (channel, external id)
 * given, and rejected payloads. Ids come from the hub's `newId`, so two stores fed the same events
 * by hubs with the same id sequence give equal states.
 */
export async function storeState(store: Store, waiting: Iterable<[string, string]> = []) {
  const conversations = await all((o) => store.listConversations(o));
  const messages: Record<string, unknown[]> = {};
  for (const c of conversations) messages[c.id] = await all((o) => store.listMessages(c.id, o));
  const pending: Record<string, unknown[]> = {};
  for (const [channel, externalId] of waiting) {
    const events = await store.listPendingEvents(channel, externalId);
    if (events.length > 0) pending[JSON.stringify([channel, externalId])] = events;
  }
  return asJson({
    contacts: await all((o) => store.listContacts(o)),
    conversations,
    messages,
    pending,
    rejected: await all((o) => store.listRejected(o)),
  });
}

/** A hub `newId` that the test restarts before each event, so two hubs make the same ids. */
export function sequentialIds() {
  let event = 0;
  let n = 0;
  return {
    next: (prefix: string) => `${prefix}_${event}_${++n}`,
    startEvent(index: number) {
      event = index;
      n = 0;
    },
  };
}
