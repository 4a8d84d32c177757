import { describe, expect, it } from 'vitest';
import { parseTranscript } from './formats/index.js';
import { assignRoles, roleFromWord } from './speakers.js';

const turns = [{ label: 'B' }, { label: 'A' }, { label: 'B' }, { label: 'C' }, { label: 'A' }];

describe('speaker roles', () => {
  it('format roles first, then the speakers map; the rest stays unknown with a warning', () => {
    const { roles, warnings } = assignRoles([{ label: 'x', role: 'bot' }, ...turns], {
      speakers: { A: 'agent' },
      direction: 'inbound',
    });
    expect(roles).toEqual(['bot', 'unknown', 'agent', 'unknown', 'unknown', 'agent']);
    expect(warnings).toEqual(['speaker role unknown for "B", "C": map them with the `speakers` option']);
  });

  it('never infers from direction unless asked', () => {
    expect(assignRoles(turns, { direction: 'inbound' }).roles.every((r) => r === 'unknown')).toBe(true);
  });

  it('inbound: the first speaker is the agent (the business answers), the second the customer, others unknown', () => {
    const { roles, warnings } = assignRoles(turns, { direction: 'inbound', inferFromDirection: true });
    expect(roles).toEqual(['agent', 'customer', 'agent', 'unknown', 'customer']);
    expect(warnings[0]).toBe(
      'speaker roles inferred from the inbound call direction: B = agent, A = customer',
    );
  });

  it('outbound: the first speaker is the customer (they answer), the second the agent', () => {
    expect(assignRoles(turns, { direction: 'outbound', inferFromDirection: true }).roles).toEqual([
      'customer',
      'agent',
      'customer',
      'unknown',
      'agent',
    ]);
  });

  it('inference skips speakers the map already names', () => {
    expect(
      assignRoles(turns, { direction: 'inbound', inferFromDirection: true, speakers: { B: 'bot' } }).roles,
    ).toEqual(['bot', 'agent', 'bot', 'customer', 'agent']);
  });

  it('reads provider role words', () => {
    expect(
      [
        'AGENT',
        'CUSTOMER',
        'Customer',
        'HUMAN_AGENT',
        'AI_AGENT',
        'SYSTEM',
        'SUPERVISOR',
        'custom-bot',
        'Jane',
      ].map(roleFromWord),
    ).toEqual(['agent', 'customer', 'customer', 'agent', 'bot', 'bot', 'agent', 'bot', undefined]);
  });

  it('treats names of built-in object properties as words, not roles', () => {
    expect(['constructor', 'toString', '__proto__', 'hasOwnProperty'].map(roleFromWord)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('applies to a whole transcript: Deepgram-style labels on an outbound call', () => {
    const event = parseTranscript(
      {
        callId: 'c1',
        startedAt: '2026-03-02T15:00:00Z',
        direction: 'outbound',
        from: '+14155550199',
        to: '+14155550100',
        turns: [
          { speaker: '1', text: 'Hello?', startMs: 0, endMs: 500 },
          { speaker: '0', text: 'Hi, this is Acme calling about your order.', startMs: 700, endMs: 3000 },
        ],
      },
      { inferFromDirection: true },
    )[0]!;
    if (event.type !== 'message') throw new Error('expected a message');
    expect(event.message.text).toBe('Customer: Hello?\nAgent: Hi, this is Acme calling about your order.');
  });
});
