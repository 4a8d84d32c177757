import {
  type Conversation,
  describeIdentity,
  type Hub,
  isOmnithreadError,
  type Message,
  readBody,
  ValidationError,
} from '@omnithread/core';
import { messageHtmlResponse } from './message-html.js';
import type { Outbox } from './outbox.js';
import { allMessages, messageView, replyStates } from './views.js';

export interface ApiContext {
  hub: Hub;
  /** The sandbox outbox; absent in production. */
  outbox?: Outbox;
  mode: 'sandbox' | 'production';
  clock: () => Date;
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  });

function errorStatus(error: unknown): number {
  if (!isOmnithreadError(error)) return 500;
  switch (error.code) {
    case 'NOT_FOUND':
      return 404;
    case 'VALIDATION':
    case 'NOT_SUPPORTED':
      return 400;
    case 'OPTED_OUT':
    case 'REPLY_WINDOW_CLOSED':
      return 409;
    case 'RATE_LIMITED':
      return 429;
    case 'SEND_FAILED':
      return 502;
    default:
      return 500;
  }
}

/** The largest API request body: a reply's text, a status, two ids to merge — never near 64 KiB. */
const MAX_API_BODY_BYTES = 64 * 1024;

async function body(request: Request): Promise<Record<string, unknown>> {
  // JSON only: a cross-site form or text/plain post cannot reach the API without a CORS preflight,
  // which it never passes.
  if (!(request.headers.get('content-type') ?? '').toLowerCase().startsWith('application/json'))
    throw new ValidationError('the API takes application/json', { path: 'content-type' });
  const text = await readBody(request, { maxBytes: MAX_API_BODY_BYTES });
  let parsed: unknown = {};
  try {
    if (text) parsed = JSON.parse(text);
  } catch (cause) {
    throw new ValidationError('the body is not JSON', { path: 'body', cause });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new ValidationError('expected a JSON object', { path: 'body' });
  return parsed as Record<string, unknown>;
}

const str = (value: unknown, name: string, max = 10_000): string => {
  if (typeof value !== 'string' || value.trim() === '' || value.length > max)
    throw new ValidationError(`\`${name}\` must be a non-empty string of at most ${max} characters`, {
      path: name,
    });
  return value;
};

/**
 * The latest message of a conversation, for the list's preview. The store lists messages oldest
 * first, so it is read once per change of the conversation's `lastMessageAt` and kept.
 */
function lastMessageCache(hub: Hub) {
  const cache = new Map<string, { at: string; message: Message | undefined }>();
  return async (conversation: Conversation): Promise<Message | undefined> => {
    const hit = cache.get(conversation.id);
    if (hit && hit.at === conversation.lastMessageAt) return hit.message;
    const messages = await allMessages(hub, conversation.id);
    const message = messages[messages.length - 1];
    cache.set(conversation.id, { at: conversation.lastMessageAt, message });
    return message;
  };
}
const previews = new WeakMap<Hub, ReturnType<typeof lastMessageCache>>();

/** A pre-approved template to send outside a reply window: `{ name, language }`. */
function templateOf(value: unknown): { name: string; language: string } | undefined {
  if (value === undefined || value === null) return undefined;
  const t = value as { name?: unknown; language?: unknown };
  return { name: str(t.name, 'template.name', 512), language: str(t.language, 'template.language', 16) };
}

/** One path segment, percent-decoded; a malformed escape (`%E0`) is the caller's error, not ours. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch (cause) {
    throw new ValidationError(`malformed percent-encoding in the path: ${segment.slice(0, 80)}`, {
      path: 'url',
      cause,
    });
  }
}

/** The JSON API the page talks to. Answers `undefined` for paths that are not its own. */
export async function handleApi(request: Request, ctx: ApiContext): Promise<Response | undefined> {
  const url = new URL(request.url);
  const path = url.pathname;
  if (!path.startsWith('/api/')) return undefined;
  const { hub } = ctx;
  const method = request.method;
  try {
    const segments = path.split('/').slice(2).map(decodeSegment);
    if (method === 'GET' && path === '/api/info') {
      return json(200, {
        mode: ctx.mode,
        channels: [...new Set([...hub.adapters.values()].map((a) => a.channel))],
        outbox: Boolean(ctx.outbox),
      });
    }
    if (method === 'GET' && path === '/api/conversations') {
      const limit = Math.min(Number(url.searchParams.get('limit') ?? 50) || 50, 200);
      const cursor = url.searchParams.get('cursor') ?? undefined;
      const status = url.searchParams.get('status');
      const page = await hub.conversations.list({
        limit,
        ...(cursor ? { cursor } : {}),
        ...(status === 'open' || status === 'pending' || status === 'closed' ? { status } : {}),
      });
      const items = await Promise.all(
        page.items.map(async (c) => {
          const contact = c.contactIds[0]
            ? await hub.contacts.get(c.contactIds[0]).catch(() => undefined)
            : undefined;
          let lastOf = previews.get(hub);
          if (!lastOf) {
            lastOf = lastMessageCache(hub);
            previews.set(hub, lastOf);
          }
          const last = await lastOf(c);
          return {
            id: c.id,
            status: c.status,
            subject: c.subject,
            channels: c.channels,
            lastChannel: c.lastChannel,
            lastMessageAt: c.lastMessageAt,
            contact: contact
              ? {
                  id: contact.id,
                  name: contact.name,
                  // Unnamed contacts (an SMS sender) are shown by their first address.
                  label:
                    contact.name ??
                    (contact.identities[0] ? describeIdentity(contact.identities[0]) : contact.id),
                  identities: contact.identities.length,
                }
              : undefined,
            preview: last
              ? {
                  channel: last.channel,
                  direction: last.direction,
                  status: last.status,
                  text: (last.newText ?? last.text).slice(0, 160),
                  call: Boolean(last.call),
                }
              : undefined,
          };
        }),
      );
      return json(200, { items, nextCursor: page.nextCursor });
    }
    if (
      segments[0] === 'conversations' &&
      segments.length === 2 &&
      method === 'GET' &&
      segments[1] !== 'merge'
    ) {
      const conversation = await hub.conversations.get(segments[1]!);
      const messages = await allMessages(hub, conversation.id);
      const contacts = await Promise.all(conversation.contactIds.map((id) => hub.contacts.get(id)));
      return json(200, {
        conversation,
        messages: messages.map(messageView),
        contacts,
        reply: replyStates(hub, conversation, contacts[0], messages, ctx.clock()),
      });
    }
    if (segments[0] === 'conversations' && segments[2] === 'reply' && method === 'POST') {
      const input = await body(request);
      const template = templateOf(input.template);
      const text =
        template && !input.text
          ? `Template ${template.name} (${template.language})`
          : str(input.text, 'text');
      const channel =
        input.channel === undefined || input.channel === '' ? undefined : str(input.channel, 'channel', 64);
      const message = await hub.reply(
        segments[1]!,
        { text, ...(template ? { template } : {}) },
        channel ? { channel } : {},
      );
      return json(201, { message: messageView(message) });
    }
    if (segments[0] === 'conversations' && segments[2] === 'status' && method === 'POST') {
      const input = await body(request);
      const status = input.status;
      if (status !== 'open' && status !== 'pending' && status !== 'closed')
        throw new ValidationError('`status` must be open, pending or closed', { path: 'status' });
      return json(200, { conversation: await hub.conversations.setStatus(segments[1]!, status) });
    }
    if (path === '/api/conversations/merge' && method === 'POST') {
      const input = await body(request);
      return json(200, {
        conversation: await hub.conversations.merge(str(input.a, 'a', 200), str(input.b, 'b', 200)),
      });
    }
    if (segments[0] === 'messages' && segments[2] === 'html' && segments.length === 3 && method === 'GET') {
      return await messageHtmlResponse(hub, segments[1]!);
    }
    if (path === '/api/contacts' && method === 'GET') {
      const page = await hub.contacts.list({ limit: 200 });
      return json(200, { items: page.items, nextCursor: page.nextCursor });
    }
    if (path === '/api/contacts/merge' && method === 'POST') {
      const input = await body(request);
      return json(200, { contact: await hub.contacts.merge(str(input.a, 'a', 200), str(input.b, 'b', 200)) });
    }
    if (segments[0] === 'contacts' && segments.length === 2 && method === 'GET') {
      const contact = await hub.contacts.get(segments[1]!);
      const conversations = await hub.conversations.list({ contactId: contact.id, limit: 50 });
      return json(200, { contact, conversations: conversations.items });
    }
    if (path === '/api/search' && method === 'GET') {
      const q = (url.searchParams.get('q') ?? '').trim().slice(0, 200);
      if (!q) return json(200, { items: [] });
      const page = await hub.messages.search(q, { limit: 50 });
      return json(200, { items: page.items.map(messageView) });
    }
    if (path === '/api/outbox' && method === 'GET') {
      return json(200, { enabled: Boolean(ctx.outbox), items: ctx.outbox?.list() ?? [] });
    }
    if (path === '/api/rejected' && method === 'GET') {
      const page = await hub.rejected.list({ limit: 100 });
      return json(200, { items: page.items.map(({ raw: _raw, ...rest }) => rest) });
    }
    return json(404, { error: { code: 'NOT_FOUND', message: `no API route ${method} ${path}` } });
  } catch (error) {
    const tooLarge = isOmnithreadError(error) && error.code === 'PAYLOAD_TOO_LARGE';
    const status = tooLarge
      ? 413
      : error instanceof TypeError || error instanceof SyntaxError || error instanceof RangeError
        ? 400
        : errorStatus(error);
    if (status === 500) console.error('[omnithread/inbox] API error', error);
    const code = isOmnithreadError(error) ? error.code : status === 400 ? 'BAD_REQUEST' : 'INTERNAL';
    return json(status, {
      error: { code, message: status === 500 ? 'internal error' : (error as Error).message },
    });
  }
}
