/**
 * Which helpdesk webhook deliveries were already acted on, shared by every bridge process, so that a
 * replay inside the signature's tolerance window is refused after a restart or on another instance
 * too. Only verified (signed, in-window) deliveries are claimed: a stranger cannot fill it.
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
}

/**
 * The default: a Map in this process, each id dropped once past its `expiresAt` (the end of the
 * tolerance window, after which the timestamp check refuses a replay anyway), so it holds the
 * deliveries of a few windows at most. Right for a single bridge process that is never restarted.
 */
export function memorySeenDeliveries(
  options: MemorySeenDeliveriesOptions = {},
): SeenDeliveries & { readonly size: number } {
  const now = options.now ?? Date.now;
  const expiries = new Map<string, number>();
  return {
    async claim(id, expiresAt) {
      const at = now();
      // Ids arrive in about the order they expire (each one window after its timestamp, which is
      // within a window of now), so sweeping from the oldest to the first live one leaves at most
      // two windows' worth of expired ids behind it: the map stays bounded.
      for (const [seen, expiry] of expiries) {
        if (expiry >= at) break;
        expiries.delete(seen);
      }
      const expiry = expiries.get(id);
      if (expiry !== undefined && expiry >= at) return false;
      expiries.delete(id);
      expiries.set(id, expiresAt.getTime());
      return true;
    },
    get size() {
      return expiries.size;
    },
  };
}
