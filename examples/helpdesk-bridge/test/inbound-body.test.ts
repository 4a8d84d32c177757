import { afterEach, describe, expect, it } from 'vitest';
import type { BridgeOptions } from '../src/bridge.js';
import { serve } from '../src/http.js';
import type { SeenDeliveries } from '../src/seen-deliveries.js';
import { signedHeaders } from '../src/signature.js';
import { bareBridge, NOW_MS, replyBody, SECRET, webhookRequest } from './webhook-request.js';

const opened: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of opened.splice(0).reverse()) await close();
});

/** A bare bridge whose store records claims: a refused body must claim nothing and send nothing. */
function setup(options: Partial<BridgeOptions> = {}) {
  const claims: string[] = [];
  const seenDeliveries: SeenDeliveries = {
    async claim(id) {
      claims.push(id);
      return true;
    },
  };
  const bare = bareBridge({ seenDeliveries, ...options });
  opened.push(bare.close);
  /** Posts `body` correctly signed, so only the body itself can be wrong. */
  const post = async (body: string) => {
    const response = await bare.bridge.handleWebhook(
      webhookRequest(body, signedHeaders(SECRET, body, NOW_MS)),
    );
    return { status: response.status, answer: await response.json() };
  };
  return { ...bare, claims, post };
}

/** A JSON body of exactly `size` bytes: a reply whose text pads it. */
const bodyOfSize = (size: number) => {
  const empty = replyBody('R-size').replace('"text":"hi"', '"text":""');
  return empty.replace('"text":""', `"text":"${'x'.repeat(size - empty.length)}"`);
};

describe('the webhook body', () => {
  it('refuses a body over the limit with 413, unread and unacted on, declared or streamed', async () => {
    const { bridge, post, replies, claims } = setup();
    const limit = 256 * 1024;
    expect((await post(bodyOfSize(limit))).status).toBe(404);
    const over = await post(bodyOfSize(limit + 1));
    expect(over.status).toBe(413);
    expect(over.answer).toMatchObject({ sent: false, error: { code: 'PAYLOAD_TOO_LARGE' } });
    // Without a Content-Length: counted while it streams.
    const body = bodyOfSize(limit + 1);
    const chunks = [body.slice(0, limit / 2), body.slice(limit / 2)];
    const streamed = new Request('http://bridge.test/helpdesk/webhook', {
      method: 'POST',
      headers: signedHeaders(SECRET, body, NOW_MS),
      body: new ReadableStream({
        start(controller) {
          for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.headers.get('content-length')).toBeNull();
    expect((await bridge.handleWebhook(streamed)).status).toBe(413);
    expect(claims).toEqual(['reply.created:R-size']);
    expect(replies).toHaveLength(1);
  });

  it('answers 400, not 413, when the body stream breaks', async () => {
    const { bridge, replies, claims } = setup();
    const broken = new Request('http://bridge.test/helpdesk/webhook', {
      method: 'POST',
      headers: signedHeaders(SECRET, '{}', NOW_MS),
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"type":'));
          controller.error(new Error('connection reset'));
        },
      }),
      duplex: 'half',
    } as RequestInit);
    const response = await bridge.handleWebhook(broken);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'BAD_REQUEST' } });
    expect(claims).toEqual([]);
    expect(replies).toEqual([]);
  });

  it('takes the limit from the options, and answers 413 over HTTP too', async () => {
    const { bridge, post } = setup({ maxBodyBytes: 1000 });
    expect((await post(bodyOfSize(1000))).status).toBe(404);
    expect((await post(bodyOfSize(1001))).status).toBe(413);
    const server = await serve((request) => bridge.handleWebhook(request));
    opened.push(() => server.close());
    const body = bodyOfSize(5000);
    const response = await fetch(`${server.url}/helpdesk/webhook`, {
      method: 'POST',
      headers: signedHeaders(SECRET, body),
      body,
    });
    expect(response.status).toBe(413);
  });

  it('answers a signed body that is not JSON, or not an object, with 400 naming the problem', async () => {
    const { post, replies, claims } = setup();
    for (const body of ['', '{"type":"reply.created",', 'not json', '{"a":1}}']) {
      const { status, answer } = await post(body);
      expect({ body, status, answer }).toMatchObject({
        body,
        status: 400,
        answer: { sent: false, error: { code: 'WEBHOOK_PARSE', message: 'The body is not JSON' } },
      });
    }
    for (const body of ['null', '[]', '42', '"reply.created"', 'true'])
      expect(await post(body)).toMatchObject({ status: 400, answer: { error: { path: '' } } });
    expect(claims).toEqual([]);
    expect(replies).toEqual([]);
  });

  it('answers a missing or wrong field with 400 and its path', async () => {
    const { post, replies, claims } = setup();
    const valid = {
      type: 'reply.created',
      ticket: { id: 'T-1', externalRef: 'cv_1' },
      reply: { id: 'R-1', text: 'hi' },
    };
    const cases: Array<[string, unknown]> = [
      ['type', { ...valid, type: 'ticket.updated' }],
      ['type', { ...valid, type: undefined }],
      ['ticket', { ...valid, ticket: 'T-1' }],
      ['ticket.id', { ...valid, ticket: { externalRef: 'cv_1' } }],
      ['ticket.externalRef', { ...valid, ticket: { id: 'T-1', externalRef: 7 } }],
      ['reply', { ...valid, reply: null }],
      ['reply.id', { ...valid, reply: { id: '', text: 'hi' } }],
      ['reply.text', { ...valid, reply: { id: 'R-1', text: '   ' } }],
      ['reply.text', { ...valid, reply: { id: 'R-1', text: ['hi'] } }],
      ['reply.channel', { ...valid, reply: { id: 'R-1', text: 'hi', channel: 7 } }],
    ];
    for (const [path, payload] of cases) {
      const { status, answer } = await post(JSON.stringify(payload));
      expect({ path, status, answer }).toMatchObject({
        path,
        status: 400,
        answer: { sent: false, error: { code: 'WEBHOOK_PARSE', path } },
      });
    }
    expect(claims).toEqual([]);
    expect(replies).toEqual([]);
  });

  it('ignores fields the contract does not define: only the text and channel reach hub.reply', async () => {
    const { post, replies } = setup();
    const body = JSON.stringify({
      type: 'reply.created',
      version: 2,
      ticket: { id: 'T-1', externalRef: 'cv_1', priority: 'high' },
      reply: {
        id: 'R-1',
        text: 'hi',
        channel: 'sms',
        html: '<p>hi</p>',
        attachments: [{ url: 'https://example.com/a.pdf' }],
      },
    }).replace('"html"', '"__proto__":{"polluted":true},"html"');
    expect((await post(body)).status).toBe(404);
    expect(replies).toEqual([['cv_1', { text: 'hi' }, { channel: 'sms' }]]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
