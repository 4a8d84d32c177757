// Characters the stores cannot keep as they are: PostgreSQL text and jsonb hold no U+0000, and
// UTF-8 has no half surrogate pair. Both become U+FFFD there.
// biome-ignore lint/suspicious/noControlCharactersInRegex: U+0000 is what it looks for.
const SUSPECT = /[\u0000\uD800-\uDFFF]/;

/**
 * `text` as every store keeps it: U+0000 and each half of a surrogate pair without its other half
 * replaced by U+FFFD (a whole pair, an emoji, stays). The hub applies it to what it compares and
 * looks up by (identities, channels, external ids, thread keys), so a key reads back equal to
 * itself on every store and one customer does not become two.
 *
 * @example
 * ```ts
 * wellFormed('a\u0000b'); // 'a\uFFFDb'
 * wellFormed('x\uD83D'); // 'x\uFFFD' (the first half of an emoji, cut off)
 * ```
 */
export function wellFormed(text: string): string {
  if (!SUSPECT.test(text)) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) out += '\uFFFD';
    else if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += text[i]! + text[i + 1]!;
        i++;
      } else out += '\uFFFD';
    } else if (c >= 0xdc00 && c <= 0xdfff) out += '\uFFFD';
    else out += text[i]!;
  }
  return out;
}
