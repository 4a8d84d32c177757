/**
 * The inbox's clock. Normally the wall clock; while the sandbox journey plays, it is pinned to each
 * step's moment so webhooks that carry no time (Twilio's message webhook) and the hub's own stamps
 * land on the journey's "days" instead of all at once.
 */
export interface InboxClock {
  (): Date;
  /** Pins the clock to `at` until `release()`. */
  pin(at: Date): void;
  release(): void;
}

export function createInboxClock(): InboxClock {
  let pinned: Date | undefined;
  const clock = (() => (pinned ? new Date(pinned) : new Date())) as InboxClock;
  clock.pin = (at) => {
    pinned = new Date(at);
  };
  clock.release = () => {
    pinned = undefined;
  };
  return clock;
}
