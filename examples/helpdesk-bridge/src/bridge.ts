import {
  ConfigurationError,
  type Contact,
  type Conversation,
  type Hub,
  isOmnithreadError,
  isPayloadTooLargeError,
  isWebhookParseError,
  isWebhookVerificationError,
  type Message,
  readBody,
} from '@omnithread/core';
import { parseAgentReply } from './agent-reply.js';
import type { AddMessage, AgentReplyResult, AgentReplyWebhook } from './contract.js';
import type { HelpdeskClient } from './helpdesk-client.js';
import { memorySeenDeliveries, type SeenDeliveries } from './seen-deliveries.js';
import { DEFAULT_TOLERANCE_SECONDS, verifyHelpdeskSignature } from './signature.js';

/** How long a reply stays claimed by default: helpdesks commonly redeliver for up to three days. */
export const DEFAULT_REMEMBER_DELIVERIES_SECONDS = 3 * 24 * 3600;

export interface BridgeOptions {
  hub: Hub;
  helpdesk: HelpdeskClient;
  /** The secret the helpdesk signs its webhooks with (X-Helpdesk-Signature). */
  webhookSecret: string;
  /**
   * How far a webhook's X-Helpdesk-Timestamp may be from our clock, either way, in seconds: older
   * requests are refused as replays, later ones as forged or from a skewed clock. Default 300.
   */
  toleranceSeconds?: number;
  /** Our clock in ms, for the timestamp check. Default `Date.now`. */
  now?: () => number;
  /**
   * The record of webhook deliveries already acted on. Pass one shared by every bridge process
   * (Redis, your database: see seen-deliveries.ts) so that a replay or a redelivery is refused after
   * a restart or by another instance too. Default: in this process only.
   */
  seenDeliveries?: SeenDeliveries;
  /**
   * How long a reply stays claimed once acted on, in seconds: at least as long as your helpdesk
   * redelivers a webhook it got no answer to (each redelivery is signed afresh, so the timestamp
   * window does not stop it). Default 3 days.
   */
  rememberDeliveriesSeconds?: number;
  /**
   * Answers this process keeps (the newest), so a redelivery of a reply it handled gets the same
   * answer again. Default 10 000.
   */
  maxRememberedAnswers?: number;
  /** Largest webhook body read, in bytes; a larger one is answered 413 unread. Default 256 KiB. */
  maxBodyBytes?: number;
  /** A forward given up on after `maxAttempts`. Default: console.error. */
  onError?: (error: unknown, what: string) => void;
  /**
   * Attempts of one forward (each itself retried by the helpdesk client) before giving up. The queue
   * waits meanwhile, so a helpdesk outage delays events instead of reordering or dropping them.
   * Default 8.
   */
  maxAttempts?: number;
  /** First wait between attempts, doubled each time up to a minute. Default 1 s. */
  retryDelayMs?: number;
}

export interface Bridge {
  /** The helpdesk's agent-reply webhook: verify, then send through the hub. Mount at `POST /helpdesk/webhook`. */
  handleWebhook(request: Request): Promise<Response>;
  /** Resolves when every event received so far has been forwarded (or given up on). */
  idle(): Promise<void>;
  /** Stops listening to the hub. */
  stop(): void;
}

/**
 * What identifies a delivery: the reply's id, not the signature. The helpdesk signs each redelivery
 * afresh (a new timestamp, so a new signature): keyed on the signature, a redelivery reaching
 * another process, or arriving after a restart, would send the reply again. The reply id is inside
 * the signed body, so a replayer cannot change it, and it names the thing that must happen once.
 * (The signature would be the key for a contract whose payload had no stable id.)
 */
const deliveryKey = (event: AgentReplyWebhook) => `${event.type}:${event.reply.id}`;

type AgentReplyAnswer = { status: number; body: AgentReplyResult };

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** Every refusal has the shape of a reply that was not sent, so the helpdesk reads one kind of answer. */
const refusal = (status: number, code: string, message: string, path?: string) =>
  json(status, {
    sent: false,
    error: { code, message, ...(path !== undefined ? { path } : {}) },
  } satisfies AgentReplyResult);

function transcriptLines(message: Message): string[] | undefined {
  return message.transcript?.turns.map((t) => `${t.speaker}: ${t.text}`);
}

/**
 * Connects a hub to an existing helpdesk: every new message and delivery status, from every channel,
 * becomes a ticket message or event (one ticket per conversation), and agent replies written in the
 * helpdesk go out through `hub.reply` on the customer's last channel (or the one the agent chose).
 *
 * Forwarding runs in the background, in order, off the hub's listeners (they never wait on the
 * helpdesk); every request is idempotent, so retries (ours, or a provider redelivering a webhook)
 * never duplicate anything in the helpdesk.
 */
/** Settings that would quietly weaken the webhook check are refused at creation. */
function checkWebhookSettings(options: BridgeOptions): void {
  // An empty key is a key anyone has: every forged webhook would verify.
  if (typeof options.webhookSecret !== 'string' || options.webhookSecret === '')
    throw new ConfigurationError('webhookSecret', 'webhookSecret is required (the helpdesk signs with it)');
  // NaN would make every timestamp pass the window check.
  for (const setting of ['toleranceSeconds', 'rememberDeliveriesSeconds'] as const) {
    const value = options[setting];
    if (value !== undefined && !(Number.isFinite(value) && value > 0))
      throw new ConfigurationError(setting, `${setting} must be a positive number, not ${value}`);
  }
  for (const setting of ['maxBodyBytes', 'maxRememberedAnswers'] as const) {
    const value = options[setting];
    if (value !== undefined && !(Number.isInteger(value) && value > 0))
      throw new ConfigurationError(setting, `${setting} must be a positive integer, not ${value}`);
  }
}

export function createBridge(options: BridgeOptions): Bridge {
  checkWebhookSettings(options);
  const { hub, helpdesk } = options;
  const onError =
    options.onError ?? ((error, what) => console.error(`[helpdesk-bridge] ${what} failed`, error));
  const tickets = new Map<string, Promise<string>>();
  const seenDeliveries = options.seenDeliveries ?? memorySeenDeliveries({ now: options.now });
  /** First answers by delivery key (the newest only), so a redelivery here gets the same answer. */
  const answers = new Map<string, Promise<AgentReplyAnswer>>();
  const maxRememberedAnswers = options.maxRememberedAnswers ?? 10_000;
  /** Our outbound message id → the helpdesk reply it came from. */
  const replyRefs = new Map<string, string>();
  /** Replies being sent, by conversation: forwards of that conversation wait for the reply's mapping. */
  const replying = new Map<string, Promise<unknown>>();
  const forwarded = new Set<string>();
  let queue: Promise<void> = Promise.resolve();

  const toleranceSeconds = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const rememberMs = (options.rememberDeliveriesSeconds ?? DEFAULT_REMEMBER_DELIVERIES_SECONDS) * 1000;
  const now = options.now ?? Date.now;
  const maxAttempts = options.maxAttempts ?? 8;
  const retryDelayMs = options.retryDelayMs ?? 1000;
  const enqueue = (what: string, job: () => Promise<void>) => {
    queue = queue.then(async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await job();
        } catch (error) {
          if (attempt >= maxAttempts) return onError(error, what);
          await new Promise((r) => setTimeout(r, Math.min(retryDelayMs * 2 ** (attempt - 1), 60_000)));
        }
      }
    });
  };

  function ticketFor(conversation: Conversation, contact: Contact | undefined): Promise<string> {
    let ticket = tickets.get(conversation.id);
    if (!ticket) {
      const channel = conversation.channels[0] ?? 'unknown';
      const name = contact?.name ?? contact?.identities[0]?.value ?? 'a customer';
      ticket = helpdesk
        .createTicket({
          externalRef: conversation.id,
          subject: conversation.subject ?? `${channel} conversation with ${name}`,
          requester: {
            ...(contact?.name ? { name: contact.name } : {}),
            contactRef: contact?.id ?? conversation.contactIds[0] ?? '',
            addresses: (contact?.identities ?? []).map(({ kind, value }) => ({ kind, value })),
          },
          channel,
        })
        .then((created) => created.id);
      // A failed creation is retried by the next event of the conversation.
      ticket.catch(() => tickets.delete(conversation.id));
      tickets.set(conversation.id, ticket);
    }
    return ticket;
  }

  async function forwardMessage(message: Message, conversation: Conversation, contact: Contact | undefined) {
    await replying.get(conversation.id);
    const ticketId = await ticketFor(conversation, contact);
    const body: AddMessage = {
      externalRef: message.id,
      direction: message.direction,
      channel: message.channel,
      from: message.from,
      sentAt: message.sentAt,
      text: message.newText ?? message.text,
      attachments: message.attachments.map((a) => ({
        ...(a.filename ? { filename: a.filename } : {}),
        contentType: a.contentType,
        size: a.size,
      })),
      status: message.status,
      placement: message.placement,
    };
    if (message.subject) body.subject = message.subject;
    const transcript = transcriptLines(message);
    if (transcript) body.transcript = transcript;
    const replyRef = replyRefs.get(message.id);
    if (replyRef) body.replyRef = replyRef;
    await helpdesk.addMessage(ticketId, body);
    forwarded.add(message.id);
  }

  async function ticketOf(message: Message): Promise<string> {
    await replying.get(message.conversationId);
    const conversation = await hub.conversations.get(message.conversationId);
    const contact = await hub.contacts.get(message.contactId).catch(() => undefined);
    // A reply that failed at the provider was never announced as a message: send it first.
    if (!forwarded.has(message.id)) await forwardMessage(message, conversation, contact);
    return ticketFor(conversation, contact);
  }

  const unsubscribe = [
    hub.on('message', ({ message, conversation, contact }) =>
      enqueue(`forwarding message ${message.id}`, () => forwardMessage(message, conversation, contact)),
    ),
    hub.on('status', ({ message, status }) =>
      enqueue(`forwarding status ${status} of ${message.id}`, async () => {
        const ticketId = await ticketOf(message);
        const last = message.statusHistory[message.statusHistory.length - 1];
        await helpdesk.addEvent(ticketId, {
          type: 'status',
          messageRef: message.id,
          status,
          at: last?.at ?? new Date().toISOString(),
          ...(last?.error ? { error: last.error.message } : {}),
        });
      }),
    ),
    // A call's transcript (it arrives after the call), edits, deletions and reactions.
    hub.on('message.updated', ({ message, cause }) =>
      enqueue(`forwarding ${cause} of ${message.id}`, async () => {
        const ticketId = await ticketOf(message);
        const transcript = transcriptLines(message);
        await helpdesk.addEvent(ticketId, {
          type: 'message.updated',
          messageRef: message.id,
          cause,
          at: new Date().toISOString(),
          text: message.newText ?? message.text,
          ...(transcript ? { transcript } : {}),
          ...(message.deletedAt ? { deleted: true } : {}),
        });
      }),
    ),
  ];

  async function sendAgentReply(event: AgentReplyWebhook): Promise<AgentReplyAnswer> {
    const conversationId = event.ticket.externalRef;
    const sending = hub.reply(
      conversationId,
      { text: event.reply.text },
      event.reply.channel ? { channel: event.reply.channel } : {},
    );
    const settled = sending.then(
      (message) => void replyRefs.set(message.id, event.reply.id),
      () => undefined,
    );
    replying.set(conversationId, settled);
    try {
      const message = await sending;
      return {
        status: 200,
        body: { sent: true, messageRef: message.id, channel: message.channel, status: message.status },
      };
    } catch (error) {
      if (!isOmnithreadError(error)) throw error;
      // Refused before or by the provider (opted out, window closed, no address, provider error).
      const status = error.code === 'NOT_FOUND' ? 404 : error.code === 'SEND_FAILED' ? 502 : 409;
      return { status, body: { sent: false, error: { code: error.code, message: error.message } } };
    } finally {
      await settled;
      if (replying.get(conversationId) === settled) replying.delete(conversationId);
    }
  }

  /** Sends the reply unless a process sharing the store has already claimed this delivery. */
  async function sendOnce(event: AgentReplyWebhook, key: string, expiresAt: Date): Promise<AgentReplyAnswer> {
    if (!(await seenDeliveries.claim(key, expiresAt)))
      return {
        status: 409,
        body: {
          sent: false,
          error: {
            code: 'DUPLICATE',
            message: `reply ${event.reply.id} was already received (by another bridge process, before a restart, or by an attempt that failed midway); it is not sent again`,
          },
        },
      };
    return sendAgentReply(event);
  }

  return {
    async handleWebhook(request) {
      if (request.method !== 'POST') return refusal(405, 'METHOD_NOT_ALLOWED', 'POST only');
      let raw: string;
      try {
        raw = await readBody(request, { maxBytes: options.maxBodyBytes ?? 256 * 1024 });
      } catch (error) {
        if (isPayloadTooLargeError(error)) return refusal(413, error.code, error.message);
        // The client went away or sent a broken stream: nothing to act on.
        return refusal(400, 'BAD_REQUEST', 'the body could not be read');
      }
      let timestamp: number;
      try {
        timestamp = verifyHelpdeskSignature(request.headers, raw, {
          secret: options.webhookSecret,
          toleranceSeconds,
          nowMs: now(),
        });
      } catch (error) {
        if (!isWebhookVerificationError(error)) throw error;
        return refusal(401, error.code, error.message);
      }
      let event: AgentReplyWebhook;
      try {
        event = parseAgentReply(raw);
      } catch (error) {
        if (!isWebhookParseError(error)) throw error;
        return refusal(400, error.code, error.message, error.path);
      }
      const key = deliveryKey(event);
      let answer = answers.get(key);
      if (!answer) {
        // Claimed for as long as the helpdesk may redeliver it (signed afresh), and at least until a
        // replay of this very request is refused by its timestamp.
        const until = Math.max(now() + rememberMs, (timestamp + toleranceSeconds) * 1000);
        answer = sendOnce(event, key, new Date(until));
        if (answers.size >= maxRememberedAnswers) answers.delete(answers.keys().next().value!);
        answers.set(key, answer);
        // A crash (not a refusal) may be retried by the helpdesk: if the claim failed nothing was
        // done and the retry goes through; after it, the retry is answered as a duplicate (the
        // reply may have left: at most once beats twice to a customer).
        answer.catch(() => answers.delete(key));
      }
      try {
        const { status, body } = await answer;
        return json(status, body);
      } catch (error) {
        onError(error, `agent reply ${event.reply.id}`);
        return refusal(500, 'INTERNAL', 'the reply could not be sent');
      }
    },
    async idle() {
      let seen: Promise<void>;
      do {
        seen = queue;
        await seen;
      } while (seen !== queue);
    },
    stop() {
      for (const off of unsubscribe) off();
    },
  };
}
