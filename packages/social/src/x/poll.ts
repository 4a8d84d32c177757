import type { InboundEvent, WebhookParseError } from '@omnithread/core';
import type { TwitterApi } from 'twitter-api-v2';
import { compareNumericIds, isRecord, type Json, str } from '../common/payload.js';
import type { CursorStore } from './cursor.js';

export interface PollDeps {
  client: TwitterApi;
  userId: string;
  cursors: CursorStore;
  parse(raw: unknown): InboundEvent[];
  call<T>(what: string, fn: () => Promise<T>): Promise<T>;
  /** On the very first poll (no cursor yet), emit the history X still has (30 days of DMs). */
  backfill: boolean;
  /** Safety bound on pages read in one poll. */
  maxPages: number;
  onRejected(error: WebhookParseError, raw: unknown): void | Promise<void>;
}

export const DM_CURSOR = 'x:dm_events';
export const MENTIONS_CURSOR = 'x:mentions';

const DM_QUERY = {
  'dm_event.fields':
    'id,text,event_type,created_at,dm_conversation_id,sender_id,participant_ids,referenced_tweets,attachments',
  expansions: 'sender_id,participant_ids,attachments.media_keys',
  'user.fields': 'username,name',
  'media.fields': 'media_key,type,url,preview_image_url,alt_text',
  max_results: 100,
};

const MENTIONS_QUERY = {
  'tweet.fields':
    'id,text,author_id,conversation_id,created_at,referenced_tweets,in_reply_to_user_id,attachments,note_tweet',
  expansions: 'author_id,attachments.media_keys',
  'user.fields': 'username,name',
  'media.fields': 'media_key,type,url,preview_image_url,alt_text',
  max_results: 100,
};

interface Item {
  id: string;
  /** A one-item page, keeping the includes so the parser finds the sender's name and the media. */
  page: Json;
}

function itemsOf(page: unknown): { items: Item[]; next?: string; newest?: string } {
  if (!isRecord(page)) return { items: [] };
  const data = Array.isArray(page.data) ? page.data : [];
  const items: Item[] = [];
  for (const entry of data) {
    const id = isRecord(entry) ? str(entry.id) : undefined;
    if (id) items.push({ id, page: { data: [entry], includes: page.includes ?? {} } });
  }
  const meta = isRecord(page.meta) ? page.meta : {};
  const next = str(meta.next_token);
  const newest =
    str(meta.newest_id) ??
    items
      .map((i) => i.id)
      .sort(compareNumericIds)
      .at(-1);
  return { items, ...(next ? { next } : {}), ...(newest ? { newest } : {}) };
}

/**
 * Emits items oldest first, moving the cursor past each one only after its events were emitted: a
 * crash or a failing `emit` leaves the cursor before the item, so it is fetched again (no miss), and
 * an item at or before the cursor is never emitted again (no double, even across restarts).
 */
async function emitInOrder(
  deps: PollDeps,
  key: string,
  items: Item[],
  emit: (e: InboundEvent) => Promise<void>,
): Promise<number> {
  const unique = new Map(items.map((i) => [i.id, i]));
  const ordered = [...unique.values()].sort((a, b) => compareNumericIds(a.id, b.id));
  let count = 0;
  for (const item of ordered) {
    let events: InboundEvent[] = [];
    try {
      events = deps.parse(item.page);
    } catch (error) {
      if ((error as { code?: string }).code !== 'WEBHOOK_PARSE') throw error;
      await deps.onRejected(error as WebhookParseError, item.page);
    }
    for (const event of events) {
      await emit(event);
      count++;
    }
    await deps.cursors.set(key, item.id);
  }
  return count;
}

/**
 * One poll of `GET /2/dm_events` (newest first): reads pages with `pagination_token` until it reaches
 * the stored cursor, then emits what is newer, oldest first.
 */
export async function pollDmEvents(
  deps: PollDeps,
  emit: (e: InboundEvent) => Promise<void>,
): Promise<number> {
  const cursor = await deps.cursors.get(DM_CURSOR);
  const fresh: Item[] = [];
  let token: string | undefined;
  for (let pages = 0; pages < deps.maxPages; pages++) {
    const query = token ? { ...DM_QUERY, pagination_token: token } : DM_QUERY;
    const page = await deps.call('GET /2/dm_events', () => deps.client.v2.get('dm_events', query));
    const { items, next, newest } = itemsOf(page);
    if (!cursor && !deps.backfill) {
      // First start without backfill: remember where "now" is and emit nothing older.
      if (newest) await deps.cursors.set(DM_CURSOR, newest);
      return 0;
    }
    let reachedCursor = false;
    for (const item of items) {
      if (cursor && compareNumericIds(item.id, cursor) <= 0) reachedCursor = true;
      else fresh.push(item);
    }
    if (reachedCursor || !next) break;
    token = next;
  }
  return emitInOrder(deps, DM_CURSOR, fresh, emit);
}

/** One poll of `GET /2/users/:id/mentions` with `since_id` = the cursor: public mentions and replies. */
export async function pollMentions(
  deps: PollDeps,
  emit: (e: InboundEvent) => Promise<void>,
): Promise<number> {
  const cursor = await deps.cursors.get(MENTIONS_CURSOR);
  const fresh: Item[] = [];
  let token: string | undefined;
  for (let pages = 0; pages < deps.maxPages; pages++) {
    const query: Record<string, string | number> = { ...MENTIONS_QUERY };
    if (cursor) query.since_id = cursor;
    if (token) query.pagination_token = token;
    const page = await deps.call('GET /2/users/:id/mentions', () =>
      deps.client.v2.get(`users/${deps.userId}/mentions`, query),
    );
    const { items, next, newest } = itemsOf(page);
    if (!cursor && !deps.backfill) {
      if (newest) await deps.cursors.set(MENTIONS_CURSOR, newest);
      return 0;
    }
    fresh.push(...items.filter((i) => !cursor || compareNumericIds(i.id, cursor) > 0));
    if (!next) break;
    token = next;
  }
  return emitInOrder(deps, MENTIONS_CURSOR, fresh, emit);
}
