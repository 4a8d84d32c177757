const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
const HIDDEN = ['script', 'style', 'head'];

/** Removes `<script>`, `<style>` and `<head>` elements with one forward scan (no backtracking). */
function dropHidden(html: string): string {
  const lower = html.toLowerCase();
  let out = '';
  let at = 0;
  for (;;) {
    let next = -1;
    let tag = '';
    for (const t of HIDDEN) {
      const i = lower.indexOf(`<${t}`, at);
      if (i >= 0 && (next < 0 || i < next)) {
        next = i;
        tag = t;
      }
    }
    if (next < 0) return out + html.slice(at);
    out += html.slice(at, next);
    const close = lower.indexOf(`</${tag}`, next);
    if (close < 0) return out; // unclosed: the rest is inside it
    const end = lower.indexOf('>', close);
    at = end < 0 ? html.length : end + 1;
  }
}

/**
 * Plain text of an HTML body for messages that have no text part: block elements become line
 * breaks, tags go, common entities are decoded. Linear-time (no backtracking patterns).
 */
export function htmlToText(html: string): string {
  return (
    dropHidden(html)
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(/<\/(p|div|li|tr|h[1-6]|blockquote)\s*>/gi, '\n')
      // `[^<>]` (not `[^>]`): a run of "<" without ">" must not rescan the rest of the text each time.
      .replace(/<[^<>]*>/g, '')
      .replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,6});/gi, (m, e: string) => {
        if (e[0] === '#') {
          const code =
            e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number.parseInt(e.slice(1), 10);
          return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
        }
        return ENTITIES[e.toLowerCase()] ?? m;
      })
      .split('\n')
      .map((line) => line.trimEnd())
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim()
  );
}
