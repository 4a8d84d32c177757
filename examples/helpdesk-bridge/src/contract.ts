/**
 * The HTTP contract between the bridge and a helpdesk (see README.md). Every write carries an
 * `Idempotency-Key`; the helpdesk answers a repeated key with the first answer, so the bridge can
 * retry any request whose answer it did not get without creating duplicates.
 */

export interface Address {
  kind: string;
  value: string;
}

/** `POST /tickets` — one ticket per Omnithread conversation. Idempotency-Key: `ticket:<conversationId>`. */
export interface CreateTicket {
  /** The Omnithread conversation id: the ticket's key on our side. */
  externalRef: string;
  subject: string;
  requester: { name?: string; contactRef: string; addresses: Address[] };
  /** The channel the conversation started on. */
  channel: string;
}

/** `POST /tickets/:id/messages` — a customer message or a sent reply. Idempotency-Key: `message:<messageId>`. */
export interface AddMessage {
  /** The Omnithread message id. */
  externalRef: string;
  direction: 'inbound' | 'outbound';
  channel: string;
  from: Address;
  sentAt: string;
  text: string;
  subject?: string;
  attachments: Array<{ filename?: string; contentType: string; size: number }>;
  /** A call's transcript, one line a turn (`customer: …`). */
  transcript?: string[];
  status: string;
  /** Why Omnithread put the message in this conversation. */
  placement: { rule: string; reason: string };
  /** For outbound messages sent because of a helpdesk reply: that reply's id. */
  replyRef?: string;
}

/**
 * `POST /tickets/:id/events` — something that happened to a message already on the ticket: a delivery
 * status (Idempotency-Key `status:<messageId>:<status>`), or a change of its content: a call's
 * transcript arriving after the call, an edit, a deletion, a reaction (`update:<messageId>:<content hash>`).
 */
export type AddEvent =
  | { type: 'status'; messageRef: string; status: string; at: string; error?: string }
  | {
      type: 'message.updated';
      messageRef: string;
      cause: 'enrich' | 'edit' | 'reaction' | 'delete';
      at: string;
      text: string;
      transcript?: string[];
      deleted?: boolean;
    };

/** What the helpdesk answers to writes. */
export interface Created {
  id: string;
}

/**
 * The helpdesk's webhook to the bridge when an agent replies: `POST /helpdesk/webhook` with
 * `X-Helpdesk-Timestamp: <unix seconds>` and `X-Helpdesk-Signature: sha256=<hex HMAC-SHA256 of
 * "<timestamp>.<raw body>">` under the shared secret (see signature.ts). The bridge refuses (401) a
 * missing or malformed timestamp, one more than the tolerance (5 minutes) before or after its clock,
 * and a missing or wrong signature. A redelivery is signed afresh, with the time it is sent.
 */
export interface AgentReplyWebhook {
  type: 'reply.created';
  ticket: { id: string; externalRef: string };
  reply: {
    /** Unique across the helpdesk and the same in every redelivery: the bridge sends each id once. */
    id: string;
    text: string /** Send on this channel instead of the customer's last one. */;
    channel?: string;
  };
}

/**
 * The bridge's answer to the webhook: 200 when sent (or already sent for this reply id), 409 when
 * refused, and the same `sent: false` shape for every other refusal (400 with the `path` of the bad
 * field, 401, 404, 413, 500).
 */
export type AgentReplyResult =
  | { sent: true; messageRef: string; channel: string; status: string }
  | { sent: false; error: { code: string; message: string; path?: string } };
