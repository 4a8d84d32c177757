import { normalizeMessageId } from '../mime/ids.js';
import { attach, byDate, type Container, detach, isDescendant, settleDate, timeOf } from './container.js';
import { groupBySubject } from './group.js';

/** What threading needs of a message. `ParsedEmail` fits as it is. */
export interface Threadable {
  messageId?: string;
  references?: readonly string[];
  inReplyTo?: readonly string[];
  subject?: string;
  /** The Date header (string) or a time in ms. Unparsable → `receivedAt`. */
  date?: string | number;
  /** Fallback date (mbox `From ` line, IMAP INTERNALDATE), ISO 8601 or ms. */
  receivedAt?: string | number;
  /** Addresses of the sender and recipients, for bounded subject grouping. */
  participants?: readonly string[];
  /** Used for bounded subject grouping when `participants` is absent (a `ParsedEmail` has these). */
  from?: { address: string };
  to?: readonly { address: string }[];
  cc?: readonly { address: string }[];
}

/** The people of a message: `participants`, else From, To and Cc. */
export function peopleOf(message: Threadable): string[] {
  const list = message.participants ?? [
    ...(message.from ? [message.from.address] : []),
    ...(message.to ?? []).map((a) => a.address),
    ...(message.cc ?? []).map((a) => a.address),
  ];
  return list.map((p) => p.toLowerCase());
}

/** A node of a thread tree; `message` is absent on placeholders for messages we do not have. */
export interface ThreadNode<T> {
  message?: T;
  /** Position of the message in the input (for placeholders, of their first child). */
  index: number;
  /** The Message-ID this node stands for (missing ids get a synthetic one). */
  messageId: string;
  children: ThreadNode<T>[];
}

export interface ThreadOptions {
  /**
   * Grouping of threads by subject after the header pass:
   * - `'bounded'` (default): only a reply ("Re: …") that carries no References/In-Reply-To at all
   *   (Outlook) joins an earlier thread of the same base subject, and only when they share a
   *   participant and are at most `subjectWindowMs` apart.
   * - `'rfc5256'`: RFC 5256 THREAD=REFERENCES step 5 as written (what IMAP servers do).
   * - `'off'`: headers only.
   */
  subjectGrouping?: 'bounded' | 'rfc5256' | 'off';
  /** Largest gap for bounded subject grouping. Default 30 days. */
  subjectWindowMs?: number;
}

/** RFC 5256 step 3 without recursion (threads can be very deep). */
function prune<T>(roots: Container<T>[]): Container<T>[] {
  const fake: Container<T> = { id: '', index: -1, date: 0, children: roots };
  for (const r of roots) r.parent = fake;
  const stack: Container<T>[] = [fake];
  while (stack.length > 0) {
    const parent = stack.pop()!;
    const next: Container<T>[] = [];
    // A stack in reverse order: pop() gives the next child in order, in O(1).
    const queue = [...parent.children].reverse();
    while (queue.length > 0) {
      const child = queue.pop()!;
      if (!child.message && child.children.length === 0) continue;
      if (!child.message && (parent !== fake || child.children.length === 1)) {
        // Promote the placeholder's children to this level and look at them again.
        for (let k = child.children.length - 1; k >= 0; k--) queue.push(child.children[k]!);
        continue;
      }
      child.parent = parent;
      next.push(child);
      stack.push(child);
    }
    parent.children = next;
  }
  for (const r of fake.children) r.parent = undefined;
  return fake.children;
}

/** Sorts every sibling list by date (ties by input order), children before parents. */
function sortTree<T>(roots: Container<T>[]): void {
  const order: Container<T>[] = [];
  const stack = [...roots];
  while (stack.length > 0) {
    const c = stack.pop()!;
    order.push(c);
    stack.push(...c.children);
  }
  for (let i = order.length - 1; i >= 0; i--) {
    const c = order[i]!;
    if (c.children.length > 1) c.children.sort(byDate);
    settleDate(c);
  }
}

function toNodes<T>(roots: Container<T>[]): ThreadNode<T>[] {
  const convert = (c: Container<T>): ThreadNode<T> => {
    const node: ThreadNode<T> = { index: c.index, messageId: c.id, children: [] };
    if (c.message !== undefined) node.message = c.message;
    return node;
  };
  const out = roots.map(convert);
  const stack: [Container<T>, ThreadNode<T>][] = roots.map((r, i) => [r, out[i]!]);
  while (stack.length > 0) {
    const [c, node] = stack.pop()!;
    for (const child of c.children) {
      const n = convert(child);
      node.children.push(n);
      stack.push([child, n]);
    }
  }
  return out;
}

/**
 * Threads messages with the JWZ algorithm as specified by RFC 5256 (THREAD=REFERENCES): References
 * (else In-Reply-To) link parents, missing parents become placeholders, loops are never created,
 * duplicate and missing Message-IDs get unique ids, placeholders are pruned, siblings and threads
 * are sorted by date (ties in input order), then threads are grouped by subject as configured.
 *
 * @example
 * ```ts
 * const threads = threadMessages(await Promise.all(raws.map((r) => parseMime(r))));
 * threads[0].children[0].message?.subject;
 * ```
 */
export function threadMessages<T extends Threadable>(
  messages: readonly T[],
  options: ThreadOptions = {},
): ThreadNode<T>[] {
  const table = new Map<string, Container<T>>();
  const all: Container<T>[] = [];
  const get = (id: string, index: number): Container<T> => {
    let c = table.get(id);
    if (!c) {
      c = { id, index, date: Number.NaN, children: [] };
      table.set(id, c);
      all.push(c);
    }
    return c;
  };
  messages.forEach((message, index) => {
    let id = message.messageId ? normalizeMessageId(message.messageId) : '';
    if (!id || table.get(id)?.message !== undefined) id = `\u0000${index}@unique`;
    const own = get(id, index);
    own.message = message;
    own.index = index;
    const date = timeOf(message.date);
    own.date = Number.isNaN(date) ? timeOf(message.receivedAt) : date;
    if (Number.isNaN(own.date)) own.date = 0;
    let refs = (message.references ?? []).map(normalizeMessageId).filter(Boolean);
    if (refs.length === 0)
      refs = (message.inReplyTo ?? []).slice(0, 1).map(normalizeMessageId).filter(Boolean);
    let previous: Container<T> | undefined;
    for (const ref of refs) {
      const c = get(ref, index);
      // Link the chain the References imply, never changing an existing parent, never looping.
      if (previous && previous !== c && !c.parent && !isDescendant(previous, c)) attach(previous, c);
      previous = c;
    }
    // Our own parent is the last reference: the message's word beats what others implied.
    detach(own);
    if (previous && previous !== own && !isDescendant(previous, own)) attach(previous, own);
  });
  let roots = prune(all.filter((c) => !c.parent));
  sortTree(roots);
  roots.sort(byDate);
  const mode = options.subjectGrouping ?? 'bounded';
  if (mode !== 'off') roots = groupBySubject(roots, mode, options.subjectWindowMs ?? 30 * 24 * 3_600_000);
  sortTree(roots);
  return toNodes(roots);
}

/** Formats threads as an IMAP THREAD response body: `(3 2)(1)`, numbers from `numberOf`. */
export function formatThreads<T>(
  threads: readonly ThreadNode<T>[],
  numberOf: (node: ThreadNode<T>) => number,
): string {
  const list = (start: ThreadNode<T>): string => {
    const members: string[] = [];
    let node: ThreadNode<T> | undefined = start;
    let nested = '';
    while (node) {
      if (node.message !== undefined) members.push(String(numberOf(node)));
      if (node.children.length === 1) node = node.children[0];
      else {
        nested = node.children.map((c) => `(${list(c)})`).join('');
        node = undefined;
      }
    }
    return [members.join(' '), nested].filter(Boolean).join(' ');
  };
  return threads.map((t) => `(${list(t)})`).join('');
}
