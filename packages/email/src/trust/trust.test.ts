import { generateKeyPairSync } from 'node:crypto';
import { createHub, memoryStore } from '@omnithread/core';
import { dkimSign } from 'mailauth';
import { describe, expect, it } from 'vitest';
import { parseEmail } from '../mime/email.js';
import { parseAuthenticationResults, trustFromAuthenticationResults } from './authres.js';
import { authenticateEmail, overlongAddressHeader } from './mailauth.js';

const message = (from: string, authResults: string[]) =>
  [
    ...authResults.map((a) => `Authentication-Results: ${a}`),
    `From: ${from}`,
    'To: help@shop.test',
    'Subject: Please update my bank details',
    `Message-ID: <${Math.random().toString(36).slice(2)}@example.org>`,
    'Date: Mon, 02 Mar 2026 10:00:00 +0000',
    '',
    'Hello',
  ].join('\r\n');

describe('Authentication-Results', () => {
  it('parses methods, results and properties, ignoring comments', () => {
    const parsed = parseAuthenticationResults(
      'mx.google.com; dkim=pass header.i=@example.org header.s=sel (good signature); spf=pass (google.com: domain of a@example.org designates 1.2.3.4 as permitted sender) smtp.mailfrom=a@example.org; dmarc=fail (p=REJECT sp=REJECT dis=NONE) header.from=example.org',
    );
    expect(parsed?.authservId).toBe('mx.google.com');
    expect(parsed?.results.map((r) => `${r.method}=${r.result}`)).toEqual([
      'dkim=pass',
      'spf=pass',
      'dmarc=fail',
    ]);
    expect(parsed?.results[2]?.props['header.from']).toBe('example.org');
  });

  it('believes only the configured authserv-ids', () => {
    const headers = [
      { key: 'authentication-results', value: 'mx.shop.test; dmarc=fail header.from=example.org' },
      // Added by the sender to look legitimate: not from our server, ignored.
      { key: 'authentication-results', value: 'mx.evil.test; dmarc=pass header.from=example.org' },
    ];
    const trust = trustFromAuthenticationResults(headers, 'ceo@example.org', {
      trustAuthenticationResultsFrom: ['mx.shop.test'],
    });
    expect(trust).toEqual({ trust: 'unverified', reason: 'mx.shop.test: dmarc=fail' });
    expect(
      trustFromAuthenticationResults(headers.slice(1), 'ceo@example.org', {
        trustAuthenticationResultsFrom: ['mx.shop.test'],
      }).trust,
    ).toBe('unverified');
    expect(trustFromAuthenticationResults(headers, 'ceo@example.org', {})).toEqual({ trust: 'provider' });
    const pass = [
      { key: 'authentication-results', value: 'mx.shop.test; dmarc=pass header.from=example.org' },
    ];
    expect(
      trustFromAuthenticationResults(pass, 'ceo@example.org', {
        trustAuthenticationResultsFrom: ['MX.shop.test'],
      }).trust,
    ).toBe('provider');
    // A pass for another domain than the From's does not vouch for it.
    expect(
      trustFromAuthenticationResults(pass, 'ceo@other.test', {
        trustAuthenticationResultsFrom: ['mx.shop.test'],
      }).trust,
    ).toBe('unverified');
  });
});

describe('trust through the hub', () => {
  it('a From that fails DMARC is unverified and cannot merge contacts; one that passes can', async () => {
    const hub = createHub({ store: memoryStore() });
    const options = { trustAuthenticationResultsFrom: ['mx.shop.test'] };
    // A customer known by phone; the app knows (from its CRM) that this phone belongs to the email sender.
    const sms = await hub.ingest({
      type: 'message',
      message: {
        channel: 'sms',
        from: { kind: 'phone', value: '+14155550100' },
        sentAt: '2026-03-01T10:00:00Z',
        text: 'hi',
        external: { id: 'SM1' },
        raw: null,
      },
    });
    if (sms.type !== 'message') throw new Error('no message');
    const link = {
      identity: { kind: 'phone', value: '+14155550100' },
      trust: 'provider' as const,
      evidence: 'CRM record',
    };

    const [spoofed] = await parseEmail(
      message('Ann <ann@example.org>', ['mx.shop.test; dmarc=fail header.from=example.org']),
      options,
    );
    if (spoofed?.type !== 'message') throw new Error('no message');
    expect(spoofed.message.trust).toBe('unverified');
    expect(spoofed.message.metadata?.trust).toBe('mx.shop.test: dmarc=fail');
    const a = await hub.ingest({ ...spoofed, message: { ...spoofed.message, links: [link] } });
    if (a.type !== 'message') throw new Error('no message');
    expect(a.contact.id).not.toBe(sms.contact.id);
    expect(a.contact.identities.find((i) => i.kind === 'email')?.trust).toBe('unverified');
    expect(a.contact.claims.map((c) => c.value)).toContain('+14155550100');

    const [genuine] = await parseEmail(
      message('Bob <bob@example.net>', ['mx.shop.test; dmarc=pass header.from=example.net']),
      options,
    );
    if (genuine?.type !== 'message') throw new Error('no message');
    expect(genuine.message.trust).toBe('provider');
    const b = await hub.ingest({ ...genuine, message: { ...genuine.message, links: [link] } });
    if (b.type !== 'message') throw new Error('no message');
    expect(b.contact.id).toBe(sms.contact.id);
  });
});

describe('mailauth (DKIM + SPF + DMARC with an injected resolver)', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicDer = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  const records: Record<string, string[][]> = {
    'TXT sel._domainkey.example.org': [[`v=DKIM1; k=rsa; p=${publicDer}`]],
    'TXT _dmarc.example.org': [['v=DMARC1; p=reject']],
    'TXT example.org': [['v=spf1 ip4:192.0.2.10 -all']],
  };
  const resolver = async (name: string, type: string) => {
    const found = records[`${type} ${name}`];
    if (found) return found;
    throw Object.assign(new Error(`no ${type} for ${name}`), { code: 'ENOTFOUND' });
  };
  const raw = message('Ann <ann@example.org>', []).replace(/^/, 'Return-Path: <ann@example.org>\r\n');

  it('passes a signed message from an allowed IP', async () => {
    const signed = await dkimSign(raw, {
      signingDomain: 'example.org',
      selector: 'sel',
      privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }),
    });
    const result = await authenticateEmail(signed.signatures + raw, {
      ip: '192.0.2.10',
      helo: 'mail.example.org',
      sender: 'ann@example.org',
      mta: 'mx.shop.test',
      resolver,
    });
    expect(result).toEqual({ trust: 'provider', reason: 'mailauth: dmarc=pass for example.org' });
  });

  it('leaves a From of 100,000 addresses unverified without running mailauth (its parser is quadratic)', async () => {
    const crowd = Array.from({ length: 100_000 }, (_, i) => `u${i}@example.org`).join(',\r\n ');
    const huge = message(crowd, []);
    for (const form of [huge, new TextEncoder().encode(huge)]) {
      const result = await authenticateEmail(form, { ip: '192.0.2.10', sender: 'ann@example.org', resolver });
      expect(result).toEqual({
        trust: 'unverified',
        reason: 'mailauth not run: its from header is over 16384 bytes',
      });
    }
  });

  it('measures address headers with their folded lines, and only in the header block', () => {
    const folded = `From: ${'a'.repeat(10_000)}\r\n ${'b'.repeat(10_000)}\r\nTo: x@y.z\r\n\r\nbody`;
    expect(overlongAddressHeader(folded)).toEqual({ name: 'from', bytes: 20_011 });
    expect(overlongAddressHeader(`Return-Path: <${'r'.repeat(20_000)}@x.org>\n\nbody`)?.name).toBe(
      'return-path',
    );
    const received = `Received: from a (envelope-from <${'e'.repeat(20_000)}>)\n\nbody`;
    expect(overlongAddressHeader(received)?.name).toBe('received');
    // A long body line, or a long header that carries no address, is not an address header.
    expect(
      overlongAddressHeader(
        `From: a@b.c\r\nSubject: ${'s'.repeat(20_000)}\r\n\r\nFrom: ${'x'.repeat(20_000)}`,
      ),
    ).toBe(undefined);
    expect(overlongAddressHeader(new TextEncoder().encode(`From: a@b.c\n\n${'x'.repeat(40_000)}`))).toBe(
      undefined,
    );
  });

  it('fails a forged From sent from elsewhere', async () => {
    const result = await authenticateEmail(raw, {
      ip: '203.0.113.9',
      helo: 'evil.test',
      sender: 'ann@example.org',
      mta: 'mx.shop.test',
      resolver,
    });
    expect(result.trust).toBe('unverified');
    expect(result.reason).toBe('mailauth: dmarc=fail for example.org');
  });
});
