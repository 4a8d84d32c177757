import { randomUUID } from 'node:crypto';
import type { AddEvent, AddMessage, AgentReplyResult, AgentReplyWebhook, CreateTicket } from './contract.js';
import { type RunningServer, serve } from './http.js';
import { signedHeaders } from './signature.js';

/**
 * A helpdesk that speaks the contract of README.md, in memory, for local runs and tests: tickets,
 * messages and events with Idempotency-Key handling, and agents' replies sent to the bridge's webhook.
 * It can be told to fail, to show that the bridge's retries never duplicate anything.
 */
export interface MockTicket extends CreateTicket {
  id: string;
  messages: Array<AddMessage & { id: string }>;
  events: Array<AddEvent & { id: string }>;
  replies: Array<{
    id: string;
    text: string;
    channel?: string;
    result?: AgentReplyResult;
    httpStatus?: number;
  }>;
}

export interface MockHelpdeskOptions {
  port?: number;
  /** Where agent replies are posted (the bridge's `/helpdesk/webhook`); can be set later with `connect`. */
  bridgeWebhookUrl?: string;
  webhookSecret: string;
  /** Bearer token the API requires, when set. */
  token?: string;
}

export interface MockHelpdesk extends RunningServer {
  tickets(): MockTicket[];
  ticketByRef(externalRef: string): MockTicket | undefined;
  /** Every write request received, retries included, by Idempotency-Key. */
  writes: Map<string, number>;
  /**
   * Makes the next `count` writes fail: `before` answers 503 without storing anything; `after`
   * stores, then answers 500 as if the answer was lost on the way back.
   */
  failNext(count: number, mode: 'before' | 'after'): void;
  connect(bridgeWebhookUrl: string): void;
  /** What an agent does in the helpdesk UI: writes a reply, which the helpdesk posts to the bridge. */
  agentReply(ticketId: string, text: string, channel?: string): Promise<MockTicket['replies'][number]>;
  /** Posts an existing reply's webhook again (helpdesks redeliver when unsure). */
  redeliverReply(ticketId: string, replyId: string): Promise<{ status: number; body: AgentReplyResult }>;
}

export async function startMockHelpdesk(options: MockHelpdeskOptions): Promise<MockHelpdesk> {
  const tickets = new Map<string, MockTicket>();
  const answers = new Map<string, { status: number; body: unknown }>();
  const writes = new Map<string, number>();
  let failures: Array<'before' | 'after'> = [];
  let bridgeUrl = options.bridgeWebhookUrl;

  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

  /** Runs a write once per Idempotency-Key; a repeated key gets the first answer. */
  async function idempotent(
    request: Request,
    write: () => { status: number; body: unknown },
  ): Promise<Response> {
    const key = request.headers.get('idempotency-key');
    if (!key) return json(400, { error: 'Idempotency-Key is required' });
    writes.set(key, (writes.get(key) ?? 0) + 1);
    const failure = failures.shift();
    if (failure === 'before') return json(503, { error: 'temporarily unavailable' });
    let answer = answers.get(key);
    if (!answer) {
      answer = write();
      if (answer.status < 300) answers.set(key, answer);
    }
    if (failure === 'after') return json(500, { error: 'the answer was lost' });
    return json(answer.status, answer.body);
  }

  async function postReply(ticket: MockTicket, reply: MockTicket['replies'][number]) {
    if (!bridgeUrl) throw new Error('the mock helpdesk is not connected to a bridge');
    const event: AgentReplyWebhook = {
      type: 'reply.created',
      ticket: { id: ticket.id, externalRef: ticket.externalRef },
      reply: { id: reply.id, text: reply.text, ...(reply.channel ? { channel: reply.channel } : {}) },
    };
    const body = JSON.stringify(event);
    // Signed afresh at each delivery, redeliveries included (a new timestamp, so a new signature).
    const response = await fetch(bridgeUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...signedHeaders(options.webhookSecret, body),
      },
      body,
    });
    const result = (await response.json()) as AgentReplyResult;
    reply.result = result;
    reply.httpStatus = response.status;
    return { status: response.status, body: result };
  }

  const server = await serve(
    async (request) => {
      const url = new URL(request.url);
      const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
      if (options.token && request.headers.get('authorization') !== `Bearer ${options.token}`)
        return json(401, { error: 'unauthorized' });
      if (request.method === 'GET' && url.pathname === '/tickets') return json(200, [...tickets.values()]);
      if (request.method === 'GET' && parts[0] === 'tickets' && parts.length === 2) {
        const ticket = tickets.get(parts[1]!);
        return ticket ? json(200, ticket) : json(404, { error: 'no such ticket' });
      }
      if (request.method !== 'POST' || parts[0] !== 'tickets') return json(404, { error: 'not found' });
      const body = (await request.json()) as Record<string, unknown>;
      if (parts.length === 1) {
        return idempotent(request, () => {
          const input = body as unknown as CreateTicket;
          if (typeof input.externalRef !== 'string')
            return { status: 422, body: { error: 'externalRef is required' } };
          const ticket: MockTicket = {
            ...input,
            id: `T-${tickets.size + 1001}`,
            messages: [],
            events: [],
            replies: [],
          };
          tickets.set(ticket.id, ticket);
          return { status: 201, body: { id: ticket.id } };
        });
      }
      const ticket = tickets.get(parts[1]!);
      if (!ticket) return json(404, { error: 'no such ticket' });
      if (parts[2] === 'messages' && parts.length === 3) {
        return idempotent(request, () => {
          const message = { ...(body as unknown as AddMessage), id: `M-${randomUUID().slice(0, 8)}` };
          ticket.messages.push(message);
          return { status: 201, body: { id: message.id } };
        });
      }
      if (parts[2] === 'events' && parts.length === 3) {
        return idempotent(request, () => {
          const event = body as unknown as AddEvent;
          if (!ticket.messages.some((m) => m.externalRef === event.messageRef))
            return { status: 404, body: { error: `no message ${event.messageRef} on ${ticket.id}` } };
          ticket.events.push({ ...event, id: `E-${randomUUID().slice(0, 8)}` });
          return { status: 201, body: { id: ticket.events[ticket.events.length - 1]!.id } };
        });
      }
      if (parts[2] === 'replies' && parts.length === 3) {
        const text = typeof body.text === 'string' ? body.text : '';
        if (!text.trim()) return json(422, { error: 'text is required' });
        const reply: MockTicket['replies'][number] = { id: `R-${randomUUID().slice(0, 8)}`, text };
        if (typeof body.channel === 'string') reply.channel = body.channel;
        ticket.replies.push(reply);
        await postReply(ticket, reply);
        return json(201, reply);
      }
      return json(404, { error: 'not found' });
    },
    { ...(options.port !== undefined ? { port: options.port } : {}) },
  );

  const api = async <T>(path: string, body: unknown): Promise<T> => {
    const response = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      },
      body: JSON.stringify(body),
    });
    return (await response.json()) as T;
  };

  return {
    ...server,
    tickets: () => [...tickets.values()],
    ticketByRef: (ref) => [...tickets.values()].find((t) => t.externalRef === ref),
    writes,
    failNext(count, mode) {
      failures = [...failures, ...Array.from({ length: count }, () => mode)];
    },
    connect(url) {
      bridgeUrl = url;
    },
    agentReply: (ticketId, text, channel) =>
      api(`/tickets/${encodeURIComponent(ticketId)}/replies`, { text, ...(channel ? { channel } : {}) }),
    async redeliverReply(ticketId, replyId) {
      const ticket = tickets.get(ticketId);
      const reply = ticket?.replies.find((r) => r.id === replyId);
      if (!ticket || !reply) throw new Error(`no reply ${replyId} on ${ticketId}`);
      return postReply(ticket, reply);
    },
  };
}
