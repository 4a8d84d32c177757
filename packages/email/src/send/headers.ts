import { bracket, normalizeMessageId } from '../mime/ids.js';

// Reply prefixes of common clients and languages (Re, AW, SV, Antw, VS, Odp), with counters "Re[2]:".
const REPLY_PREFIX = /^\s*(?:re|aw|sv|antw|vs|odp)\s*(?:\[\d{1,4}\])?\s*:\s*/i;

/** "Re: " + the subject, never stacked ("Re: Re:" and "RE: AW:" become one "Re:"); "Fwd:" is kept. */
export function replySubject(subject: string | undefined): string {
  let rest = (subject ?? '').trim();
  for (let guard = 0; guard < 50 && REPLY_PREFIX.test(rest); guard++) rest = rest.replace(REPLY_PREFIX, '');
  return rest ? `Re: ${rest}` : 'Re:';
}

/**
 * Threading headers of a reply (RFC 5322 section 3.6.4): In-Reply-To names the message answered,
 * References carries the thread's ids, oldest first, ending with it. Keys that are not email keys
 * (another channel's ids) are skipped.
 */
export function threadingHeaders(
  threadKeys: readonly string[],
  replyToId?: string,
): { inReplyTo?: string; references: string[] } {
  const ids: string[] = [];
  for (const key of threadKeys) {
    if (!key.startsWith('email:')) continue;
    const id = normalizeMessageId(key.slice(6));
    if (id && !ids.includes(id)) ids.push(id);
  }
  const parent = replyToId ? normalizeMessageId(replyToId) : ids.at(-1);
  if (parent) {
    const at = ids.indexOf(parent);
    if (at >= 0) ids.splice(at, 1);
    ids.push(parent);
  }
  // Keep References bounded (RFC 5322 recommends trimming): the first id and the most recent ones.
  const references = ids.length > 20 ? [ids[0]!, ...ids.slice(-19)] : ids;
  return parent ? { inReplyTo: bracket(parent), references: references.map(bracket) } : { references: [] };
}
