import { memoryStore } from '@omnithread/core';
import { captureConsole } from '@omnithread/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningInbox, startSandboxInbox } from './inbox.js';
import { MAYA, TRANSCRIPT_WORD } from './journey.js';
import { SANDBOX } from './sandbox-config.js';
import { twilioFormRequest } from './signed.js';

let inbox: RunningInbox;
let conversationId: string;
let contactId: string;

beforeAll(async () => {
  inbox = await startSandboxInbox({ store: memoryStore() });
  const result = await inbox.playJourney();
  conversationId = result.conversationId;
  contactId = result.contactId;
});
afterAll(async () => {
  await inbox?.close();
});

// biome-ignore lint/suspicious/noExplicitAny: API answers are checked field by field below
type Json = any;
const get = async (path: string) => {
  const response = await fetch(`${inbox.url}${path}`);
  return { status: response.status, body: (await response.json()) as Json };
};
const post = async (path: string, body: unknown) => {
  const response = await fetch(`${inbox.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Json };
};

describe('the inbox server', () => {
  it('serves the page with a strict content security policy', async () => {
    const page = await fetch(`${inbox.url}/`);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    // The one frame is an email's formatted view, from this origin; nothing else may be framed.
    expect(csp.split('; ').filter((d) => /^(frame|child)-src /.test(d))).toEqual(["frame-src 'self'"]);
    expect(await page.text()).toContain('<script src="/app.js"></script>');
    const script = await fetch(`${inbox.url}/app.js`);
    expect(await script.text()).toContain('/api/conversations');
  });

  it('lists conversations by last activity with the contact and the channels used', async () => {
    const { body } = await get('/api/conversations');
    const times = body.items.map((c: { lastMessageAt: string }) => c.lastMessageAt);
    expect([...times].sort().reverse()).toEqual(times);
    const maya = body.items.find((c: { id: string }) => c.id === conversationId);
    expect(maya.contact.name).toBe(MAYA.name);
    expect(maya.channels).toEqual(['email', 'sms', 'whatsapp', 'voice', 'x', 'messenger']);
  });

  it("shows one conversation with reply states: SMS opted out, WhatsApp's window open", async () => {
    const { body } = await get(`/api/conversations/${conversationId}`);
    expect(body.messages.every((m: { raw?: unknown }) => m.raw === undefined)).toBe(true);
    const sms = body.reply.channels.find((s: { channel: string }) => s.channel === 'sms');
    expect(sms).toMatchObject({ available: false, optedOut: { keyword: 'STOP' } });
    const whatsapp = body.reply.channels.find((s: { channel: string }) => s.channel === 'whatsapp');
    expect(whatsapp.window.open).toBe(true);
    expect(body.reply.defaultChannel).toBe('whatsapp');
    expect(body.reply.channels.some((s: { channel: string }) => s.channel === 'voice')).toBe(false);
  });

  it('refuses a reply to an opted-out channel and sends one on the last channel to the outbox', async () => {
    const refused = await post(`/api/conversations/${conversationId}/reply`, {
      text: 'hello',
      channel: 'sms',
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('OPTED_OUT');
    const sent = await post(`/api/conversations/${conversationId}/reply`, {
      text: 'A new pole section ships today.',
    });
    expect(sent.status).toBe(201);
    expect(sent.body.message).toMatchObject({ channel: 'whatsapp', direction: 'outbound', status: 'sent' });
    const { body } = await get('/api/outbox');
    expect(body.items[0]).toMatchObject({
      channel: 'whatsapp',
      text: 'A new pole section ships today.',
      to: [{ kind: 'whatsapp', value: MAYA.waId }],
    });
  });

  it('finds the call by a word of its transcript', async () => {
    const { body } = await get(`/api/search?q=${TRANSCRIPT_WORD}`);
    expect(body.items.map((m: { channel: string }) => m.channel)).toEqual(['voice']);
    expect(body.items[0].conversationId).toBe(conversationId);
  });

  it('merges the Instagram contact into the customer', async () => {
    const { body: contacts } = await get('/api/contacts');
    const ig = contacts.items.find((c: { identities: Array<{ kind: string }> }) =>
      c.identities.some((i) => i.kind === 'instagram'),
    );
    const merged = await post('/api/contacts/merge', { a: contactId, b: ig.id });
    expect(merged.status).toBe(200);
    expect(merged.body.contact.identities.map((i: { kind: string }) => i.kind)).toContain('instagram');
    const { body } = await get(`/api/contacts/${contactId}`);
    expect(body.conversations).toHaveLength(2);
  });

  it('takes signed webhooks over HTTP, refuses unsigned ones, and pushes new messages as server-sent events', async () => {
    const events = await fetch(`${inbox.url}/events`);
    const reader = events.body!.getReader();
    const signed = twilioFormRequest(`${inbox.url}/webhooks/sms`, {
      MessageSid: 'SM11112222333344445555666677778888',
      SmsSid: 'SM11112222333344445555666677778888',
      AccountSid: SANDBOX.twilio.accountSid,
      From: '+14155550999',
      To: SANDBOX.twilio.number,
      Body: 'Is the Ridgeline tent waterproof?',
      NumMedia: '0',
      ApiVersion: '2010-04-01',
    });
    const ok = await fetch(signed.url, {
      method: 'POST',
      headers: signed.headers,
      body: await signed.text(),
    });
    expect(ok.status).toBe(200);
    let seen = '';
    while (!seen.includes('event: message')) {
      const { value } = await reader.read();
      seen += new TextDecoder().decode(value);
    }
    expect(seen).toContain('"channel":"sms"');
    await reader.cancel();
    const forged = await fetch(`${inbox.url}/webhooks/sms`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'AAAA' },
      body: 'MessageSid=SM0&From=%2B14155550999&Body=fake',
    });
    expect(forged.status).toBe(401);
  });

  it('refuses cross-site requests, non-JSON posts and foreign Host names', async () => {
    const crossSite = await fetch(`${inbox.url}/api/conversations/${conversationId}/reply`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({ text: 'hi' }),
    });
    expect(crossSite.status).toBe(403);
    const plain = await fetch(`${inbox.url}/api/conversations/${conversationId}/reply`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ text: 'hi' }),
    });
    expect(plain.status).toBe(400);
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${inbox.url}/api/outbox`, { headers: { host: 'rebound.evil.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
  });

  it('offers only a template once the WhatsApp window has closed, and sends one', async () => {
    const late = await startSandboxInbox({ store: memoryStore() });
    try {
      // The same journey, ended two days ago: every 24-hour window is closed now.
      const played = await late.playJourney({ end: new Date(Date.now() - 48 * 3_600_000) });
      const detail = await fetch(`${late.url}/api/conversations/${played.conversationId}`);
      const { reply } = (await detail.json()) as Json;
      const whatsapp = reply.channels.find((s: { channel: string }) => s.channel === 'whatsapp');
      expect(whatsapp).toMatchObject({ available: false, templateOnly: true, window: { open: false } });
      expect(whatsapp.note).toMatch(/window closed at .*: only an approved template can be sent/);
      expect(reply.channels.find((s: { channel: string }) => s.channel === 'messenger')).toMatchObject({
        available: false,
      });
      const send = (body: unknown) =>
        fetch(`${late.url}/api/conversations/${played.conversationId}/reply`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      const refused = await send({ text: 'Free text', channel: 'whatsapp' });
      expect(refused.status).toBe(409);
      expect(((await refused.json()) as Json).error.code).toBe('REPLY_WINDOW_CLOSED');
      const sent = await send({ channel: 'whatsapp', template: { name: 'order_update', language: 'en_US' } });
      expect(sent.status).toBe(201);
      expect(late.outbox!.list()[0]).toMatchObject({ channel: 'whatsapp', template: 'order_update' });
    } finally {
      await late.close();
    }
  });

  it('answers API errors as JSON with a code', async () => {
    expect((await get('/api/conversations/cv_missing')).status).toBe(404);
    expect((await post(`/api/conversations/${conversationId}/reply`, { text: '' })).body.error.code).toBe(
      'VALIDATION',
    );
    // A malformed percent-escape in the path is the caller's error: 400, nothing logged as a crash.
    const logged = captureConsole();
    try {
      const malformed = await get('/api/conversations/%E0');
      expect(malformed.status).toBe(400);
      expect(malformed.body.error.code).toBe('VALIDATION');
      const notJson = await fetch(`${inbox.url}/api/conversations/${conversationId}/reply`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"text": ',
      });
      expect(notJson.status).toBe(400);
      expect(((await notJson.json()) as Json).error.code).toBe('VALIDATION');
      expect(logged.lines.filter((line) => line.includes('API error'))).toEqual([]);
    } finally {
      logged.restore();
    }
  });
});
