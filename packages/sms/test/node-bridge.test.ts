import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHub, memoryStore, twilioSignature } from '@omnithread/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmsAdapter } from '../src/index.js';
import { nodeHandler } from './node-bridge.js';
import { ACCOUNT_SID, AUTH_TOKEN, BASE_URL, CUSTOMER, inboundSms } from './payloads.js';

describe('a real Node http server behind a proxy (the README example)', () => {
  const sms = createSmsAdapter({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, publicBaseUrl: BASE_URL });
  const hub = createHub({ store: memoryStore(), adapters: [sms] });
  const server = createServer(nodeHandler(hub));
  let origin = '';

  beforeAll(async () => {
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.close();
    await once(server, 'close');
  });

  it('verifies the signature against the public URL, ingests, and answers TwiML', async () => {
    const body = new URLSearchParams(inboundSms).toString();
    const signature = twilioSignature(AUTH_TOKEN, `${BASE_URL}/webhooks/sms`, inboundSms);
    const post = (sig: string) =>
      fetch(`${origin}/webhooks/sms`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sig },
        body,
      });
    const bad = await post('d3Jvbmc=');
    expect(bad.status).toBe(401);
    await bad.arrayBuffer();
    const ok = await post(signature);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/text\/xml/);
    expect(await ok.text()).toContain('<Response></Response>');
    expect(await hub.contacts.findByIdentity({ kind: 'phone', value: CUSTOMER })).toBeDefined();
  });
});
