/**
 * DOM helpers of the inbox page. Text goes in through `textContent` only: nothing a customer wrote
 * is ever parsed as HTML by the page (an email's HTML is sanitized by the server and shown in a
 * sandboxed iframe, see html-view.ts).
 */
type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | ((event: Event) => void) | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.replace(/^on/, ''), value);
    else if (name === 'class') el.className = String(value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

export function append(el: Element, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(
      typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child,
    );
  }
}

export function $(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from the page`);
  return el;
}

export function clear(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

const CHANNEL_LABELS: Record<string, [short: string, name: string]> = {
  email: ['@', 'Email'],
  sms: ['SMS', 'SMS'],
  whatsapp: ['WA', 'WhatsApp'],
  voice: ['☎', 'Phone call'],
  x: ['𝕏', 'X (Twitter) DM'],
  messenger: ['FB', 'Messenger'],
  instagram: ['IG', 'Instagram'],
};

export const channelName = (channel: string) => CHANNEL_LABELS[channel]?.[1] ?? channel;

export function channelIcon(channel: string): HTMLElement {
  const [short, name] = CHANNEL_LABELS[channel] ?? [channel.slice(0, 3).toUpperCase(), channel];
  const known = channel in CHANNEL_LABELS;
  return h(
    'span',
    { class: `ch ${known ? `ch-${channel}` : 'ch-other'}`, title: name, 'data-channel': channel },
    short,
  );
}

export function when(iso: string): string {
  const d = new Date(iso);
  const days = Math.floor((Date.now() - d.getTime()) / 86_400_000);
  const time = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  if (days <= 0 && new Date().toDateString() === d.toDateString()) return time;
  return `${d.toLocaleDateString([], { weekday: 'short', month: 'short', day: 'numeric' })} ${time}`;
}

export function bytes(size: number): string {
  if (size < 0) return 'size unknown';
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KB`;
  return `${(size / 1024 / 1024).toFixed(1)} MB`;
}

export function identityText(identity: { kind: string; value: string }): string {
  return `${identity.kind} ${identity.value}`;
}
