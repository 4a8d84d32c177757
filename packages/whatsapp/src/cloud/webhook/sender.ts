import type { Identity, IdentityLink, JsonValue } from '@omnithread/core';
import { validIdentity } from '../../shared/identity.js';
import { nonEmpty, type Obj, obj, str } from '../../shared/json.js';

/** Who a Cloud API message is from: the identity to file it under, the links the payload vouches for, display data. */
export interface CloudSender {
  identity: Identity;
  links: IdentityLink[];
  name?: string;
  metadata: Record<string, JsonValue>;
}

const BOTH = 'WhatsApp Cloud payload carried both the wa_id and the business-scoped user id (user_id)';

/** The `contacts[]` entry that describes this sender: matched by wa_id or BSUID, else the only one. */
function contactFor(value: Obj, waId: string | undefined, userId: string | undefined): Obj | undefined {
  const list = value.contacts;
  if (!Array.isArray(list)) return undefined;
  let only: Obj | undefined;
  let count = 0;
  for (const item of list) {
    const c = obj(item);
    if (c === undefined) continue;
    if ((waId !== undefined && str(c.wa_id) === waId) || (userId !== undefined && str(c.user_id) === userId))
      return c;
    count++;
    only = c;
  }
  return count === 1 ? only : undefined;
}

/**
 * Resolves the sender of a message (or the customer of an echo). The wa_id is the phone identity
 * (`whatsapp`); the BSUID (`user_id`) is its own kind (`whatsapp-bsuid`). When both are present the
 * provider vouches for the pair: the wa_id is the sender and the BSUID a `provider` link. When the
 * phone is withheld (username users), the BSUID is the sender. Usernames and profile names are
 * display data only.
 */
export function resolveSender(
  value: Obj,
  fields: { waId?: unknown; userId?: unknown; parentUserId?: unknown },
): CloudSender | undefined {
  const rawWaId = str(fields.waId);
  const rawUserId = str(fields.userId);
  const contact = contactFor(value, rawWaId, rawUserId);
  const phone = validIdentity('whatsapp', rawWaId) ?? validIdentity('whatsapp', contact?.wa_id);
  // Username users may come with the BSUID in place of the phone (`from` itself).
  const bsuid =
    validIdentity('whatsapp-bsuid', rawUserId) ??
    validIdentity('whatsapp-bsuid', rawWaId) ??
    validIdentity('whatsapp-bsuid', contact?.user_id);
  const primary = phone ?? bsuid;
  if (!primary) return undefined;
  const links: IdentityLink[] = [];
  if (phone && bsuid) links.push({ identity: bsuid, trust: 'provider', evidence: BOTH });
  const metadata: Record<string, JsonValue> = {};
  const profile = obj(contact?.profile);
  const username = nonEmpty(profile?.username);
  if (username) metadata.username = username;
  const parent = nonEmpty(fields.parentUserId) ?? nonEmpty(contact?.parent_user_id);
  if (parent && validIdentity('whatsapp-bsuid', parent)) metadata.parentUserId = parent;
  if (bsuid) metadata.userId = bsuid.value;
  const name = nonEmpty(profile?.name) ?? username;
  const sender: CloudSender = { identity: primary, links, metadata };
  if (name) sender.name = name;
  return sender;
}

/** Our business number on this change, as an identity, when it is a usable one. */
export function businessIdentity(value: Obj): Identity | undefined {
  const meta = obj(value.metadata);
  return validIdentity('whatsapp', meta?.display_phone_number);
}

/** The business phone number id (our endpoint). */
export function businessEndpoint(value: Obj): string | undefined {
  return nonEmpty(obj(value.metadata)?.phone_number_id);
}
