import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InboundEvent } from '../model/events.js';
import { memoryStore } from '../store/memory.js';
import { createHub, type Hub } from './hub.js';
import { at, canonical, email, msg, phone } from './test-helpers.js';

// Fixed seed and modest run counts keep CI fast and reproducible; `pnpm fuzz` runs more.
const runs = Number(process.env.OMNITHREAD_PROPERTY_RUNS ?? 60);
const params = { seed: 20261123, numRuns: runs };

function newHub(): Hub {
  return createHub({ store: memoryStore(), clock: () => new Date(at(10_000)) });
}

async function ingestAll(hub: Hub, events: InboundEvent[]) {
  for (const e of events) await hub.ingest(e);
}

/** A random email forest: each message optionally answers an earlier one, with full References or only In-Reply-To. */
const emailForest = fc
  .array(
    fc.record({
      parent: fc.option(fc.nat(), { nil: undefined }),
      sender: fc.integer({ min: 0, max: 2 }),
      fullRefs: fc.boolean(),
    }),
    {
      minLength: 1,
      maxLength: 12,
    },
  )
  .map((nodes) => {
    const parents = nodes.map((n, i) => (n.parent === undefined || i === 0 ? undefined : n.parent % i));
    const ancestors = (i: number): number[] =>
      parents[i] === undefined ? [] : [...ancestors(parents[i]!), parents[i]!];
    const events = nodes.map((n, i) => {
      const refs = n.fullRefs ? ancestors(i) : parents[i] === undefined ? [] : [parents[i]!];
      return msg('email', email(`user${n.sender}@example.org`), i, `m${i}`, {
        external: { id: `<m${i}@example.org>` },
        thread: { keys: [`email:m${i}@example.org`], refs: refs.map((r) => `email:m${r}@example.org`) },
      });
    });
    const root = (i: number): number => (parents[i] === undefined ? i : root(parents[i]!));
    const trees = new Map<number, string[]>();
    for (let i = 0; i < nodes.length; i++)
      trees.set(root(i), [...(trees.get(root(i)) ?? []), `<m${i}@example.org>`]);
    return { events, trees: [...trees.values()].map((t) => t.sort().join(' ')).sort() };
  });

describe('placement engine properties', () => {
  it('ingesting the same events twice changes nothing', async () => {
    const events = fc.array(
      fc.record({
        channel: fc.constantFrom('sms', 'whatsapp', 'email'),
        who: fc.integer({ min: 0, max: 3 }),
        hour: fc.integer({ min: 0, max: 200 }),
      }),
      { minLength: 1, maxLength: 15 },
    );
    await fc.assert(
      fc.asyncProperty(events, fc.infiniteStream(fc.boolean()), async (specs, coin) => {
        const list = specs.map((s, i) => {
          const id =
            s.channel === 'email'
              ? email(`c${s.who}@example.org`)
              : s.channel === 'sms'
                ? phone(`+1415555010${s.who}`)
                : { kind: 'whatsapp', value: `1415555010${s.who}` };
          return msg(s.channel, id, s.hour, `t${i}`, { external: { id: `e${i}` } });
        });
        const once = newHub();
        await ingestAll(once, list);
        const twice = newHub();
        for (const e of list) {
          await twice.ingest(e);
          if (coin.next().value) await twice.ingest(e);
        }
        await ingestAll(twice, list);
        expect(await canonical(twice)).toEqual(await canonical(once));
      }),
      params,
    );
  });

  it('email replies delivered before their parents end in the same conversations as in order (JWZ trees)', async () => {
    await fc.assert(
      fc.asyncProperty(
        emailForest.chain((f) =>
          fc
            .shuffledSubarray(f.events, { minLength: f.events.length })
            .map((shuffled) => ({ ...f, shuffled })),
        ),
        async ({ events, trees, shuffled }) => {
          const inOrder = newHub();
          await ingestAll(inOrder, events);
          const outOfOrder = newHub();
          await ingestAll(outOfOrder, shuffled);
          const groups = async (hub: Hub) =>
            Promise.all(
              (await hub.conversations.list({ limit: 1000 })).items.map(async (c) =>
                (await hub.conversations.messages(c.id, { limit: 1000 })).items
                  .map((m) => m.external.id)
                  .sort()
                  .join(' '),
              ),
            ).then((g) => g.sort());
          expect(await groups(inOrder)).toEqual(trees);
          expect(await groups(outOfOrder)).toEqual(trees);
        },
      ),
      params,
    );
  });

  it('statuses that precede their message are kept and applied when it arrives, in any order', async () => {
    const spec = fc.array(
      fc.constantFrom(
        ['sent'],
        ['sent', 'delivered'],
        ['sent', 'delivered', 'read'],
        ['sent', 'failed'],
        ['queued', 'sent', 'undelivered'],
      ),
      {
        minLength: 1,
        maxLength: 6,
      },
    );
    await fc.assert(
      fc.asyncProperty(
        spec.chain((s) => {
          const events: InboundEvent[] = [];
          s.forEach((statuses, i) => {
            events.push(msg('sms', phone('+14155550100'), i, `m${i}`, { external: { id: `SM${i}` } }));
            for (const [k, status] of statuses.entries()) {
              events.push({
                type: 'status',
                status: {
                  channel: 'sms',
                  externalId: `SM${i}`,
                  status: status as 'sent',
                  at: at(i + (k + 1) / 10),
                },
              });
            }
          });
          return fc
            .shuffledSubarray(events, { minLength: events.length })
            .map((shuffled) => ({ events, shuffled }));
        }),
        async ({ events, shuffled }) => {
          const inOrder = newHub();
          await ingestAll(inOrder, events);
          const outOfOrder = newHub();
          await ingestAll(outOfOrder, shuffled);
          expect(await canonical(outOfOrder)).toEqual(await canonical(inOrder));
          for (const hub of [inOrder, outOfOrder]) {
            for (const c of (await hub.conversations.list()).items) {
              for (const m of (await hub.conversations.messages(c.id)).items)
                expect(m.status).not.toBe('received');
            }
          }
        },
      ),
      params,
    );
  });

  it('contact merges in any order give the same final grouping and survivors', async () => {
    const merges = fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 })), {
      minLength: 1,
      maxLength: 8,
    });
    await fc.assert(
      fc.asyncProperty(
        merges.chain((m) =>
          fc.shuffledSubarray(m, { minLength: m.length }).map((shuffled) => ({ m, shuffled })),
        ),
        async ({ m, shuffled }) => {
          const outcome = async (order: Array<[number, number]>) => {
            const hub = newHub();
            const ids: string[] = [];
            for (let i = 0; i < 6; i++) {
              const r = await hub.ingest(
                msg('sms', phone(`+1415555020${i}`), i, 'hi', { external: { id: `SMm${i}` } }),
              );
              if (r.type === 'message') ids.push(r.contact.id);
            }
            for (const [a, b] of order) await hub.contacts.merge(ids[a]!, ids[b]!);
            // Survivor index per original contact (ids differ between hubs, positions do not).
            const survivors = await Promise.all(
              ids.map(async (id) => ids.indexOf((await hub.contacts.get(id)).id)),
            );
            return { survivors, state: await canonical(hub) };
          };
          const forward = await outcome(m);
          const reversed = await outcome([...shuffled].reverse().map(([a, b]) => [b, a] as [number, number]));
          expect(reversed).toEqual(forward);
        },
      ),
      params,
    );
  });

  it('an unverified identity never merges two existing contacts', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })), {
          minLength: 1,
          maxLength: 10,
        }),
        async (claims) => {
          const hub = newHub();
          for (let i = 0; i < 4; i++) await hub.ingest(msg('email', email(`p${i}@example.org`), i, 'hello'));
          let hour = 10;
          for (const [who, claimed] of claims) {
            await hub.ingest(
              msg('email', email(`p${who}@example.org`), hour++, 'it is me', {
                links: [{ identity: email(`p${claimed}@example.org`), trust: 'unverified' }],
              }),
            );
            await hub.ingest(
              msg('email', email(`p${who}@example.org`), hour++, 'spoofed', {
                trust: 'unverified',
                links: [{ identity: email(`p${claimed}@example.org`), trust: 'provider' }],
              }),
            );
          }
          const contacts = (await hub.contacts.list()).items;
          expect(contacts).toHaveLength(4);
          for (const c of contacts) expect(c.identities).toHaveLength(1);
        },
      ),
      params,
    );
  });

  it('a linked customer switching through channels in any order stays in one conversation, every switch recorded', async () => {
    const channels = fc.shuffledSubarray(['email', 'sms', 'whatsapp', 'voice'], { minLength: 4 });
    await fc.assert(
      fc.asyncProperty(channels, async (order) => {
        const hub = newHub();
        const ids: Record<string, { kind: string; value: string }> = {
          email: email('dana@example.org'),
          sms: phone('+14155550100'),
          whatsapp: { kind: 'whatsapp', value: '14155550100' },
          voice: phone('+14155550100'),
        };
        const first = await hub.ingest(msg(order[0]!, ids[order[0]!]!, 0, 'start'));
        if (first.type !== 'message') throw new Error('expected a message');
        await hub.contacts.link(first.contact.id, email('dana@example.org'));
        await hub.contacts.link(first.contact.id, phone('+14155550100'));
        for (const [i, channel] of order.slice(1).entries())
          await hub.ingest(msg(channel, ids[channel]!, i + 1, `step ${i}`));
        const conversations = (await hub.conversations.list()).items;
        expect(conversations).toHaveLength(1);
        expect(conversations[0]!.channels).toEqual(order);
        expect(conversations[0]!.switches).toHaveLength(3);
      }),
      { ...params, numRuns: Math.min(runs, 24) },
    );
  });
});
