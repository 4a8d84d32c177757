import { emailThreadKey } from '../mime/ids.js';
import type { Threadable } from './jwz.js';

/**
 * The `explicit-thread` evidence of an email for the core placement engine: its own key
 * `email:<Message-ID>` and the keys of every message it refers to (References, In-Reply-To). With
 * these, the hub joins a reply to its thread whichever arrives first, and merges conversations
 * when a late parent ties them together.
 */
export function emailThreadEvidence(email: Threadable & { messageId: string }): {
  keys: string[];
  refs: string[];
} {
  const own = emailThreadKey(email.messageId);
  const refs = [...(email.references ?? []), ...(email.inReplyTo ?? [])]
    .map(emailThreadKey)
    .filter((k) => k !== own);
  return { keys: [own], refs: [...new Set(refs)] };
}
