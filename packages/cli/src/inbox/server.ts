import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { Hub } from '@omnithread/core';
import { type ApiContext, handleApi } from './api.js';
import { loadPageAssets } from './assets.js';
import type { Outbox } from './outbox.js';

export interface InboxServerOptions {
  hub: Hub;
  mode: 'sandbox' | 'production';
  outbox?: Outbox;
  clock?: () => Date;
  /** Default 127.0.0.1: the inbox has no login, so it listens on loopback unless told otherwise. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** Largest request body for the page's API, in bytes. Webhook limits are each adapter's. */
  log?: (line: string) => void;
}

export interface InboxServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

/** `frame-src 'self'`: the page's one frame is an email's formatted view (`/api/messages/:id/html`). */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

function toRequest(req: IncomingMessage): Request {
  const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const init: RequestInit & { duplex?: 'half' } = { method: req.method ?? 'GET', headers };
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    init.body = Readable.toWeb(req) as ReadableStream<Uint8Array>;
    init.duplex = 'half';
  }
  return new Request(url, init);
}

async function send(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const body = Buffer.from(await response.arrayBuffer());
  res.writeHead(response.status, headers);
  res.end(body);
}

/**
 * The inbox's HTTP server on Node's http module: `/webhooks/<channel>` goes to `hub.handle`, `/api/*`
 * to the JSON API, `/events` is a server-sent event stream of new messages, statuses, merges and
 * outbox entries, and `/` serves the page.
 */
export async function startInboxServer(options: InboxServerOptions): Promise<InboxServer> {
  const { hub } = options;
  const clock = options.clock ?? (() => new Date());
  const log = options.log ?? (() => {});
  const assets = await loadPageAssets();
  const api: ApiContext = {
    hub,
    mode: options.mode,
    clock,
    ...(options.outbox ? { outbox: options.outbox } : {}),
  };

  const clients = new Set<ServerResponse>();
  const broadcast = (event: string, data: unknown) => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const client of clients) client.write(frame);
  };
  const unsubscribe = [
    hub.on('message', ({ message, conversation }) =>
      broadcast('message', {
        conversationId: conversation.id,
        messageId: message.id,
        channel: message.channel,
        direction: message.direction,
      }),
    ),
    hub.on('status', ({ message, status }) =>
      broadcast('status', { conversationId: message.conversationId, messageId: message.id, status }),
    ),
    hub.on('message.updated', ({ message, cause }) =>
      broadcast('updated', { conversationId: message.conversationId, messageId: message.id, cause }),
    ),
    hub.on('contact.merged', ({ survivor, merged }) =>
      broadcast('contact', { survivor: survivor.id, merged: merged.id }),
    ),
    hub.on('contact.consent', ({ contact, channel, optedOut }) =>
      broadcast('contact', { contact: contact.id, channel, optedOut }),
    ),
    hub.on('conversation.merged', ({ survivor, merged }) =>
      broadcast('conversation', { survivor: survivor.id, merged: merged.id }),
    ),
    ...(options.outbox ? [options.outbox.onAdd((entry) => broadcast('outbox', entry))] : []),
  ];
  const heartbeat = setInterval(() => {
    for (const client of clients) client.write(': keep-alive\n\n');
  }, 25_000);
  heartbeat.unref();

  const host = options.host ?? '127.0.0.1';
  const loopback = ['127.0.0.1', 'localhost', '::1'].includes(host);
  /**
   * The page and its API have no login of their own. On loopback, only loopback Host names are
   * served (a DNS-rebinding page cannot reach it), and a browser request from another origin is refused
   * everywhere (cross-site requests carry an Origin header).
   */
  const allowed = (req: IncomingMessage): boolean => {
    const hostHeader = req.headers.host ?? '';
    const hostname = hostHeader.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
    if (loopback && !['127.0.0.1', 'localhost', '::1'].includes(hostname)) return false;
    const origin = req.headers.origin;
    if (!origin) return true;
    try {
      return new URL(origin).host === hostHeader;
    } catch {
      return false;
    }
  };

  const server = createServer(async (req, res) => {
    try {
      const path = (req.url ?? '/').split('?')[0]!;
      if (!path.startsWith('/webhooks/') && !allowed(req)) {
        res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' });
        return res.end('forbidden: cross-origin or unexpected Host');
      }
      if (path.startsWith('/webhooks/')) {
        const response = await hub.handle(toRequest(req));
        log(`${req.method} ${path} → ${response.status}`);
        return await send(res, response);
      }
      if (path === '/events' && req.method === 'GET') {
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          connection: 'keep-alive',
        });
        res.write('retry: 2000\n\n');
        clients.add(res);
        req.on('close', () => clients.delete(res));
        return;
      }
      const apiResponse = await handleApi(toRequest(req), api);
      if (apiResponse) return await send(res, apiResponse);
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET' });
        return res.end();
      }
      const asset =
        path === '/' || path === '/index.html'
          ? { type: 'text/html; charset=utf-8', body: assets.html }
          : path === '/app.js'
            ? { type: 'text/javascript; charset=utf-8', body: assets.js }
            : path === '/style.css'
              ? { type: 'text/css; charset=utf-8', body: assets.css }
              : undefined;
      if (!asset) {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
        return res.end('not found');
      }
      res.writeHead(200, { 'content-type': asset.type, 'cache-control': 'no-cache', ...SECURITY_HEADERS });
      res.end(asset.body);
    } catch (error) {
      console.error('[omnithread/inbox] request failed', error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('internal error');
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    server,
    async close() {
      clearInterval(heartbeat);
      for (const off of unsubscribe) off();
      for (const client of clients) client.end();
      clients.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
