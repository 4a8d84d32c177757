/**
 * RFC 5256 section 2.1 base subjects: "Re: [list] Fwd: Hello (fwd)" → "hello" (compared
 * case-insensitively), and whether the subject marked a reply or forward.
 */
export interface BaseSubject {
  base: string;
  isReply: boolean;
}

const TRAILER = /\s*\(fwd\)\s*$/i;
// subj-leader: *subj-blob subj-refwd, where subj-refwd = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":".
const LEADER = /^(?:\[[^[\]]{0,200}\]\s*)*(?:re|fwd?)\s*(?:\[[^[\]]{0,200}\])?\s*:\s*/i;
const BLOB = /^\[[^[\]]{0,200}\]\s*/;

export function baseSubject(subject: string | undefined): BaseSubject {
  let s = (subject ?? '').replace(/\s+/g, ' ').trim();
  let isReply = false;
  for (let guard = 0; guard < 100; guard++) {
    const before = s;
    // (2) trailers
    while (TRAILER.test(s)) {
      s = s.replace(TRAILER, '');
      isReply = true;
    }
    // (3) + (4) leaders and blobs, repeated
    for (let inner = 0; inner < 100; inner++) {
      const start = s;
      const leader = LEADER.exec(s);
      if (leader) {
        s = s.slice(leader[0].length);
        isReply = true;
      } else if (s.startsWith(' ')) s = s.trimStart();
      const blob = BLOB.exec(s);
      if (blob && blob[0].length < s.length) s = s.slice(blob[0].length);
      if (s === start) break;
    }
    // (6) "[fwd: subject]"
    if (/^\[fwd:/i.test(s) && s.endsWith(']')) {
      s = s.slice(5, -1).trim();
      isReply = true;
    }
    if (s === before) break;
  }
  return { base: s.toLowerCase(), isReply };
}
