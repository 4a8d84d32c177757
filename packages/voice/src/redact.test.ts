import { inboundEventSchema } from '@omnithread/core';
import { describe, expect, it } from 'vitest';
import { parseTranscript } from './formats/index.js';
import { luhnValid, redactText } from './redact.js';

describe('redactText', () => {
  it('redacts Luhn-valid card numbers with spaces or dashes, and leaves other long numbers alone', () => {
    expect(redactText('card 4111 1111 1111 1111 ok', true).text).toBe('card [REDACTED:card] ok');
    expect(redactText('card 5500-0000-0000-0004.', true).text).toBe('card [REDACTED:card].');
    expect(redactText('order 4111111111111112 please', { kinds: ['card'] }).text).toBe(
      'order 4111111111111112 please',
    );
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
  });

  it('redacts the digits after "security code", "CVV", "CVC", not the words', () => {
    expect(redactText('the security code is 123.', true).text).toBe('the security code is [REDACTED:cvv].');
    expect(redactText('CVV: 4321', true).text).toBe('CVV: [REDACTED:cvv]');
    expect(redactText('cvc 987 thanks', true).text).toBe('cvc [REDACTED:cvv] thanks');
    expect(redactText('I have 3 kids and 123 cats', true).text).toBe('I have 3 kids and 123 cats');
  });

  it('redacts SSNs written or spoken', () => {
    expect(redactText('ssn 123-45-6789.', true).text).toBe('ssn [REDACTED:ssn].');
    expect(redactText('it is one two three four five six seven eight nine ok', true).text).toBe(
      'it is [REDACTED:ssn] ok',
    );
  });

  it('redacts emails and phone numbers, written or spoken', () => {
    expect(redactText('mail jane.doe+x@mail.example.co.uk now', true).text).toBe('mail [REDACTED:email] now');
    expect(redactText('call (415) 555-0100 or +442079460958', true).text).toBe(
      'call [REDACTED:phone] or [REDACTED:phone]',
    );
    expect(redactText('four one five five five five zero one zero zero', true).text).toBe('[REDACTED:phone]');
  });

  it('honours the kinds asked for', () => {
    const text = 'card 4111 1111 1111 1111, mail a@b.co';
    expect(redactText(text, { kinds: ['email'] }).text).toBe(
      'card 4111 1111 1111 1111, mail [REDACTED:email]',
    );
    expect(redactText(text, false).text).toBe(text);
  });

  it('reports spans where the placeholders are in the redacted text', () => {
    const { text, spans } = redactText('a 4111 1111 1111 1111 b jane@x.io', true);
    expect(spans.map((s) => [s.kind, text.slice(s.start, s.end)])).toEqual([
      ['card', '[REDACTED:card]'],
      ['email', '[REDACTED:email]'],
    ]);
  });

  it('a card number is one card redaction, not also a phone number', () => {
    expect(redactText('4111 1111 1111 1111', true).spans.map((s) => s.kind)).toEqual(['card']);
  });
});

describe('redaction on a parsed call', () => {
  const call = {
    callId: 'call-pii',
    from: '+14155550100',
    startedAt: '2026-03-02T15:00:00Z',
    turns: [
      { speaker: 'agent', text: 'Can I have the card number?', startMs: 0, endMs: 1000 },
      {
        speaker: 'customer',
        text: 'Sure, 4111 1111 1111 1111, security code 123.',
        startMs: 1200,
        endMs: 5000,
      },
      { speaker: 'customer', text: 'Email me at jane@example.com.', startMs: 5200, endMs: 7000 },
    ],
  };

  it('replaces PII in the turns and the text, lists the redactions, and keeps no unredacted raw', () => {
    const event = inboundEventSchema.parse(parseTranscript(call, { redact: true })[0]);
    if (event.type !== 'message') throw new Error('expected a message');
    const m = event.message;
    expect(m.transcript!.turns[1]!.text).toBe('Sure, [REDACTED:card], security code [REDACTED:cvv].');
    expect(m.transcript!.turns[2]!.text).toBe('Email me at [REDACTED:email].');
    expect(m.text).toBe(
      'Agent: Can I have the card number?\nCustomer: Sure, [REDACTED:card], security code [REDACTED:cvv].\nCustomer: Email me at [REDACTED:email].',
    );
    expect(m.redactions!.map((r) => [r.kind, r.field])).toEqual([
      ['card', 'transcript.turns[1].text'],
      ['cvv', 'transcript.turns[1].text'],
      ['email', 'transcript.turns[2].text'],
      ['card', 'text'],
      ['cvv', 'text'],
      ['email', 'text'],
    ]);
    for (const r of m.redactions!.filter((r) => r.field === 'text'))
      expect(m.text.slice(r.start, r.end)).toBe(`[REDACTED:${r.kind}]`);
    expect(JSON.stringify(m)).not.toContain('4111');
    expect(JSON.stringify(m)).not.toContain('jane@example.com');
    expect(m.raw).toMatchObject({ redacted: true, source: 'voice-json' });
  });

  it('without the option nothing is redacted and the raw payload is kept', () => {
    const event = parseTranscript(call)[0]!;
    if (event.type !== 'message') throw new Error('expected a message');
    expect(event.message.text).toContain('4111 1111 1111 1111');
    expect(event.message.redactions).toBeUndefined();
    expect(event.message.raw).toEqual(call);
  });
});
