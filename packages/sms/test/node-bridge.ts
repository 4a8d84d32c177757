import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Hub } from '@omnithread/core';

/**
 * The Node http bridge shown in the README: an IncomingMessage becomes a web-standard Request for
 * `hub.handle`, and its Response is written back. Kept here so a test runs the README's code path.
 */
export function nodeHandler(hub: Hub) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers))
      if (typeof value === 'string') headers.set(name, value);
    const request = new Request(new URL(req.url ?? '/', `http://${req.headers.host}`), {
      method: req.method ?? 'POST',
      headers,
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : Buffer.concat(chunks),
    });
    const response = await hub.handle(request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  };
}
