import { timeOf } from './container.js';
import type { Threadable, ThreadNode } from './jwz.js';
import { baseSubject } from './subject.js';

/**
 * RFC 5256 THREAD=ORDEREDSUBJECT ("poor man's threading"): messages grouped by base subject, each
 * group ordered by date; the first message of a group is the parent of all the others; groups
 * ordered by the date of their first message.
 */
export function threadOrderedSubject<T extends Threadable>(messages: readonly T[]): ThreadNode<T>[] {
  const dated = messages.map((message, index) => {
    const date = timeOf(message.date);
    const when = Number.isNaN(date) ? timeOf(message.receivedAt) : date;
    return { message, index, date: Number.isNaN(when) ? 0 : when, base: baseSubject(message.subject).base };
  });
  dated.sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : a.date - b.date || a.index - b.index));
  const threads: { node: ThreadNode<T>; date: number; index: number }[] = [];
  let current: { node: ThreadNode<T>; base: string } | undefined;
  for (const d of dated) {
    const node: ThreadNode<T> = {
      message: d.message,
      index: d.index,
      messageId: d.message.messageId ?? '',
      children: [],
    };
    if (current && current.base === d.base) current.node.children.push(node);
    else {
      current = { node, base: d.base };
      threads.push({ node, date: d.date, index: d.index });
    }
  }
  threads.sort((a, b) => a.date - b.date || a.index - b.index);
  return threads.map((t) => t.node);
}
