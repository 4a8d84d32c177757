/**
 * Which helpdesk webhook deliveries were already acted on, shared by every bridge process, so that a
 * replay or a redelivery (signed afresh, so past the timestamp check) is refused after a restart or
 * on another instance too. Only verified (signed, in-window) deliveries are claimed: a stranger
 * cannot fill it.
 *
 * In production, one atomic write per claim:
 * - Redis (6.2+): `SET <prefix><id> 1 NX PXAT <expiresAt ms>` → claimed when the answer is `OK`.
 * - SQL: `INSERT INTO seen_deliveries (id, expires_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING`
 *   → claimed when one row was inserted; delete rows past `expires_at` now and then.
 */
export interface SeenDeliveries {
  /**
   * Records `id` until `expiresAt`. True when it was not recorded yet (the caller acts on the
   * delivery), false when it already was (a replay or a redelivery: do not act again). Must be atomic
   * across every process sharing the store. It may keep ids longer than asked, never shorter.
   */
  claim(id: string, expiresAt: Date): Promise<boolean>;
}

export interface MemorySeenDeliveriesOptions {
  /** The clock, in ms; inject one in tests. Default `Date.now`. */
  now?: () => number;
  /** Most ids kept; past it the oldest claim is forgotten first. Default 100,000. */
  maxIds?: number;
}

/**
 * The default: a Map in this process, each id dropped once past its `expiresAt` (the bridge claims
 * a reply for `rememberDeliveriesSeconds`, three days by default), and the oldest dropped first past
 * `maxIds`, so memory stays bounded. Right for a single bridge process that is never restarted.
 */
export function memorySeenDeliveries(
  options: MemorySeenDeliveriesOptions = {},
): SeenDeliveries & { readonly size: number } {
  const now = options.now ?? Date.now;
  const maxIds = options.maxIds ?? 100_000;
  const expiries = new Map<string, number>();
  return {
    async claim(id, expiresAt) {
      const at = now();
      // Ids arrive in about the order they expire (each a fixed time after its claim), so sweeping
      // from the oldest to the first live one drops nearly every expired id.
      for (const [seen, expiry] of expiries) {
        if (expiry >= at) break;
        expiries.delete(seen);
      }
      const expiry = expiries.get(id);
      if (expiry !== undefined && expiry >= at) return false;
      expiries.delete(id);
      if (expiries.size >= maxIds) expiries.delete(expiries.keys().next().value!);
      expiries.set(id, expiresAt.getTime());
      return true;
    },
    get size() {
      return expiries.size;
    },
  };
}
