import { createInboxClock, memoryOutbox, sandboxAdapters } from '@omnithread/cli/inbox';
import { createHub, type Hub, memoryStore } from '@omnithread/core';
import { type BridgeOptions, createBridge } from '../src/bridge.js';
import { helpdeskClient } from '../src/helpdesk-client.js';

export const SECRET = 'test-helpdesk-secret';
/** A fixed "now" for the bridge's clock, so timestamps are exact, not racing the wall clock. */
export const NOW_MS = Date.UTC(2025, 5, 1, 12, 0, 0);
export const NOW = NOW_MS / 1000;

export const replyBody = (replyId = 'R-1', externalRef = 'cv_unknown') =>
  JSON.stringify({
    type: 'reply.created',
    ticket: { id: 'T-1', externalRef },
    reply: { id: replyId, text: 'hi' },
  });

/** A POST to the bridge's webhook with exactly these headers (none added). */
export function webhookRequest(body: BodyInit, headers: Record<string, string> = {}): Request {
  return new Request('http://bridge.test/helpdesk/webhook', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
}

/**
 * A bridge on an empty hub (no conversation, so a verified reply answers 404 without sending), with
 * the hub's `reply` calls recorded: a refused webhook must not reach it.
 */
export function bareBridge(options: Partial<BridgeOptions> = {}) {
  const clock = createInboxClock();
  const hub = createHub({ store: memoryStore(), adapters: sandboxAdapters(memoryOutbox(), clock), clock });
  const replies: Array<Parameters<Hub['reply']>> = [];
  const counted: Hub = {
    ...hub,
    reply(...args) {
      replies.push(args);
      return hub.reply(...args);
    },
  };
  const bridge = createBridge({
    hub: counted,
    // No event reaches the helpdesk here: nothing happens on the hub.
    helpdesk: helpdeskClient({ baseUrl: 'http://127.0.0.1:9', retries: 0 }),
    webhookSecret: SECRET,
    now: () => NOW_MS,
    ...options,
  });
  return {
    bridge,
    replies,
    async close() {
      bridge.stop();
      await hub.close();
    },
  };
}
