import type { Identity } from '@omnithread/core';
import { validIdentity } from '../shared/identity.js';

/** Thread key of a group chat: every message of the group shares it, so the group is one conversation. */
export const groupKey = (groupId: string) => `whatsapp-group:${groupId.replace(/@g\.us$/, '')}`;

export const isGroupId = (id: string | undefined) => typeof id === 'string' && id.endsWith('@g.us');

/**
 * The identity behind a whatsapp-web.js id: `…@c.us` (and `…@s.whatsapp.net`) is a phone (`whatsapp`),
 * `…@lid` a privacy id (`whatsapp-lid`, never assumed to be a phone), `…@g.us` a group.
 */
export function identityOfJid(jid: string | undefined): Identity | undefined {
  if (!jid) return undefined;
  // Device suffixes (`123:4@c.us`) name one of the person's devices, not another person.
  const bare = jid.replace(/:\d+@/, '@');
  if (/@(c\.us|s\.whatsapp\.net)$/.test(bare)) return validIdentity('whatsapp', bare);
  if (bare.endsWith('@lid')) return validIdentity('whatsapp-lid', bare);
  if (bare.endsWith('@g.us')) return { kind: 'whatsapp-group', value: bare.slice(0, -'@g.us'.length) };
  return undefined;
}

/** The chat id whatsapp-web.js wants for an identity. */
export function jidOfIdentity(identity: Identity): string | undefined {
  switch (identity.kind) {
    case 'whatsapp':
      return `${identity.value.replace(/^\+/, '')}@c.us`;
    case 'phone':
      return `${identity.value.replace(/^\+/, '')}@c.us`;
    case 'whatsapp-lid':
      return `${identity.value}@lid`;
    case 'whatsapp-group':
      return `${identity.value}@g.us`;
    default:
      return undefined;
  }
}
