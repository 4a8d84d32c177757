import { createHash } from 'node:crypto';
import type { AddEvent, AddMessage, Created, CreateTicket } from './contract.js';

/** The Idempotency-Key of an event: one per status of a message, one per content of an update. */
function eventKey(event: AddEvent): string {
  if (event.type === 'status') return `status:${event.messageRef}:${event.status}`;
  const { at: _at, ...content } = event;
  return `update:${event.messageRef}:${createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 32)}`;
}

export interface HelpdeskClientOptions {
  /** The helpdesk API's base URL, e.g. `https://helpdesk.example.com/api`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …`. */
  token?: string;
  /** Further attempts after the first on network errors, 429 and 5xx. Default 5. */
  retries?: number;
  /** First backoff in ms, doubled each attempt. Default 200. */
  baseDelayMs?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

export class HelpdeskError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'HelpdeskError';
  }
}

/**
 * The helpdesk's REST API, as the contract in README.md describes it. Every write has an
 * Idempotency-Key derived from Omnithread ids, and is retried with backoff until the helpdesk answers:
 * a retry of a request that did reach it returns the first answer instead of a duplicate.
 */
export function helpdeskClient(options: HelpdeskClientOptions) {
  const base = options.baseUrl.replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const retries = options.retries ?? 5;
  const baseDelay = options.baseDelayMs ?? 200;

  async function post<T>(path: string, key: string, body: unknown): Promise<T> {
    let lastError: unknown;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await sleep(baseDelay * 2 ** (attempt - 1));
      let response: Response;
      try {
        response = await fetchImpl(`${base}${path}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'idempotency-key': key,
            ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          },
          body: JSON.stringify(body),
        });
      } catch (error) {
        lastError = error;
        continue;
      }
      if (response.ok) return (await response.json()) as T;
      lastError = new HelpdeskError(
        `POST ${path} answered ${response.status}: ${await response.text()}`,
        response.status,
      );
      // 4xx other than 429 will not get better by retrying.
      if (response.status < 500 && response.status !== 429) throw lastError;
    }
    throw lastError;
  }

  return {
    createTicket: (ticket: CreateTicket) => post<Created>('/tickets', `ticket:${ticket.externalRef}`, ticket),
    addMessage: (ticketId: string, message: AddMessage) =>
      post<Created>(
        `/tickets/${encodeURIComponent(ticketId)}/messages`,
        `message:${message.externalRef}`,
        message,
      ),
    addEvent: (ticketId: string, event: AddEvent) =>
      post<Created>(`/tickets/${encodeURIComponent(ticketId)}/events`, eventKey(event), event),
  };
}
export type HelpdeskClient = ReturnType<typeof helpdeskClient>;
