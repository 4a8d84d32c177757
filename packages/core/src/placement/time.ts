// Placement compares the same few timestamps again and again (a message's sentAt in every windowed
// rule, a conversation's lastMessageAt for each message), and Date.parse costs a microsecond or two.
const CACHE_LIMIT = 512;
const cache = new Map<string, number>();

/** `Date.parse(iso)`, remembered for recently seen timestamps. */
export function msOf(iso: string): number {
  let ms = cache.get(iso);
  if (ms === undefined) {
    ms = Date.parse(iso);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(iso, ms);
  }
  return ms;
}
