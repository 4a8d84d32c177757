import { createHub, isWebhookVerificationError, memoryStore } from '@omnithread/core';
import { adapterConformanceCases } from '@omnithread/core/testing';
import { createWhatsAppCloudAdapter } from '@omnithread/whatsapp/cloud';
import { describe, expect, it, vi } from 'vitest';
import { APP_SECRET, pywa, pywaEnvelopes, signedRequest, VERIFY_TOKEN } from './helpers.js';

const create = (extra: Record<string, unknown> = {}) =>
  createWhatsAppCloudAdapter({
    appSecret: APP_SECRET,
    verifyToken: VERIFY_TOKEN,
    accessToken: 'token',
    phoneNumberId: '1122334455667',
    ...extra,
  });

describe('WhatsApp Cloud adapter conformance', () => {
  const validPayloads = pywaEnvelopes().map((f) => f.envelope);
  const cases = adapterConformanceCases({
    create: () => create(),
    validPayloads,
    invalidPayloads: [
      { object: 'instagram', entry: [] },
      { entry: 'nope' },
      { entry: [{ changes: [{ value: { messages: [{ id: 'x' }] } }] }] },
    ],
    signedRequest: (p) => signedRequest(JSON.stringify(p)),
    unsignedRequest: (p) =>
      new Request('https://example.com/webhooks/whatsapp', { method: 'POST', body: JSON.stringify(p) }),
    badlySignedRequest: (p) => signedRequest(JSON.stringify(p), undefined, 'not-the-secret'),
  });
  for (const c of cases) it(c.name, c.run);
});

describe('WhatsApp Cloud handle()', () => {
  it('answers the GET verification challenge only with the right token', async () => {
    const adapter = create();
    const ok = await adapter.handle(
      new Request(
        `https://example.com/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`,
      ),
    );
    expect(ok.response.status).toBe(200);
    expect(await ok.response.text()).toBe('1158201444');
    expect(ok.events).toEqual([]);
    for (const query of [
      'hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1',
      `hub.mode=unsubscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`,
      '',
    ]) {
      const no = await adapter.handle(new Request(`https://example.com/webhooks/whatsapp?${query}`));
      expect(no.response.status).toBe(403);
    }
  });

  it('verifies the signature before parsing: a bad signature on junk is a 401, not a 400', async () => {
    await expect(create().handle(signedRequest('not json', undefined, 'wrong'))).rejects.toSatisfy(
      isWebhookVerificationError,
    );
  });

  it('through the hub: bad signature → 401 and nothing stored; bad JSON → 400 and kept as rejected; too large → 413', async () => {
    const hub = createHub({ store: memoryStore(), adapters: [create({ maxBodyBytes: 64 * 1024 })] });
    const body = JSON.stringify(pywa('message.json', 'text'));
    const forged = await hub.handle(signedRequest(body, undefined, 'attacker'));
    expect(forged.status).toBe(401);
    expect((await hub.contacts.list()).items).toHaveLength(0);
    expect((await hub.rejected.list()).items).toHaveLength(0);

    const bad = await hub.handle(signedRequest('{"object":"whatsapp_business_account","entry":[{'));
    expect(bad.status).toBe(400);
    const rejected = (await hub.rejected.list()).items;
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({
      channel: 'whatsapp',
      error: { code: 'WEBHOOK_PARSE' },
      raw: '{"object":"whatsapp_business_account","entry":[{',
    });

    const huge = await hub.handle(signedRequest(JSON.stringify({ pad: 'x'.repeat(70 * 1024) })));
    expect(huge.status).toBe(413);

    const good = await hub.handle(signedRequest(body));
    expect(good.status).toBe(200);
    const contact = await hub.contacts.findByIdentity({ kind: 'whatsapp', value: '972987654321' });
    expect(contact?.name).toBe('Test Name');
  });

  it('refuses methods other than GET and POST', async () => {
    const result = await create().handle(
      new Request('https://example.com/webhooks/whatsapp', { method: 'PUT', body: '{}' }),
    );
    expect(result.response.status).toBe(405);
  });

  it('validates its config and warns loudly when signatures are off', () => {
    expect(() =>
      createWhatsAppCloudAdapter({ verifyToken: 'v', accessToken: 't', phoneNumberId: '1' }),
    ).toThrowError(/appSecret/);
    expect(() =>
      createWhatsAppCloudAdapter({ appSecret: 's', verifyToken: '', accessToken: 't', phoneNumberId: '1' }),
    ).toThrowError(/verifyToken/);
    expect(() =>
      createWhatsAppCloudAdapter({ appSecret: 's', verifyToken: 'v', accessToken: 't', phoneNumberId: '' }),
    ).toThrowError(/phoneNumberId/);
    const warn = vi.fn();
    const unsafe = createWhatsAppCloudAdapter({
      verifyToken: 'v',
      accessToken: 't',
      phoneNumberId: '1',
      verifySignature: false,
      warn,
    });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('OFF'));
    return expect(
      unsafe.handle(
        new Request('https://x/webhooks/whatsapp', {
          method: 'POST',
          body: JSON.stringify(pywa('message.json', 'text')),
        }),
      ),
    ).resolves.toMatchObject({ events: [expect.objectContaining({ type: 'message' })] });
  });
});
