import type { IdentityOptions } from '../identity/normalize.js';
import type { Contact } from '../model/contact.js';
import type { Conversation } from '../model/conversation.js';
import type { Message } from '../model/message.js';
import type { ChannelPolicy, PlacementRule } from '../placement/types.js';
import type { StoreReader } from '../store/contract.js';

/** What the ingest and merge functions need from the hub: settings, the clock, id making. */
export interface Engine {
  identity: IdentityOptions;
  rules: readonly PlacementRule[];
  now(): Date;
  /** `now().toISOString()`, remembered for the same millisecond (turning a Date into text is slow). */
  nowIso(): string;
  newId(prefix: 'ct' | 'cv' | 'msg' | 'rej'): string;
  policy(channel: string, message?: { visibility?: string }): ChannelPolicy;
}

/** Events the hub emits after a transaction commits. */
export interface HubEventMap {
  message: { message: Message; conversation: Conversation; contact: Contact };
  status: { message: Message; status: Message['status'] };
  'message.updated': { message: Message; cause: 'reaction' | 'edit' | 'delete' | 'enrich' };
  'conversation.created': { conversation: Conversation };
  'conversation.merged': { survivor: Conversation; merged: Conversation };
  'contact.created': { contact: Contact };
  'contact.merged': { survivor: Contact; merged: Contact };
  'contact.consent': { contact: Contact; channel: string; optedOut: boolean };
  rejected: { channel: string; error: { code: string; message: string } };
  notice: { channel: string; name: string; raw: unknown };
}
export type HubEventName = keyof HubEventMap;
export type PendingEmit = { [K in HubEventName]: [K, HubEventMap[K]] }[HubEventName];

const MAX_HOPS = 64;

/** Follows `mergedInto` to the surviving contact. */
export async function liveContact(store: StoreReader, id: string): Promise<Contact | undefined> {
  let contact = await store.getContact(id);
  for (let hops = 0; contact?.mergedInto && hops < MAX_HOPS; hops++)
    contact = await store.getContact(contact.mergedInto);
  return contact;
}

/** Follows `mergedInto` to the surviving conversation. */
export async function liveConversation(store: StoreReader, id: string): Promise<Conversation | undefined> {
  let conversation = await store.getConversation(id);
  for (let hops = 0; conversation?.mergedInto && hops < MAX_HOPS; hops++) {
    conversation = await store.getConversation(conversation.mergedInto);
  }
  return conversation;
}

/** The older of two records wins a merge, so the outcome does not depend on the order of merges. */
export function olderOf<T extends { createdAt: string; id: string }>(a: T, b: T): [survivor: T, merged: T] {
  if (a.createdAt < b.createdAt) return [a, b];
  if (b.createdAt < a.createdAt) return [b, a];
  return a.id <= b.id ? [a, b] : [b, a];
}

export const minIso = (a: string, b: string) => (a <= b ? a : b);
export const maxIso = (a: string, b: string) => (a >= b ? a : b);

/**
 * `{ ...base, ...extra }` on the ingest path. On Node 20 a spread literal that adds keys its base
 * lacks takes a slow path in V8 (about 1 µs each, measured); Object.assign does not.
 */
export const withKeys = <A extends object, B extends object>(base: A, extra: B): A & B =>
  Object.assign({}, base, extra);
