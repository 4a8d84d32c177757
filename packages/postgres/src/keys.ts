import { createHash } from 'node:crypto';
import { textParam } from './encoding.js';

// Thread keys, channels and external ids are the caller's text, of any length: a Message-ID of a few
// thousand characters is all it takes. A btree index entry holds at most 2,704 bytes (after
// compression), so a longer key failed the ingest with "index row size exceeds btree maximum". In
// the indexed columns a long key is therefore kept as its SHA-256; the record's own jsonb keeps the
// text whole. Lookups and writes go through `keyParam`, so both sides always meet in the same form.

/** Longest key, in UTF-8 bytes, kept as it is: a channel and an external id together fit one entry. */
export const MAX_KEY_BYTES = 1000;

/** What begins a digest form. A shorter key that begins so is digested too, so no two keys meet. */
const DIGEST_MARK = '\u0001sha256:';

/** The same digest form in SQL, for the migration that rewrote keys stored before it. */
export const DIGEST_SQL = (column: string) =>
  `chr(1) || 'sha256:' || encode(sha256(convert_to(${column}, 'UTF8')), 'hex')`;
/** SQL that is true for a stored value that needs its digest form. */
export const NEEDS_DIGEST_SQL = (column: string) =>
  `(octet_length(${column}) > ${MAX_KEY_BYTES} OR left(${column}, ${DIGEST_MARK.length}) = chr(1) || 'sha256:')`;

/** A key (already through `textParam`) as an indexed column holds it. */
export function storedKey(key: string): string {
  // Three UTF-8 bytes at most for each UTF-16 unit: most keys need no count.
  const short = key.length * 3 <= MAX_KEY_BYTES || Buffer.byteLength(key, 'utf8') <= MAX_KEY_BYTES;
  if (short && !key.startsWith(DIGEST_MARK)) return key;
  return `${DIGEST_MARK}${createHash('sha256').update(key, 'utf8').digest('hex')}`;
}

/** A caller's key as an indexed column holds it: as text keeps it, then digested when long. */
export const keyParam = (key: string): string => storedKey(textParam(key));
