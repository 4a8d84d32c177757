import { readdirSync, readFileSync } from 'node:fs';
import { createHub, memoryStore, mutateJson, mutateText } from '@omnithread/core';
import { expectHandledOrRejected } from '@omnithread/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEmailAdapter, type EmailAdapterConfig } from '../adapter.js';
import {
  BASIC,
  MAILGUN_KEY,
  mailgunPayload,
  mailgunSignature,
  postmarkPayload,
  RAW_MIME,
  sendgridPayload,
} from './fixtures.js';
import type { InboundFormPayload } from './payloads.js';

// Hostile inbound-email webhooks (Postmark JSON, SendGrid and Mailgun forms, raw MIME) never crash
// the adapter: through the hub an authentic-but-unusable body answers 4xx with the raw payload kept
// as rejected. Fixed seed, modest run count; `pnpm fuzz` raises OMNITHREAD_PROPERTY_RUNS.
const numRuns = Number(process.env.OMNITHREAD_PROPERTY_RUNS ?? 100);
const config: EmailAdapterConfig = {
  from: 'Support <help@shop.test>',
  inbound: {
    sendgrid: { basicAuth: BASIC, token: 'sg-token' },
    mailgun: { signingKey: MAILGUN_KEY },
    postmark: { basicAuth: BASIC },
    maxBodyBytes: 2 * 1024 * 1024,
  },
};
const auth = `Basic ${Buffer.from(`${BASIC.username}:${BASIC.password}`).toString('base64')}`;
const shared = new URL('../../../../../shared/fixtures/email/', import.meta.url);
const CORPUS = ['mikel-mail/error_emails', 'talon/standard_replies'].flatMap((dir) =>
  readdirSync(new URL(`${dir}/`, shared))
    .sort()
    .slice(0, 12)
    .map((f) => readFileSync(new URL(`${dir}/${f}`, shared), 'latin1')),
);

const hubOf = () => createHub({ store: memoryStore(), adapters: [createEmailAdapter(config)] });

function postmark(body: string): Request {
  return new Request('https://app.test/webhooks/email/postmark', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: auth },
    body,
  });
}

let token = 0;
function form(payload: InboundFormPayload, mutated: unknown): Request {
  // A form is a flat map: a mutation that replaced the whole map (by a string, a list…) leaves none.
  const fields = typeof mutated === 'object' && mutated !== null && !Array.isArray(mutated) ? mutated : {};
  const data = new FormData();
  for (const [k, v] of Object.entries(fields))
    data.set(k, typeof v === 'string' ? v : (JSON.stringify(v) ?? ''));
  for (const f of payload.files)
    data.set(f.field, new Blob([Buffer.from(f.content, 'base64')], { type: f.contentType }), f.filename);
  let url = `https://app.test/webhooks/email/${payload.provider}`;
  const headers: Record<string, string> = {};
  if (payload.provider === 'mailgun') {
    // A fresh, genuinely signed timestamp + token: authentic, whatever the other fields hold.
    const timestamp = String(Math.floor(Date.now() / 1000));
    const t = `fuzz${++token}`.padEnd(50, 'x');
    data.set('timestamp', timestamp);
    data.set('token', t);
    data.set('signature', mailgunSignature(timestamp, t));
  } else {
    headers.authorization = auth;
    url += '?token=sg-token';
  }
  return new Request(url, { method: 'POST', body: data, headers });
}

async function handledOrRejected(request: Request): Promise<void> {
  const body = await request.clone().text();
  await expectHandledOrRejected(hubOf(), request, { channel: 'email', body });
}

describe('email webhooks through the hub on hostile authentic bodies', () => {
  it('Postmark JSON with wrong types at random paths', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer(), (seed) =>
        handledOrRejected(postmark(JSON.stringify(mutateJson(postmarkPayload, seed)))),
      ),
      { seed: 601, numRuns },
    );
  });
  it('Postmark JSON truncated, re-encoded, with NUL, lone surrogates, 10k-deep nesting, huge strings', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer(), (seed) =>
        handledOrRejected(postmark(mutateText(JSON.stringify(postmarkPayload), seed))),
      ),
      { seed: 602, numRuns },
    );
  });
  it('raw MIME (Postmark RawEmail) mutated from real and broken messages', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(RAW_MIME, ...CORPUS), fc.integer(), (mime, seed) =>
        handledOrRejected(
          postmark(JSON.stringify({ From: 'a@example.org', Headers: [], RawEmail: mutateText(mime, seed) })),
        ),
      ),
      { seed: 603, numRuns },
    );
  });
  it('SendGrid and Mailgun forms with mutated fields', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(sendgridPayload, mailgunPayload), fc.integer(), (payload, seed) =>
        handledOrRejected(form(payload, mutateJson(payload.fields, seed))),
      ),
      { seed: 604, numRuns },
    );
  });
  it('the JSON inside form fields (attachment-info, message-headers, content-id-map) with wrong types', async () => {
    const jsonFields = {
      sendgrid: ['attachment-info'],
      mailgun: ['message-headers', 'content-id-map'],
    } as const;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(sendgridPayload, mailgunPayload),
        fc.integer(),
        fc.nat(),
        (payload, seed, pick) => {
          const names = jsonFields[payload.provider as 'sendgrid' | 'mailgun'];
          const name = names[pick % names.length]!;
          const value = JSON.parse(payload.fields[name] ?? '{}') as unknown;
          const fields = { ...payload.fields, [name]: JSON.stringify(mutateJson(value, seed)) };
          return handledOrRejected(form(payload, fields));
        },
      ),
      { seed: 606, numRuns },
    );
  });
  it('a form body that is not a form (mutated multipart bytes) answers 400 and is kept', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer(), async (seed) => {
        const request = form(sendgridPayload, sendgridPayload.fields);
        const body = Buffer.from(await request.arrayBuffer()).toString('latin1');
        await handledOrRejected(
          new Request(request.url, {
            method: 'POST',
            headers: { authorization: auth, 'content-type': request.headers.get('content-type')! },
            body: Buffer.from(mutateText(body, seed), 'latin1'),
          }),
        );
      }),
      { seed: 605, numRuns },
    );
  });
  it('a 10k-deep value inside a Postmark body answers 400, kept as rejected (no stack overflow downstream)', async () => {
    const hub = hubOf();
    const body = `${JSON.stringify(postmarkPayload).slice(0, -1)},"deep":${'['.repeat(10_000) + ']'.repeat(10_000)}}`;
    expect((await hub.handle(postmark(body))).status).toBe(400);
    expect((await hub.rejected.list()).items[0]!.raw).toBe(body);
  });
  it('a body over maxBodyBytes answers 413 and is kept as rejected', async () => {
    const hub = hubOf();
    const response = await hub.handle(
      postmark(JSON.stringify({ ...postmarkPayload, TextBody: 'x'.repeat(3 * 1024 * 1024) })),
    );
    expect(response.status).toBe(413);
    expect((await hub.rejected.list()).items[0]!.error.code).toBe('PAYLOAD_TOO_LARGE');
  });
  it('a replayed Mailgun or Postmark post ingests nothing new; a Mailgun token reused for other content is refused with 401', async () => {
    const hub = hubOf();
    const first = form(mailgunPayload, mailgunPayload.fields);
    const again = first.clone();
    const other = await first.clone().formData();
    other.set('body-plain', 'other content under the same signature');
    expect((await hub.handle(first)).status).toBe(200);
    expect((await hub.handle(again)).status).toBe(200);
    expect(
      (
        await hub.handle(
          new Request('https://app.test/webhooks/email/mailgun', { method: 'POST', body: other }),
        )
      ).status,
    ).toBe(401);
    const body = JSON.stringify(postmarkPayload);
    for (let i = 0; i < 3; i++) expect((await hub.handle(postmark(body))).status).toBe(200);
    const messages = (
      await Promise.all((await hub.conversations.list()).items.map((c) => hub.conversations.messages(c.id)))
    ).flatMap((p) => p.items);
    expect(messages).toHaveLength(2);
  });
});

describe('found by fuzzing, and hostile names', () => {
  it('a Postmark body with CcFull: false (any wrong type) is read, not a TypeError', async () => {
    const hub = hubOf();
    const body = JSON.stringify({
      ...postmarkPayload,
      CcFull: false,
      ToFull: 'x',
      Headers: { a: 1 },
      Attachments: [null, 1],
    });
    expect((await hub.handle(postmark(body))).status).toBe(200);
  });
  it('attachment filenames cannot escape a directory, whichever way the email arrives', async () => {
    const hostile = '../../../etc/cron.d/evil\u202Etxt.sh';
    const mime = [
      'From: ann@example.org',
      'Message-ID: <att@example.org>',
      'Content-Type: multipart/mixed; boundary=b',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'see attached',
      '--b',
      `Content-Type: application/octet-stream; name="${hostile}"`,
      `Content-Disposition: attachment; filename="${hostile}"`,
      'Content-Transfer-Encoding: base64',
      '',
      'aGk=',
      '--b--',
    ].join('\r\n');
    const viaJson = {
      ...postmarkPayload,
      Attachments: [{ Name: hostile, Content: 'aGk=', ContentType: 'text/plain' }],
    };
    for (const request of [
      postmark(JSON.stringify(viaJson)),
      postmark(JSON.stringify({ From: 'ann@example.org', Headers: [], RawEmail: mime })),
    ]) {
      const hub = hubOf();
      expect((await hub.handle(request)).status).toBe(200);
      const [conversation] = (await hub.conversations.list()).items;
      const [message] = (await hub.conversations.messages(conversation!.id)).items;
      expect(message!.attachments?.[0]?.filename).toBe('eviltxt.sh');
    }
  });
});
