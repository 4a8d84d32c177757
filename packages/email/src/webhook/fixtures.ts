import { hmacSha256 } from '@omnithread/core';
import type { InboundFormPayload, PostmarkInbound } from './payloads.js';

/** Test payloads shaped like the providers' documented examples. Not exported from the package. */
export const MAILGUN_KEY = 'key-test-signing-0123456789';
export const BASIC = { username: 'omni', password: 's3cret' };

export const postmarkPayload: PostmarkInbound = {
  FromName: 'Postmarkapp Support',
  MessageStream: 'inbound',
  From: 'support@postmarkapp.com',
  FromFull: { Email: 'support@postmarkapp.com', Name: 'Postmarkapp Support', MailboxHash: '' },
  To: '"Firstname Lastname" <yourhash+SampleHash@inbound.postmarkapp.com>',
  ToFull: [
    {
      Email: 'yourhash+SampleHash@inbound.postmarkapp.com',
      Name: 'Firstname Lastname',
      MailboxHash: 'SampleHash',
    },
  ],
  Cc: '"First Cc" <firstcc@postmarkapp.com>, secondCc@postmarkapp.com',
  CcFull: [
    { Email: 'firstcc@postmarkapp.com', Name: 'First Cc', MailboxHash: '' },
    { Email: 'secondCc@postmarkapp.com', Name: '', MailboxHash: '' },
  ],
  OriginalRecipient: 'yourhash+SampleHash@inbound.postmarkapp.com',
  Subject: 'Test subject',
  MessageID: '73e6d360-66eb-11e1-8e72-a8904824019b',
  ReplyTo: 'replyto@postmarkapp.com',
  MailboxHash: 'SampleHash',
  Date: 'Fri, 1 Aug 2014 16:45:32 -04:00',
  TextBody:
    'This is a test text body.\n\nOn Thu, 31 Jul 2014 at 10:00, Bob <bob@example.org> wrote:\n> earlier',
  HtmlBody: '<html><body><p>This is a test html body.</p></body></html>',
  StrippedTextReply: 'This is a test text body.',
  Tag: 'TestTag',
  Headers: [
    { Name: 'X-Header-Test', Value: '' },
    { Name: 'Message-ID', Value: '<CAK3Z6-test@mail.gmail.com>' },
    { Name: 'In-Reply-To', Value: '<parent@example.org>' },
    { Name: 'References', Value: '<root@example.org> <parent@example.org>' },
    {
      Name: 'Authentication-Results',
      Value:
        'mx.inbound.test; dkim=pass header.d=postmarkapp.com; spf=pass smtp.mailfrom=support@postmarkapp.com; dmarc=pass header.from=postmarkapp.com',
    },
  ],
  Attachments: [
    {
      Name: 'test.txt',
      Content: Buffer.from('This is attachment contents.').toString('base64'),
      ContentType: 'text/plain',
      ContentLength: 28,
    },
  ],
};

export const sendgridPayload: InboundFormPayload = {
  provider: 'sendgrid',
  fields: {
    headers:
      'Received: by mx0047p1mdw1.sendgrid.net with SMTP id 6WCVv7KAWn Wed, 27 Jul 2016 20:53:06 +0000 (UTC)\nFrom: Example User <test@example.com>\nDate: Wed, 27 Jul 2016 13:53:05 -0700\nMessage-ID: <CAN_P_JMvV7ZpAQhOnDienypLrJmuhN=LQWweu4yScw4jQyXY2w@mail.gmail.com>\nSubject: Test Subject\nTo: inbound@inbound.example.com\nContent-Type: multipart/alternative; boundary=001a113df448cad2d00538a4d6b4\n',
    dkim: '{@gmail.com : pass}',
    'content-ids': '{}',
    to: 'inbound@inbound.example.com',
    html: '<div dir="ltr">Hello SendGrid!</div>\n',
    from: 'Example User <test@example.com>',
    text: 'Hello SendGrid!\n',
    sender_ip: '209.85.223.177',
    envelope: '{"to":["inbound@inbound.example.com"],"from":"test@example.com"}',
    attachments: '1',
    subject: 'Test Subject',
    'attachment-info': '{"attachment1":{"filename":"hello.txt","name":"hello.txt","type":"text/plain"}}',
    charsets: '{"to":"UTF-8","html":"UTF-8","subject":"UTF-8","from":"UTF-8","text":"UTF-8"}',
    SPF: 'pass',
  },
  files: [
    {
      field: 'attachment1',
      filename: 'hello.txt',
      contentType: 'text/plain',
      content: Buffer.from('hello').toString('base64'),
    },
  ],
};

export const mailgunPayload: InboundFormPayload = {
  provider: 'mailgun',
  fields: {
    recipient: 'support@mg.shop.test',
    sender: 'bob@example.com',
    from: 'Bob <bob@example.com>',
    subject: 'Re: Sample POST request',
    'body-plain': 'Hi Alice, This is Bob.\n\n> Old text\n\n-- \nBob',
    'stripped-text': 'Hi Alice, This is Bob.',
    'body-html': '<html><body><p>Hi Alice, This is Bob.</p></body></html>',
    'message-headers': JSON.stringify([
      ['Received', 'by luna.mailgun.net with SMTP mgrt 8788212249833; Fri, 26 Apr 2013 18:50:30 +0000'],
      ['From', 'Bob <bob@example.com>'],
      ['To', 'Alice <support@mg.shop.test>'],
      ['Subject', 'Re: Sample POST request'],
      ['Date', 'Fri, 26 Apr 2013 11:50:29 -0700'],
      ['Message-Id', '<517ACC75.5010709@example.com>'],
      ['In-Reply-To', '<517AC78B.5060404@mg.shop.test>'],
      ['References', '<517AC78B.5060404@mg.shop.test>'],
    ]),
    'content-id-map': '{"<part1.04060802.06030207@example.com>": "attachment-1"}',
    'attachment-count': '1',
  },
  files: [
    {
      field: 'attachment-1',
      filename: 'crabs.png',
      contentType: 'image/png',
      content: Buffer.from([137, 80, 78, 71]).toString('base64'),
    },
  ],
};

export function mailgunSignature(timestamp: string, token: string, key = MAILGUN_KEY): string {
  return hmacSha256(key, `${timestamp}${token}`, 'hex');
}

export const RAW_MIME = [
  'From: Carol <carol@example.net>',
  'To: help@shop.test',
  'Subject: Raw mode',
  'Message-ID: <raw-1@example.net>',
  'Date: Tue, 03 Mar 2026 10:00:00 +0000',
  '',
  'Sent raw.',
].join('\r\n');

export const auth = (user = BASIC.username, pass = BASIC.password) =>
  `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

let tokenCounter = 0;
/** A SendGrid or Mailgun form as the provider posts it: `good` signs it (a fresh Mailgun token each time). */
export function formRequest(
  payload: InboundFormPayload,
  mode: 'good' | 'none' | 'bad',
  path: string = payload.provider,
): Request {
  const form = new FormData();
  for (const [k, v] of Object.entries(payload.fields)) form.set(k, v);
  for (const f of payload.files)
    form.set(f.field, new Blob([Buffer.from(f.content, 'base64')], { type: f.contentType }), f.filename);
  const headers: Record<string, string> = {};
  let url = `https://app.test/webhooks/email/${path}`;
  if (payload.provider === 'mailgun' && mode !== 'none') {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const token = `tok${++tokenCounter}`.padEnd(50, 'x');
    form.set('timestamp', timestamp);
    form.set('token', token);
    form.set(
      'signature',
      mode === 'good' ? mailgunSignature(timestamp, token) : mailgunSignature(timestamp, token, 'wrong-key'),
    );
  }
  if (payload.provider === 'sendgrid' && mode !== 'none') {
    headers.authorization = mode === 'good' ? auth() : auth(BASIC.username, 'nope');
    url += '?token=sg-token';
  }
  return new Request(url, { method: 'POST', body: form, headers });
}

/** Postmark JSON as Postmark posts it, with basic auth (`good`), none, or wrong credentials. */
export function postmarkRequest(payload: PostmarkInbound, mode: 'good' | 'none' | 'bad'): Request {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (mode !== 'none') headers.authorization = mode === 'good' ? auth() : auth('omni', 'guess');
  return new Request('https://app.test/webhooks/email/postmark', {
    method: 'POST',
    body: JSON.stringify(payload),
    headers,
  });
}
