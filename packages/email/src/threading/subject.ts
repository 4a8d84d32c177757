/**
 * RFC 5256 section 2.1 base subjects: "Re: [list] Fwd: Hello (fwd)" → "hello" (compared
 * case-insensitively), and whether the subject marked a reply or forward.
 */
export interface BaseSubject {
  base: string;
  isReply: boolean;
}

// Subjects are compared on their first characters only: enough to tell threads apart, and it keeps
// hostile subjects (megabytes of "Re: ") from costing more than a bounded amount of work.
const MAX_SUBJECT = 4096;
// subj-leader: *subj-blob subj-refwd, where subj-refwd = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":".
// Sticky (`y`): matched at a moving position instead of slicing the string each time.
const LEADER = /(?:\[[^[\]]{0,200}\]\s*)*(?:re|fwd?)\s*(?:\[[^[\]]{0,200}\])?\s*:\s*/iy;
const BLOB = /\[[^[\]]{0,200}\]\s*/y;

export function baseSubject(subject: string | undefined): BaseSubject {
  let s = (subject ?? '')
    .slice(0, MAX_SUBJECT * 4)
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, MAX_SUBJECT);
  let isReply = false;
  for (;;) {
    const before = s;
    // (2) trailers "(fwd)"
    while (s.slice(-5).toLowerCase() === '(fwd)') {
      s = s.slice(0, -5).trimEnd();
      isReply = true;
    }
    // (3) leaders and (4) blobs, repeated
    let pos = 0;
    for (;;) {
      if (s[pos] === ' ') {
        pos++;
        continue;
      }
      LEADER.lastIndex = pos;
      const leader = LEADER.exec(s);
      if (leader && leader[0].length > 0) {
        pos += leader[0].length;
        isReply = true;
        continue;
      }
      BLOB.lastIndex = pos;
      const blob = BLOB.exec(s);
      if (blob && pos + blob[0].length < s.length) {
        pos += blob[0].length;
        continue;
      }
      break;
    }
    s = s.slice(pos);
    // (6) "[fwd: subject]"
    if (/^\[fwd:/i.test(s) && s.endsWith(']')) {
      s = s.slice(5, -1).trim();
      isReply = true;
    }
    if (s === before) break;
  }
  return { base: s.toLowerCase(), isReply };
}
