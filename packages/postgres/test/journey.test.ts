import { describe, expect, it } from 'vitest';
import { customerOf, inPartition, journeyEvents } from '../harness/journey.mjs';

describe('the benchmark journey split between writers', () => {
  const events = journeyEvents({ phoneCustomers: 50, emailThreads: 15 });
  it('by customer: every event goes to exactly one writer, and all of a customer’s to the same one', () => {
    const writerOf = new Map<string, number>();
    for (const [position, event] of events.entries()) {
      const writers = [0, 1, 2, 3, 4, 5, 6, 7].filter((index) =>
        inPartition(event, position, { index, of: 8, by: 'customer' }),
      );
      expect(writers).toHaveLength(1);
      const customer = customerOf(event);
      expect(writerOf.get(customer) ?? writers[0]).toBe(writers[0]);
      writerOf.set(customer, writers[0]!);
    }
    // One person on SMS, WhatsApp and our replies' statuses; each email sender apart.
    expect(writerOf.size).toBe(65);
    expect(new Set(writerOf.values()).size).toBe(8);
  });
  it('by event: every other event, whoever it is about', () => {
    const counts = [0, 1, 2].map(
      (index) => events.filter((e, i) => inPartition(e, i, { index, of: 3 })).length,
    );
    expect(counts.reduce((a, b) => a + b)).toBe(events.length);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
  });
});
