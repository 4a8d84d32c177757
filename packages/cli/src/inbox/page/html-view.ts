/**
 * The formatted view of an HTML email on the page: the server's sanitized document
 * (`/api/messages/:id/html`, with its own strict Content-Security-Policy) in a sandboxed iframe, and a
 * toggle between it and the text. The page never parses the HTML itself.
 */
import type { MessageView } from '../views.js';
import { h } from './dom.js';

export type BodyView = 'formatted' | 'text';

/** Email with HTML opens formatted; every other channel opens as text (its HTML, if any, one click away). */
export const defaultView = (m: MessageView): BodyView =>
  m.hasHtml && m.channel === 'email' ? 'formatted' : 'text';

/**
 * The iframe's sandbox tokens. Without `allow-scripts` nothing in the email runs; without
 * `allow-same-origin` the frame is an opaque origin that cannot reach this page, its storage or its API;
 * without `allow-top-navigation` or `allow-forms` it cannot take the page away or post anything.
 * Links: the frame's document sets `<base target="_blank">` and every link carries
 * `rel="noopener noreferrer"`, so a click opens a new tab (`allow-popups`) where the linked site runs
 * unsandboxed in its own origin (`allow-popups-to-escape-sandbox`) with no handle on, and no Referer
 * from, the inbox. Without these a click would either do nothing or load the site inside the frame.
 */
export const FRAME_SANDBOX = 'allow-popups allow-popups-to-escape-sandbox';

export function htmlFrame(m: MessageView): HTMLElement {
  return h(
    'div',
    { class: 'html-frame' },
    h('iframe', {
      // Set before `src`: the sandbox applies from the first load.
      sandbox: FRAME_SANDBOX,
      src: `/api/messages/${encodeURIComponent(m.id)}/html`,
      referrerpolicy: 'no-referrer',
      title: 'Email, formatted (sanitized; remote images are not loaded)',
      'data-testid': 'message-html',
    }),
  );
}

/** "Formatted | Text" for a message with HTML. */
export function viewToggle(current: BodyView, onChange: (view: BodyView) => void): HTMLElement {
  const button = (view: BodyView, label: string) =>
    h(
      'button',
      {
        type: 'button',
        'aria-pressed': String(view === current),
        'data-testid': `view-${view}`,
        onclick: () => {
          if (view !== current) onChange(view);
        },
      },
      label,
    );
  return h(
    'span',
    { class: 'view-toggle', role: 'group', 'aria-label': 'Show the email' },
    button('formatted', 'Formatted'),
    button('text', 'Text'),
  );
}
