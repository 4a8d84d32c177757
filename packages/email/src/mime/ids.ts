/**
 * Message-ID handling shared by parsing, threading and sending. Ids are kept case-sensitive (RFC 5322
 * says the left part is), with the angle brackets and surrounding white space removed.
 */

/** `<a@b> ` → `a@b`. Returns '' for an empty or bracket-only value. */
export function normalizeMessageId(id: string): string {
  let s = id.trim();
  if (s.startsWith('<')) s = s.slice(1);
  if (s.endsWith('>')) s = s.slice(0, -1);
  return s.trim();
}

/**
 * Every `<…>` id of a References / In-Reply-To header, in order, without duplicates. Headers that
 * carry bare ids (no brackets, seen from broken clients) are split on white space instead. Bounded:
 * a hostile header cannot produce more than `max` ids.
 */
export function parseIdList(value: string | undefined, max = 512): string[] {
  if (!value) return [];
  const ids: string[] = [];
  const seen = new Set<string>();
  const push = (raw: string) => {
    const id = normalizeMessageId(raw);
    if (id && !/\s/.test(id) && !seen.has(id) && ids.length < max) {
      seen.add(id);
      ids.push(id);
    }
  };
  // Linear scan: no regex backtracking on hostile input.
  let start = value.indexOf('<');
  if (start < 0) {
    for (const word of value.split(/\s+/)) if (word.includes('@')) push(word);
    return ids;
  }
  while (start >= 0 && ids.length < max) {
    const end = value.indexOf('>', start + 1);
    if (end < 0) break;
    push(value.slice(start + 1, end));
    start = value.indexOf('<', end + 1);
  }
  return ids;
}

/** The thread key of a Message-ID: `email:<id>`. */
export function emailThreadKey(messageId: string): string {
  return `email:${normalizeMessageId(messageId)}`;
}

/** `<id>` for headers. */
export function bracket(id: string): string {
  return `<${normalizeMessageId(id)}>`;
}
