import { attach, type Container } from './container.js';
import { peopleOf, type Threadable } from './jwz.js';
import { baseSubject } from './subject.js';

const subjectOf = <T extends Threadable>(c: Container<T>): string | undefined =>
  c.message ? c.message.subject : c.children[0]?.message?.subject;

/** RFC 5256 step 5: merge root threads that share a base subject. */
function groupRfc5256<T extends Threadable>(roots: Container<T>[]): Container<T>[] {
  const table = new Map<string, Container<T>>();
  const info = new Map<Container<T>, { base: string; isReply: boolean }>();
  for (const root of roots) {
    const subject = baseSubject(subjectOf(root));
    info.set(root, subject);
    if (!subject.base) continue;
    const entry = table.get(subject.base);
    if (!entry) table.set(subject.base, root);
    else if ((!root.message && entry.message) || (info.get(entry)!.isReply && !subject.isReply))
      table.set(subject.base, root);
  }
  const position = new Map<Container<T>, number>(roots.map((r, i) => [r, i]));
  const out: (Container<T> | undefined)[] = [...roots];
  for (const root of roots) {
    const { base, isReply } = info.get(root)!;
    if (!base || out[position.get(root)!] !== root) continue;
    const entry = table.get(base)!;
    if (entry === root) continue;
    out[position.get(root)!] = undefined;
    if (!entry.message && !root.message) {
      for (const child of [...root.children]) attach(entry, child);
    } else if (!entry.message) {
      attach(entry, root);
    } else if (!root.message) {
      // The entry joins the placeholder, which takes the entry's place.
      attach(root, entry);
      out[position.get(entry)!] = root;
      position.set(root, position.get(entry)!);
      table.set(base, root);
    } else if (isReply && !info.get(entry)!.isReply) {
      attach(entry, root);
    } else {
      const dummy: Container<T> = {
        id: `\u0000subject:${base}`,
        index: entry.index,
        date: entry.date,
        children: [],
      };
      const at = position.get(entry)!;
      attach(dummy, entry);
      attach(dummy, root);
      out[at] = dummy;
      position.set(dummy, at);
      table.set(base, dummy);
      info.set(dummy, { base, isReply: false });
    }
  }
  return out.filter((c): c is Container<T> => c !== undefined);
}

function participantsOf<T extends Threadable>(c: Container<T>, into: Set<string>): void {
  const stack = [c];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.message) for (const p of peopleOf(node.message)) into.add(p);
    stack.push(...node.children);
  }
}

/**
 * Bounded grouping for helpdesk use: a reply with no References and no In-Reply-To (Outlook)
 * joins the latest earlier thread of the same base subject that shares a participant with it and
 * was active at most `windowMs` before it. Fresh subjects and replies with headers never move.
 */
function groupBounded<T extends Threadable>(roots: Container<T>[], windowMs: number): Container<T>[] {
  const bySubject = new Map<string, { root: Container<T>; people: Set<string>; last: number }[]>();
  const out: Container<T>[] = [];
  for (const root of roots) {
    const subject = baseSubject(subjectOf(root));
    const m = root.message;
    const headerless =
      m !== undefined && (m.references?.length ?? 0) === 0 && (m.inReplyTo?.length ?? 0) === 0;
    if (subject.base && headerless && subject.isReply && root.children.length === 0) {
      const mine = new Set(peopleOf(m));
      const candidates = bySubject.get(subject.base) ?? [];
      const target = candidates
        .filter(
          (c) =>
            root.date >= c.root.date &&
            root.date - c.last <= windowMs &&
            [...mine].some((p) => c.people.has(p)),
        )
        .sort((a, b) => b.last - a.last)[0];
      if (target) {
        attach(target.root, root);
        target.last = Math.max(target.last, root.date);
        for (const p of mine) target.people.add(p);
        continue;
      }
    }
    out.push(root);
    if (subject.base) {
      const people = new Set<string>();
      participantsOf(root, people);
      let last = root.date;
      const stack = [root];
      while (stack.length > 0) {
        const node = stack.pop()!;
        if (node.message) last = Math.max(last, node.date);
        stack.push(...node.children);
      }
      const list = bySubject.get(subject.base) ?? [];
      list.push({ root, people, last });
      bySubject.set(subject.base, list);
    }
  }
  return out;
}

export function groupBySubject<T extends Threadable>(
  roots: Container<T>[],
  mode: 'bounded' | 'rfc5256',
  windowMs: number,
): Container<T>[] {
  return mode === 'rfc5256' ? groupRfc5256(roots) : groupBounded(roots, windowMs);
}
