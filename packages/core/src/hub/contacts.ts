import { describeIdentity, identityKey } from '../identity/normalize.js';
import type { Contact } from '../model/contact.js';
import type { ContactIdentity, Identity, IdentityLink, Trust } from '../model/identity.js';
import type { ContactResolution } from '../placement/types.js';
import type { StoreTransaction } from '../store/contract.js';
import { type Engine, liveContact, maxIso, minIso, olderOf, type PendingEmit } from './engine.js';
import { contactLockKey } from './prepare.js';

const trusted = (trust: Trust) => trust !== 'unverified';
const holds = (contact: Contact, identity: Identity) =>
  contact.identities.some((i) => i.kind === identity.kind && i.value === identity.value);

function withIdentity(
  contact: Contact,
  identity: Identity,
  trust: Trust,
  at: string,
  displayName?: string,
): Contact {
  const existing = contact.identities.find((i) => i.kind === identity.kind && i.value === identity.value);
  if (existing) {
    // Display data may change (a new X handle); the id does not.
    if (displayName && existing.displayName !== displayName) {
      return {
        ...contact,
        identities: contact.identities.map((i) => (i === existing ? { ...i, displayName } : i)),
      };
    }
    return contact;
  }
  const entry: ContactIdentity = { kind: identity.kind, value: identity.value, trust, addedAt: at };
  if (displayName) entry.displayName = displayName;
  return { ...contact, identities: [...contact.identities, entry] };
}

function withClaim(contact: Contact, identity: Identity, at: string, evidence?: string): Contact {
  if (contact.claims.some((c) => c.kind === identity.kind && c.value === identity.value)) return contact;
  const claim = evidence ? { ...identity, at, evidence } : { ...identity, at };
  return { ...contact, claims: [...contact.claims, claim] };
}

/**
 * Merges two contacts inside a transaction. The older one survives; the other becomes a tombstone
 * pointing at it; identities, conversations and messages move. Idempotent.
 */
export async function mergeContactsInTx(
  tx: StoreTransaction,
  engine: Engine,
  aId: string,
  bId: string,
  emits: PendingEmit[],
): Promise<Contact> {
  const a = await liveContact(tx, aId);
  const b = await liveContact(tx, bId);
  if (!a || !b) throw new Error(`cannot merge missing contact ${!a ? aId : bId}`);
  if (a.id === b.id) return a;
  await tx.lock([contactLockKey(a.id), contactLockKey(b.id)].sort());
  const [survivor, merged] = olderOf(a, b);
  const now = engine.nowIso();
  let result: Contact = { ...survivor, updatedAt: now };
  for (const i of merged.identities) {
    result = withIdentity(result, i, i.trust, i.addedAt, i.displayName);
  }
  for (const c of merged.claims) result = withClaim(result, c, c.at, c.evidence);
  const consent = { ...merged.consent };
  for (const [channel, value] of Object.entries(survivor.consent)) {
    const other = consent[channel];
    consent[channel] = other && other.at > value.at ? other : value;
  }
  result = {
    ...result,
    consent,
    attributes: { ...merged.attributes, ...survivor.attributes },
    createdAt: minIso(survivor.createdAt, merged.createdAt),
  };
  if (result.name === undefined && merged.name !== undefined) result.name = merged.name;
  const tombstone: Contact = { ...merged, identities: [], mergedInto: survivor.id, updatedAt: now };
  await tx.updateContact(result);
  await tx.updateContact(tombstone);
  await tx.claimIdentityKeys(
    survivor.id,
    merged.identities.map((i) => identityKey(i, engine.identity)),
  );
  await tx.reassignContact(merged.id, survivor.id);
  emits.push(['contact.merged', { survivor: result, merged: tombstone }]);
  return result;
}

/**
 * Attaches `identity` to a contact. If another contact owns it and the link is trusted, the two are
 * merged; an unverified identity is only recorded as a claim and never merges anyone.
 */
export async function linkIdentityInTx(
  tx: StoreTransaction,
  engine: Engine,
  contactId: string,
  identity: Identity,
  trust: Trust,
  emits: PendingEmit[],
  evidence?: string,
): Promise<Contact> {
  const key = identityKey(identity, engine.identity);
  await tx.lock([key]);
  let contact = await liveContact(tx, contactId);
  if (!contact) throw new Error(`contact ${contactId} not found`);
  const at = engine.nowIso();
  if (!trusted(trust)) {
    contact = withClaim(contact, identity, at, evidence);
    await tx.updateContact(contact);
    return contact;
  }
  const owner = (await tx.findContactIdsByIdentityKeys([key])).get(key);
  if (owner !== undefined) {
    const ownerContact = await liveContact(tx, owner);
    if (ownerContact && ownerContact.id !== contact.id) {
      contact = await mergeContactsInTx(tx, engine, contact.id, ownerContact.id, emits);
    }
  }
  const updated = withIdentity(contact, identity, trust, at);
  if (updated !== contact) {
    await tx.updateContact({ ...updated, updatedAt: at });
  }
  // A key this contact already owns needs no write (every WhatsApp message repeats its BSUID link).
  if (owner !== updated.id) await tx.claimIdentityKeys(updated.id, [key]);
  return updated;
}

export interface SenderFacts {
  identity: Identity;
  trust: Trust;
  links: IdentityLink[];
  name?: string;
  at: string;
}

/**
 * Finds or creates the contact behind a sender, then applies the identity links the payload
 * vouches for. Trust levels decide what may merge: only `provider` and `verified` evidence joins
 * existing contacts.
 */
export async function resolveSenderInTx(
  tx: StoreTransaction,
  engine: Engine,
  sender: SenderFacts,
  emits: PendingEmit[],
): Promise<{ contact: Contact; resolution: ContactResolution }> {
  const key = identityKey(sender.identity, engine.identity);
  const trustedLinks = trusted(sender.trust) ? sender.links.filter((l) => trusted(l.trust)) : [];
  const claims = sender.links.filter((l) => !trustedLinks.includes(l));
  const linkKeys = trustedLinks.map((l) => identityKey(l.identity, engine.identity));
  const owners = await tx.findContactIdsByIdentityKeys([key, ...linkKeys]);

  let contact: Contact | undefined;
  let resolution: ContactResolution;
  // Set when a new contact was created holding every trusted link and owning every key.
  let linksHeld = false;
  const ownerId = owners.get(key);
  if (ownerId !== undefined) contact = await liveContact(tx, ownerId);
  if (contact) {
    // Usually the contact holds this very identity; only otherwise is it known by an equivalent one.
    const known = holds(contact, sender.identity)
      ? undefined
      : contact.identities.find((i) => identityKey(i, engine.identity) === key);
    const via = known
      ? `same number as their ${describeIdentity(known)}`
      : `known by ${describeIdentity(sender.identity)}`;
    resolution = { created: false, detail: via };
  } else {
    // An unknown sender whose linked identity is known joins that contact instead of a new one.
    const linkedOwner = trustedLinks.findIndex((_, i) => owners.has(linkKeys[i]!));
    if (linkedOwner >= 0) contact = await liveContact(tx, owners.get(linkKeys[linkedOwner]!)!);
    if (contact) {
      resolution = {
        created: false,
        detail: `known by ${describeIdentity(trustedLinks[linkedOwner]!.identity)}, which the provider ties to ${describeIdentity(sender.identity)}`,
      };
    } else {
      const now = engine.nowIso();
      contact = {
        id: engine.newId('ct'),
        identities: [
          {
            kind: sender.identity.kind,
            value: sender.identity.value,
            trust: sender.trust,
            addedAt: sender.at,
          },
        ],
        claims: [],
        consent: {},
        attributes: {},
        createdAt: sender.at,
        updatedAt: now,
      };
      // No contact owns any of the trusted links (the read above covers their keys), so the new
      // contact takes them at once: what linking each in turn would give, without a second write.
      for (const link of trustedLinks) contact = withIdentity(contact, link.identity, link.trust, now);
      if (sender.name) contact.name = sender.name;
      await tx.insertContact(contact);
      await tx.claimIdentityKeys(contact.id, [...new Set([key, ...linkKeys])]);
      emits.push(['contact.created', { contact }]);
      resolution = { created: true, detail: `new contact for ${describeIdentity(sender.identity)}` };
      linksHeld = true;
    }
  }
  await tx.lock([contactLockKey(contact.id)]);
  let updated = withIdentity(contact, sender.identity, sender.trust, sender.at);
  if (!updated.name && sender.name) updated = { ...updated, name: sender.name };
  if (sender.at < updated.createdAt) updated = { ...updated, createdAt: sender.at };
  for (const claim of claims) updated = withClaim(updated, claim.identity, sender.at, claim.evidence);
  // Write only what changed: a known customer writing again costs no contact write.
  if (updated !== contact)
    await tx.updateContact({ ...updated, updatedAt: maxIso(updated.updatedAt, engine.nowIso()) });
  if (linksHeld) return { contact: updated, resolution };
  if (owners.get(key) !== updated.id) await tx.claimIdentityKeys(updated.id, [key]);

  for (const [i, link] of trustedLinks.entries()) {
    // Most links repeat one the contact already holds (every WhatsApp message carries its BSUID):
    // keys only ever move to the surviving contact, so an owner read above still owns it.
    if (owners.get(linkKeys[i]!) === updated.id && holds(updated, link.identity)) continue;
    updated = await linkIdentityInTx(tx, engine, updated.id, link.identity, link.trust, emits, link.evidence);
  }
  return { contact: updated, resolution };
}
