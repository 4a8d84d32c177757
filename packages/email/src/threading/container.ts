/** The mutable tree of the JWZ pass. */
export interface Container<T> {
  id: string;
  message?: T;
  index: number;
  date: number;
  parent?: Container<T>;
  children: Container<T>[];
}

export function timeOf(value: string | number | undefined): number {
  if (typeof value === 'number') return value;
  if (!value) return Number.NaN;
  return Date.parse(value);
}

export function detach<T>(c: Container<T>): void {
  const p = c.parent;
  if (!p) return;
  const at = p.children.indexOf(c);
  if (at >= 0) p.children.splice(at, 1);
  c.parent = undefined;
}

export function attach<T>(parent: Container<T>, child: Container<T>): void {
  detach(child);
  child.parent = parent;
  parent.children.push(child);
}

/** Whether `node` is `ancestor` or lies below it. */
export function isDescendant<T>(node: Container<T>, ancestor: Container<T>): boolean {
  for (let c: Container<T> | undefined = node; c; c = c.parent) if (c === ancestor) return true;
  return false;
}

export const byDate = <T>(a: Container<T>, b: Container<T>) => a.date - b.date || a.index - b.index;

/** Date of a container for sorting: its message's, or (placeholder) its first child's after sorting. */
export function settleDate<T>(c: Container<T>): void {
  if (!c.message && c.children.length > 0) {
    c.date = c.children[0]!.date;
    c.index = c.children[0]!.index;
  }
}
