import type { Contact, Conversation } from '@omnithread/core';
import type { OutboxEntry } from '../outbox.js';
import type { ChannelReplyState, MessageView } from '../views.js';
import { $, append, bytes, channelIcon, channelName, clear, h, identityText, when } from './dom.js';
import { type BodyView, defaultView, htmlFrame, viewToggle } from './html-view.js';

interface ConversationItem {
  id: string;
  status: Conversation['status'];
  subject?: string;
  channels: string[];
  lastMessageAt: string;
  contact?: { id: string; name?: string; label: string; identities: number };
  preview?: { channel: string; direction: string; status: string; text: string; call: boolean };
}

interface ConversationDetail {
  conversation: Conversation;
  messages: MessageView[];
  contacts: Contact[];
  reply: { defaultChannel?: string; channels: ChannelReplyState[] };
}

const state: {
  selected?: string;
  detail?: ConversationDetail;
  highlight?: string;
  /** Message ids whose placement reason is open. */
  openReasons: Set<string>;
  /** Messages with HTML the agent switched between formatted and text. */
  views: Map<string, BodyView>;
  chosenChannel?: string;
} = { openReasons: new Set(), views: new Map() };

async function api<T>(path: string, init?: { method: string; body: unknown }): Promise<T> {
  const response = await fetch(path, {
    method: init?.method ?? 'GET',
    headers: init ? { 'content-type': 'application/json' } : {},
    ...(init ? { body: JSON.stringify(init.body) } : {}),
  });
  const data = (await response.json()) as T & { error?: { message: string } };
  if (!response.ok) throw new Error(data.error?.message ?? `${response.status}`);
  return data;
}

// ---------- conversation list ----------

async function renderList(): Promise<void> {
  const { items } = await api<{ items: ConversationItem[] }>('/api/conversations?limit=100');
  const list = $('conversations');
  if (items.length === 0) {
    clear(
      list,
      h('li', { class: 'empty' }, 'No conversations yet. Point a provider webhook at /webhooks/<channel>.'),
    );
    return;
  }
  if (!state.selected && items[0]) void select(items[0].id);
  clear(
    list,
    ...items.map((c) =>
      h(
        'li',
        {
          class: `conv${c.id === state.selected ? ' selected' : ''}`,
          'data-testid': 'conversation',
          'data-id': c.id,
          onclick: () => void select(c.id),
        },
        h(
          'div',
          { class: 'row' },
          h('span', { class: 'name' }, c.contact?.label ?? 'unknown'),
          h('span', { class: 'when', title: c.lastMessageAt }, when(c.lastMessageAt)),
        ),
        h(
          'div',
          { class: 'row' },
          h('span', {}, ...c.channels.map(channelIcon)),
          h('span', { class: `status ${c.status}` }, c.status),
        ),
        c.subject ? h('div', { class: 'subject' }, c.subject) : null,
        c.preview
          ? h(
              'div',
              { class: 'preview' },
              c.preview.direction === 'outbound' ? '↩ ' : '',
              c.preview.call ? '☎ call ' : '',
              c.preview.text,
            )
          : null,
      ),
    ),
  );
}

// ---------- one conversation ----------

async function select(id: string, highlight?: string): Promise<void> {
  if (state.selected !== id) {
    state.openReasons.clear();
    state.chosenChannel = undefined;
  }
  state.selected = id;
  state.highlight = highlight;
  for (const el of document.querySelectorAll('.conv'))
    el.classList.toggle('selected', el.getAttribute('data-id') === id);
  await renderConversation();
}

function formatMs(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

function messageItem(m: MessageView, contacts: Contact[]): HTMLElement {
  const contact = contacts.find((c) => c.id === m.contactId);
  const from = m.direction === 'outbound' ? 'Agent' : (contact?.name ?? identityText(m.from));
  const reasonOpen = state.openReasons.has(m.id);
  const placementText = `${m.placement.rule}: ${m.placement.reason}`;
  const view = m.hasHtml ? (state.views.get(m.id) ?? defaultView(m)) : 'text';
  const toggle = h(
    'button',
    {
      class: 'why',
      type: 'button',
      'data-testid': 'placement-toggle',
      'aria-expanded': String(reasonOpen),
      title: placementText,
      onclick: () => {
        if (state.openReasons.has(m.id)) state.openReasons.delete(m.id);
        else state.openReasons.add(m.id);
        void renderConversation();
      },
    },
    reasonOpen ? 'hide why' : 'why here?',
  );
  const item = h(
    'li',
    {
      class: `msg ${m.direction}${state.highlight === m.id ? ' highlight' : ''}`,
      'data-testid': 'message',
      'data-channel': m.channel,
      'data-id': m.id,
      title: `Placed by ${placementText}`,
    },
    h(
      'div',
      { class: 'head' },
      channelIcon(m.channel),
      h('span', { class: 'from' }, from),
      h(
        'span',
        {},
        m.direction === 'inbound' ? `→ via ${channelName(m.channel)}` : `← on ${channelName(m.channel)}`,
      ),
      h('span', { title: m.sentAt }, when(m.sentAt)),
      h(
        'span',
        {
          class: `dstatus ${m.status}`,
          'data-testid': 'delivery-status',
          title: m.statusHistory.map((s) => `${s.status} ${s.at}`).join('\n'),
        },
        m.status,
      ),
      m.visibility === 'public' ? h('span', { class: 'status pending' }, 'public') : null,
      toggle,
      m.hasHtml
        ? viewToggle(view, (next) => {
            state.views.set(m.id, next);
            void renderConversation();
          })
        : null,
    ),
    m.subject && m.channel === 'email' ? h('div', { class: 'subject' }, m.subject) : null,
  );
  if (m.transcript && m.transcript.turns.length > 0) {
    append(item, [
      h(
        'div',
        { class: 'quoted' },
        `Call${m.call?.durationMs ? `, ${formatMs(m.call.durationMs)}` : ''}${m.call?.status ? ` (${m.call.status})` : ''} · transcript`,
      ),
      h(
        'ol',
        { class: 'transcript', 'data-testid': 'transcript' },
        ...m.transcript.turns.map((t) =>
          h(
            'li',
            {},
            h('span', { class: 't' }, formatMs(t.startMs)),
            h('span', { class: `speaker ${t.speaker}` }, `${t.speaker}:`),
            t.text,
          ),
        ),
      ),
    ]);
  } else if (m.call && !m.text) {
    append(item, [
      h(
        'div',
        { class: 'quoted' },
        `Call ${m.call.status ?? ''}${m.call.durationMs ? `, ${formatMs(m.call.durationMs)}` : ''} (no transcript yet)`,
      ),
    ]);
  }
  const text = m.newText ?? m.text;
  if (view === 'formatted') append(item, [htmlFrame(m)]);
  else if (text) append(item, [h('div', { class: 'text', 'data-testid': 'message-text' }, text)]);
  if (view === 'text' && m.newText && m.newText !== m.text)
    append(item, [
      h(
        'details',
        { class: 'quoted' },
        h('summary', {}, 'quoted history'),
        h('div', { class: 'text' }, m.text),
      ),
    ]);
  if (m.attachments.length > 0) {
    append(item, [
      h(
        'ul',
        { class: 'attachments', 'data-testid': 'attachments' },
        ...m.attachments.map((a) =>
          h('li', {}, a.filename ?? a.caption ?? a.id, ` · ${a.contentType} · ${bytes(a.size)}`),
        ),
      ),
    ]);
  }
  if (m.warnings.length > 0) append(item, [h('div', { class: 'error' }, m.warnings.join('; '))]);
  if (reasonOpen) {
    append(item, [
      h(
        'div',
        { class: 'placement', 'data-testid': 'placement' },
        'Placed by ',
        h('b', {}, m.placement.rule),
        ': ',
        m.placement.reason,
      ),
    ]);
  }
  return item;
}

async function renderConversation(): Promise<void> {
  if (!state.selected) return;
  let detail: ConversationDetail;
  try {
    detail = await api<ConversationDetail>(`/api/conversations/${encodeURIComponent(state.selected)}`);
  } catch (error) {
    clear($('thread-head'), h('div', { class: 'error' }, (error as Error).message));
    return;
  }
  state.detail = detail;
  const { conversation, messages, contacts } = detail;
  clear(
    $('thread-head'),
    h(
      'h2',
      {},
      contacts[0]?.name ?? contacts[0]?.identities[0]?.value ?? 'Unknown contact',
      conversation.subject ? ` — ${conversation.subject}` : '',
    ),
    h(
      'div',
      { class: 'meta' },
      h('span', { 'data-testid': 'thread-channels' }, ...conversation.channels.map(channelIcon)),
      h(
        'span',
        { class: `status ${conversation.status}`, 'data-testid': 'thread-status' },
        conversation.status,
      ),
      h('span', {}, `${messages.length} messages · last activity ${when(conversation.lastMessageAt)}`),
      h(
        'select',
        {
          'aria-label': 'Status',
          onchange: (e: Event) => void setStatus((e.target as HTMLSelectElement).value),
        },
        ...(['open', 'pending', 'closed'] as const).map((s) =>
          h('option', { value: s, selected: s === conversation.status }, s),
        ),
      ),
    ),
  );
  const timeline = $('timeline');
  const items: HTMLElement[] = [];
  let previous: string | undefined;
  for (const m of messages) {
    if (previous && m.direction === 'inbound' && m.channel !== previous) {
      items.push(
        h(
          'li',
          { class: 'switch', 'data-testid': 'channel-switch' },
          h(
            'span',
            { class: 'switch-label' },
            `customer switched from ${channelName(previous)} to ${channelName(m.channel)}`,
          ),
        ),
      );
    }
    if (m.direction === 'inbound') previous = m.channel;
    items.push(messageItem(m, contacts));
  }
  const atBottom = timeline.scrollHeight - timeline.scrollTop - timeline.clientHeight < 40;
  clear(timeline, ...items);
  const target = state.highlight
    ? timeline.querySelector(`[data-id="${CSS.escape(state.highlight)}"]`)
    : null;
  if (target) target.scrollIntoView({ block: 'center' });
  else if (atBottom || !timeline.dataset.shown || timeline.dataset.shown !== conversation.id)
    timeline.scrollTop = timeline.scrollHeight;
  timeline.dataset.shown = conversation.id;
  renderReply(detail);
  await renderContact(contacts[0]);
}

async function setStatus(status: string): Promise<void> {
  if (!state.selected) return;
  await api(`/api/conversations/${encodeURIComponent(state.selected)}/status`, {
    method: 'POST',
    body: { status },
  });
  await Promise.all([renderList(), renderConversation()]);
}

// ---------- reply box ----------

function renderReply(detail: ConversationDetail): void {
  const form = $('reply') as HTMLFormElement;
  form.hidden = false;
  const select = $('reply-channel') as HTMLSelectElement;
  const states = detail.reply.channels;
  const chosen =
    state.chosenChannel && states.some((s) => s.channel === state.chosenChannel)
      ? state.chosenChannel
      : detail.reply.defaultChannel;
  clear(
    select,
    ...states.map((s) =>
      h(
        'option',
        { value: s.channel, selected: s.channel === chosen, disabled: !s.available && !s.templateOnly },
        `${channelName(s.channel)}${s.channel === detail.reply.defaultChannel ? ' (customer’s last channel)' : ''}${s.available ? '' : s.templateOnly ? ' — template only' : ' — unavailable'}`,
      ),
    ),
  );
  showChannelState(states.find((s) => s.channel === select.value));
  clear(
    $('reply-states'),
    ...states
      .filter((s) => s.note)
      .map((s) =>
        h(
          'li',
          {
            class: s.optedOut || (s.window && !s.window.open) ? 'blocked' : s.window?.open ? 'window' : '',
            'data-testid': `reply-state-${s.channel}`,
          },
          channelIcon(s.channel),
          s.note ?? '',
        ),
      ),
  );
}

/** The note of the chosen channel, and the template fields when only a template can go out. */
function showChannelState(state: ChannelReplyState | undefined): void {
  $('reply-note').textContent = state?.note ?? '';
  $('template-row').hidden = !state?.templateOnly;
  ($('reply-text') as HTMLTextAreaElement).required = !state?.templateOnly;
}

async function sendReply(event: Event): Promise<void> {
  event.preventDefault();
  const detail = state.detail;
  if (!detail || !state.selected) return;
  const text = ($('reply-text') as HTMLTextAreaElement).value.trim();
  const channel = ($('reply-channel') as HTMLSelectElement).value;
  const templateOnly = detail.reply.channels.find((s) => s.channel === channel)?.templateOnly;
  const template = templateOnly
    ? {
        name: ($('template-name') as HTMLInputElement).value.trim(),
        language: ($('template-language') as HTMLInputElement).value.trim(),
      }
    : undefined;
  if (template && !template.name) {
    $('reply-error').textContent = 'Name the approved template to send';
    return;
  }
  if (!text && !template) return;
  const button = document.querySelector<HTMLButtonElement>('[data-testid="reply-send"]')!;
  button.disabled = true;
  $('reply-error').textContent = '';
  try {
    // The default channel is the hub's own choice ("the customer's last channel"); others are explicit.
    const latestInbound = [...detail.messages].reverse().find((m) => m.direction === 'inbound');
    const body = {
      ...(text ? { text } : {}),
      ...(template ? { template } : {}),
      ...(channel && channel !== latestInbound?.channel ? { channel } : {}),
    };
    await api(`/api/conversations/${encodeURIComponent(state.selected)}/reply`, { method: 'POST', body });
    ($('reply-text') as HTMLTextAreaElement).value = '';
    await Promise.all([renderConversation(), renderOutbox(), renderList()]);
  } catch (error) {
    $('reply-error').textContent = (error as Error).message;
  } finally {
    button.disabled = false;
  }
}

// ---------- contact panel ----------

async function renderContact(contact: Contact | undefined): Promise<void> {
  const panel = $('contact');
  if (!contact) {
    clear(panel);
    return;
  }
  const [{ conversations }, { items: everyone }] = await Promise.all([
    api<{ conversations: Conversation[] }>(`/api/contacts/${encodeURIComponent(contact.id)}`),
    api<{ items: Contact[] }>('/api/contacts'),
  ]);
  const others = everyone.filter((c) => c.id !== contact.id);
  const mergeSelect = h(
    'select',
    { 'data-testid': 'merge-select', 'aria-label': 'Contact to merge' },
    h('option', { value: '' }, 'Merge with another contact…'),
    ...others.map((c) =>
      h('option', { value: c.id }, `${c.name ?? c.id} · ${c.identities.map(identityText).join(', ')}`),
    ),
  );
  const consent = Object.entries(contact.consent).filter(([, v]) => v.optedOut);
  const otherConversations = conversations.filter((c) => c.id !== state.selected);
  clear(
    panel,
    h(
      'h2',
      { 'data-testid': 'contact-name' },
      contact.name ?? 'Unnamed contact',
      ' ',
      h('small', {}, contact.id),
    ),
    h(
      'ul',
      { class: 'identities', 'data-testid': 'identities' },
      ...contact.identities.map((i) =>
        h(
          'li',
          { 'data-testid': 'identity' },
          channelIcon(i.kind === 'phone' ? 'sms' : i.kind),
          h('span', { class: 'value' }, i.value),
          i.displayName ? h('span', {}, `(${i.displayName})`) : null,
          h('span', { class: 'trust', title: `added ${i.addedAt}` }, i.trust),
        ),
      ),
    ),
    ...contact.claims.map((c) =>
      h(
        'div',
        { class: 'trust' },
        `unverified claim: ${identityText(c)}${c.evidence ? ` (${c.evidence})` : ''}`,
      ),
    ),
    ...consent.map(([channel, v]) =>
      h(
        'div',
        { class: 'consent', 'data-testid': 'consent' },
        `Opted out of ${channelName(channel)}${v.keyword ? ` by texting ${v.keyword}` : ''} on ${v.at.slice(0, 10)}`,
      ),
    ),
    h(
      'div',
      { class: 'merge' },
      mergeSelect,
      h(
        'button',
        {
          type: 'button',
          'data-testid': 'merge-button',
          onclick: async () => {
            if (!mergeSelect.value) return;
            await api('/api/contacts/merge', {
              method: 'POST',
              body: { a: contact.id, b: mergeSelect.value },
            });
            await Promise.all([renderList(), renderConversation()]);
          },
        },
        'Merge',
      ),
    ),
    otherConversations.length > 0
      ? h(
          'div',
          {},
          h('h2', {}, 'Other conversations'),
          h(
            'ul',
            { class: 'others' },
            ...otherConversations.map((c) =>
              h(
                'li',
                {},
                h('span', {}, ...c.channels.map(channelIcon), ` ${c.subject ?? when(c.lastMessageAt)}`),
                h(
                  'button',
                  {
                    type: 'button',
                    'data-testid': 'merge-conversation',
                    onclick: async () => {
                      if (!state.selected) return;
                      const { conversation } = await api<{ conversation: Conversation }>(
                        '/api/conversations/merge',
                        {
                          method: 'POST',
                          body: { a: state.selected, b: c.id },
                        },
                      );
                      state.selected = conversation.id;
                      await Promise.all([renderList(), renderConversation()]);
                    },
                  },
                  'Merge here',
                ),
              ),
            ),
          ),
        )
      : null,
  );
}

// ---------- outbox, search, live updates ----------

async function renderOutbox(): Promise<void> {
  const { enabled, items } = await api<{ enabled: boolean; items: OutboxEntry[] }>('/api/outbox');
  $('outbox-mode').textContent = enabled
    ? 'sandbox: replies stop here instead of reaching providers'
    : 'off: replies go to the providers';
  clear(
    $('outbox'),
    ...(items.length === 0 ? [h('li', { class: 'empty' }, 'Nothing sent yet.')] : []),
    ...items.map((e) =>
      h(
        'li',
        { 'data-testid': 'outbox-entry', 'data-channel': e.channel },
        h(
          'div',
          {},
          channelIcon(e.channel),
          h('span', { class: 'to' }, e.to.map(identityText).join(', ')),
          ' · ',
          when(e.at),
        ),
        e.subject ? h('div', {}, e.subject) : null,
        h('div', { class: 'text' }, e.text),
        h('div', { class: 'trust' }, e.externalId),
      ),
    ),
  );
}

async function search(event: Event): Promise<void> {
  event.preventDefault();
  const q = ($('search-input') as HTMLInputElement).value.trim();
  const box = $('search-results');
  if (!q) {
    box.hidden = true;
    return;
  }
  const { items } = await api<{ items: MessageView[] }>(`/api/search?q=${encodeURIComponent(q)}`);
  box.hidden = false;
  const words = q.toLowerCase().split(/\s+/).filter(Boolean);
  const snippet = (m: MessageView) => {
    const text = [m.text, ...(m.transcript?.turns.map((t) => `${t.speaker}: ${t.text}`) ?? [])].join(' ');
    const lower = text.toLowerCase();
    const at = Math.max(
      0,
      Math.min(...words.map((w) => lower.indexOf(w)).filter((i) => i >= 0), text.length) - 40,
    );
    const part = text.slice(at, at + 160);
    // Marks the matched words without ever parsing text as HTML.
    const out: Node[] = [];
    const re = new RegExp(`(${words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`, 'gi');
    for (const piece of part.split(re))
      out.push(words.includes(piece.toLowerCase()) ? h('mark', {}, piece) : document.createTextNode(piece));
    return out;
  };
  clear(
    box,
    h(
      'div',
      { class: 'bar' },
      h('span', {}, `${items.length} result${items.length === 1 ? '' : 's'} for “${q}”`),
      h(
        'button',
        {
          type: 'button',
          onclick: () => {
            box.hidden = true;
          },
        },
        'clear',
      ),
    ),
    ...items.map((m) =>
      h(
        'div',
        {
          class: 'hit',
          'data-testid': 'search-hit',
          'data-channel': m.channel,
          onclick: () => void select(m.conversationId, m.id),
        },
        h('div', {}, channelIcon(m.channel), when(m.sentAt)),
        h('div', {}, ...snippet(m)),
      ),
    ),
  );
}

let refreshTimer: ReturnType<typeof setTimeout> | undefined;
function refreshSoon(): void {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => {
    void renderList();
    void renderConversation();
  }, 150);
}

function live(): void {
  const source = new EventSource('/events');
  const indicator = $('live');
  source.onopen = () => indicator.classList.add('on');
  source.onerror = () => indicator.classList.remove('on');
  for (const name of ['message', 'status', 'updated', 'contact', 'conversation'])
    source.addEventListener(name, refreshSoon);
  source.addEventListener('outbox', () => void renderOutbox());
}

async function start(): Promise<void> {
  const info = await api<{ mode: string; channels: string[] }>('/api/info');
  const mode = $('mode');
  mode.textContent = info.mode === 'sandbox' ? 'Sandbox: sends go to the outbox' : 'Production';
  mode.classList.add(info.mode);
  mode.title = `Channels: ${info.channels.join(', ')}`;
  $('search').addEventListener('submit', (e) => void search(e));
  $('reply').addEventListener('submit', (e) => void sendReply(e));
  $('reply-channel').addEventListener('change', (e) => {
    state.chosenChannel = (e.target as HTMLSelectElement).value;
    showChannelState(state.detail?.reply.channels.find((s) => s.channel === state.chosenChannel));
  });
  await Promise.all([renderList(), renderOutbox()]);
  live();
  document.body.dataset.ready = 'true';
}

void start();
