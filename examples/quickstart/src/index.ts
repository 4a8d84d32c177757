import { createServer } from 'node:http';
import { Readable } from 'node:stream';
import { createHub, memoryStore } from '@omnithread/core';
import { createSmsAdapter } from '@omnithread/sms';

const sms = createSmsAdapter({
  accountSid: process.env.TWILIO_ACCOUNT_SID!,
  authToken: process.env.TWILIO_AUTH_TOKEN!, // verifies X-Twilio-Signature on every webhook
  from: process.env.TWILIO_FROM!,
  publicBaseUrl: process.env.PUBLIC_BASE_URL, // the URL Twilio calls (and signs), e.g. your tunnel
});
const hub = createHub({ store: memoryStore(), adapters: [sms] });

// Every message arrives placed in a conversation, with the rule and the reason.
hub.on('message', ({ message, conversation }) => {
  if (message.direction !== 'inbound') return;
  console.log(`${message.from.value}: ${message.text}\n  → ${conversation.id}: ${message.placement.reason}`);
  // Not awaited: the webhook answers Twilio at once; the send goes on (and fails loudly) on its own.
  if (message.placement.rule === 'new-conversation')
    hub
      .reply(conversation.id, { text: 'Thanks for writing! A person will answer here shortly.' })
      .catch((error: Error) => console.error(`auto-reply failed: ${error.message}`));
});

// Node's http → web-standard Request → hub.handle (verify, parse, store, place) → Response.
createServer(async (req, res) => {
  let request: Request;
  try {
    request = new Request(new URL(req.url ?? '/', `http://${req.headers.host}`), {
      method: req.method,
      headers: req.headers as Record<string, string>,
      body: req.method === 'POST' ? (Readable.toWeb(req) as ReadableStream) : undefined,
      duplex: 'half',
    } as RequestInit);
  } catch {
    // Node lets through what a web Request refuses (a Host header of "a b"): answer, do not crash.
    res.writeHead(400).end();
    return;
  }
  try {
    const response = await hub.handle(request);
    res
      .writeHead(response.status, Object.fromEntries(response.headers))
      .end(Buffer.from(await response.arrayBuffer()));
  } catch (error) {
    // hub.handle answers bad payloads itself; this is the store failing. Twilio retries a 500.
    console.error(`webhook failed: ${(error as Error).message}`);
    if (!res.headersSent) res.writeHead(500);
    res.end();
  }
}).listen(Number(process.env.PORT ?? 3000), () =>
  console.log('Twilio webhook: <PUBLIC_BASE_URL>/webhooks/sms'),
);
